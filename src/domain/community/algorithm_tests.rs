//! The matching algorithm's tests: properties over generated people and
//! the cases that once went wrong.

use super::*;

fn person(id: i32, role: i32, interests: &[u32], sessions: &[u32]) -> Person {
    Person { id, role, interests: interests.to_vec(), sessions: sessions.to_vec(), ..Person::default() }.normalized()
}

#[test]
fn the_score_counts_what_the_documentation_says() {
    let mut a = person(1, 1, &[1, 2, 3], &[10, 11]);
    let mut b = person(2, 1, &[2, 3, 4], &[11, 12]);
    a.looking_for = vec![7];
    b.can_offer = vec![7, 8];
    a.organization = Some(1);
    b.organization = Some(2);
    // 2 interests · 3 + 1 session · 2 + 1 need · 4 + 1 organization
    assert_eq!(pair_score(&a, &b), 6 + 2 + 4 + 1);
    assert_eq!(pair_score(&b, &a), pair_score(&a, &b));
    let why = explain(&a, &b);
    assert_eq!(why.shared_interests, vec![2, 3]);
    assert_eq!(why.they_offer, vec![7]);
    assert!(why.you_offer.is_empty());
    b.organization = Some(1);
    assert_eq!(pair_score(&a, &b), 12);
}

#[test]
fn balanced_sizes_differ_by_at_most_one() {
    assert_eq!(balanced_sizes(12, 6), vec![6, 6]);
    assert_eq!(balanced_sizes(13, 6), vec![5, 4, 4]);
    assert_eq!(balanced_sizes(7, 6), vec![4, 3]);
    assert_eq!(balanced_sizes(0, 6), Vec::<usize>::new());
}

#[test]
fn slots_avoid_agenda_clashes_and_respect_capacity() {
    let tribes = vec![vec![0, 1], vec![2, 3], vec![4]];
    let busy = vec![vec![(100, 200)], vec![], vec![], vec![], vec![]];
    let slots = [SlotOption { starts_at: 150, ends_at: 180, capacity: 1 }, SlotOption { starts_at: 300, ends_at: 330, capacity: 1 }];
    let chosen = assign_slots(&tribes, &busy, &slots, &[None, None, None]);
    assert_eq!(chosen, vec![Some(1), Some(0), None]);
    // A tribe keeps its slot when it is as good as any other.
    let kept = assign_slots(&tribes[1..2], &busy, &slots, &[Some(1)]);
    assert_eq!(kept, vec![Some(1)]);
}

/// Every split of `0..n` into groups of the given sizes, the best objective.
fn brute_force(sim: &Similarity, sizes: &[usize]) -> u64 {
    fn go(p: usize, sim: &Similarity, sizes: &[usize], groups: &mut Vec<Vec<usize>>, best: &mut u64) {
        if p == sim.len() {
            *best = (*best).max(sim.objective(groups));
            return;
        }
        let mut tried_empty = std::collections::HashSet::new();
        for g in 0..groups.len() {
            if groups[g].len() >= sizes[g] {
                continue;
            }
            // Empty groups of equal size are interchangeable.
            if groups[g].is_empty() && !tried_empty.insert(sizes[g]) {
                continue;
            }
            groups[g].push(p);
            go(p + 1, sim, sizes, groups, best);
            groups[g].pop();
        }
    }
    let mut best = 0;
    go(0, sim, sizes, &mut vec![Vec::new(); sizes.len()], &mut best);
    best
}

fn random_people(rng: &mut SplitMix, n: usize, roles: i32, tags: u32, sessions: u32) -> Vec<Person> {
    (0..n)
        .map(|i| {
            let mut pick = |count: usize, of: u32| (0..count).map(|_| rng.below(of as usize) as u32).collect::<Vec<_>>();
            Person {
                id: i as i32 + 1,
                role: (i as i32) % roles,
                organization: Some((i % 3) as u32),
                interests: pick(4, tags),
                looking_for: pick(2, tags),
                can_offer: pick(2, tags),
                sessions: pick(5, sessions),
            }
            .normalized()
        })
        .collect()
}

#[test]
fn groups_are_within_two_percent_of_the_exact_optimum_up_to_twelve_people() {
    let mut rng = SplitMix::new(7);
    let mut worst = 1.0f64;
    for case in 0..120 {
        let n = 4 + case % 9;
        let size = 3 + (case / 9) % 4;
        let people = random_people(&mut rng, n, 1, 12, 10);
        let refs: Vec<&Person> = people.iter().collect();
        let sim = Similarity::of(&refs);
        let groups = form_groups(&sim, size, case as u64);
        let sizes = balanced_sizes(n, size);
        let mut got_sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        got_sizes.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(got_sizes, sizes, "case {case}");
        let mut everyone: Vec<usize> = groups.concat();
        everyone.sort_unstable();
        assert_eq!(everyone, (0..n).collect::<Vec<_>>());
        let exact = brute_force(&sim, &sizes);
        let found = sim.objective(&groups);
        assert!(found <= exact);
        if exact > 0 {
            worst = worst.min(found as f64 / exact as f64);
        }
        assert!(found as f64 >= 0.98 * exact as f64, "case {case}: {found} vs optimum {exact}");
    }
    assert!(worst >= 0.98);
}

#[test]
fn grouping_is_deterministic_for_a_seed() {
    let mut rng = SplitMix::new(11);
    let people = random_people(&mut rng, 40, 1, 20, 30);
    let refs: Vec<&Person> = people.iter().collect();
    let sim = Similarity::of(&refs);
    assert_eq!(form_groups(&sim, 6, 3), form_groups(&sim, 6, 3));
}

#[test]
fn extending_groups_keeps_existing_members_where_they_are() {
    let mut rng = SplitMix::new(5);
    let people = random_people(&mut rng, 20, 1, 10, 10);
    let refs: Vec<&Person> = people.iter().collect();
    let sim = Similarity::of(&refs);
    let first = form_groups(&Similarity::from_fn(14, |i, j| sim.get(i, j)), 6, 1);
    let newcomers: Vec<usize> = (14..20).collect();
    let extended = extend_groups(&sim, &first, &newcomers, 6);
    for (before, after) in first.iter().zip(&extended) {
        assert!(before.iter().all(|p| after.contains(p)), "{before:?} ⊄ {after:?}");
    }
    let mut everyone: Vec<usize> = extended.concat();
    everyone.sort_unstable();
    assert_eq!(everyone, (0..20).collect::<Vec<_>>());
    assert!(extended.iter().all(|g| g.len() <= 7));
    // Two latecomers do not make a tribe of two: they join existing ones.
    let two = extend_groups(&Similarity::from_fn(16, |i, j| sim.get(i, j)), &first, &[14, 15], 6);
    assert_eq!(two.len(), first.len());
}

fn naive_top(people: &[Person], i: usize, k: usize, excluded: &Excluded) -> Vec<(u32, i32)> {
    let mut all: Vec<(u32, i32)> = (0..people.len())
        .filter(|&j| j != i && people[j].role == people[i].role && !excluded.contains(people[i].id, people[j].id))
        .map(|j| (pair_score(&people[i], &people[j]), people[j].id))
        .collect();
    all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    all.truncate(k);
    all
}

#[test]
fn indexed_top_matches_equal_the_naive_ranking() {
    let mut rng = SplitMix::new(3);
    for round in 0..6 {
        let people = random_people(&mut rng, 60 + round * 20, 3, 15 + round as u32 * 10, 25);
        let mut excluded = Excluded::default();
        excluded.insert(people[0].id, people[3].id);
        excluded.insert(people[5].id, people[2].id);
        let all = top_matches_all(&people, 10, &excluded, 2);
        for i in 0..people.len() {
            let expected = naive_top(&people, i, 10, &excluded);
            let got: Vec<(u32, i32)> = all[i].iter().map(|m| (m.score, people[m.person].id)).collect();
            assert_eq!(got, expected, "person {i}");
            let single: Vec<(u32, i32)> = top_matches_for(&people, i, 10, &excluded).iter().map(|m| (m.score, people[m.person].id)).collect();
            assert_eq!(single, expected);
        }
    }
}

/// Whether some seating of the tables' sizes gives every table every
/// wanted role, by trying them all.
fn satisfiable(people: &[(i32, i32)], wanted: &[i32], sizes: &[usize]) -> bool {
    fn go(p: usize, people: &[(i32, i32)], wanted: &[i32], sizes: &[usize], tables: &mut Vec<Vec<i32>>) -> bool {
        if p == people.len() {
            return tables.iter().all(|t| wanted.iter().all(|r| t.contains(r)));
        }
        for t in 0..tables.len() {
            if tables[t].len() < sizes[t] {
                tables[t].push(people[p].1);
                if go(p + 1, people, wanted, sizes, tables) {
                    return true;
                }
                tables[t].pop();
            }
        }
        false
    }
    go(0, people, wanted, sizes, &mut vec![Vec::new(); sizes.len()])
}

#[test]
fn tables_have_every_wanted_role_whenever_that_is_possible() {
    let mut rng = SplitMix::new(99);
    let mut satisfiable_cases = 0;
    for case in 0..300 {
        let n = 3 + rng.below(8);
        let size = 2 + rng.below(3);
        let roles = 2 + rng.below(3) as i32;
        let people: Vec<(i32, i32)> = (0..n).map(|i| (i as i32, rng.below(roles as usize) as i32)).collect();
        let wanted: Vec<i32> = (0..roles).filter(|_| rng.below(3) > 0).collect();
        let tables = seat_tables(&people, &wanted, size);
        let sizes = balanced_sizes(n, size);
        let mut got: Vec<usize> = tables.iter().map(Vec::len).collect();
        got.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(got, sizes, "case {case}");
        let all_have = tables.iter().all(|t| wanted.iter().all(|r| t.iter().any(|&i| people[i].1 == *r)));
        if satisfiable(&people, &wanted, &sizes) {
            satisfiable_cases += 1;
            assert!(all_have, "case {case}: {people:?} wanted {wanted:?} got {tables:?}");
        }
        // As far as numbers allow: each wanted role sits at as many tables as it could.
        for &r in &wanted {
            let count = people.iter().filter(|p| p.1 == r).count();
            let at = tables.iter().filter(|t| t.iter().any(|&i| people[i].1 == r)).count();
            if wanted.len() <= *sizes.last().unwrap() {
                assert_eq!(at, count.min(tables.len()), "case {case}, role {r}");
            }
        }
    }
    assert!(satisfiable_cases > 30, "only {satisfiable_cases} satisfiable cases were tried");
}
