//! Matching, tribe grouping, meetup slots and mixed-stakeholder tables, as
//! pure functions over plain data: no database, no HTTP, no clock. The same
//! input and seed always give the same answer.
//!
//! ## The score between two people
//! Matches, tribes and the "why" line all use one symmetric pair score:
//!
//! ```text
//! score(a, b) = 3 · |interests(a) ∩ interests(b)|
//!             + 2 · |agenda(a) ∩ agenda(b)|
//!             + 4 · (|looking_for(a) ∩ can_offer(b)| + |looking_for(b) ∩ can_offer(a)|)
//!             + 1 · [both name an organization and they differ]
//! ```
//!
//! A need met is worth most (someone can help you), a shared interest next,
//! a shared session less (it says what you both chose to hear, and schedules
//! crowd popular sessions), and meeting someone from another organization is
//! a small tie-breaker. Matches only pair people of the same role; people
//! already connected, who declined each other or blocked one another are
//! passed over (the caller names those pairs).
//!
//! ## Tribes
//! Within each role, people are split into ⌈n / size⌉ groups whose sizes
//! differ by at most one, maximising the sum of pair scores inside groups.
//! Exact optimisation is a graph partitioning problem (NP-hard), so this is a
//! local search: seeded random starts, then swaps of two people between
//! groups (and moves between groups of unequal size) while one improves the
//! objective, keeping the best start. Tests compare it with brute force.

use std::collections::{HashMap, HashSet};

pub const SHARED_INTEREST: u32 = 3;
pub const SHARED_SESSION: u32 = 2;
pub const NEED_MET: u32 = 4;
pub const OTHER_ORGANIZATION: u32 = 1;

/// One attendee as the algorithms see them. Tag, session and organization
/// numbers are whatever the caller interned; lists are kept sorted.
#[derive(Debug, Clone, Default)]
pub struct Person {
    pub id: i32,
    pub role: i32,
    /// `None` when the person named no organization.
    pub organization: Option<u32>,
    pub interests: Vec<u32>,
    pub looking_for: Vec<u32>,
    pub can_offer: Vec<u32>,
    pub sessions: Vec<u32>,
}

impl Person {
    /// Sorts and de-duplicates the lists, which the set operations rely on.
    pub fn normalized(mut self) -> Person {
        for list in [&mut self.interests, &mut self.looking_for, &mut self.can_offer, &mut self.sessions] {
            list.sort_unstable();
            list.dedup();
        }
        self
    }
}

fn common(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

fn count_common(a: &[u32], b: &[u32]) -> u32 {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn organization_bonus(a: &Person, b: &Person) -> u32 {
    match (a.organization, b.organization) {
        (Some(x), Some(y)) if x != y => OTHER_ORGANIZATION,
        _ => 0,
    }
}

/// The pair score (see the module documentation).
pub fn pair_score(a: &Person, b: &Person) -> u32 {
    SHARED_INTEREST * count_common(&a.interests, &b.interests)
        + SHARED_SESSION * count_common(&a.sessions, &b.sessions)
        + NEED_MET * (count_common(&a.looking_for, &b.can_offer) + count_common(&b.looking_for, &a.can_offer))
        + organization_bonus(a, b)
}

/// Why two people were matched, from the first one's point of view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reasons {
    pub score: u32,
    pub shared_interests: Vec<u32>,
    pub shared_sessions: usize,
    /// What `b` offers that `a` looks for.
    pub they_offer: Vec<u32>,
    /// What `a` offers that `b` looks for.
    pub you_offer: Vec<u32>,
    pub other_organization: bool,
}

pub fn explain(a: &Person, b: &Person) -> Reasons {
    Reasons {
        score: pair_score(a, b),
        shared_interests: common(&a.interests, &b.interests),
        shared_sessions: count_common(&a.sessions, &b.sessions) as usize,
        they_offer: common(&a.looking_for, &b.can_offer),
        you_offer: common(&b.looking_for, &a.can_offer),
        other_organization: organization_bonus(a, b) > 0,
    }
}

/// A suggestion: the index of the other person in the population, and the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    pub person: usize,
    pub score: u32,
}

/// Pairs of person ids (either order) that must not be suggested.
#[derive(Debug, Default, Clone)]
pub struct Excluded(HashSet<(i32, i32)>);

impl Excluded {
    pub fn insert(&mut self, a: i32, b: i32) {
        self.0.insert((a.min(b), a.max(b)));
    }

    pub fn contains(&self, a: i32, b: i32) -> bool {
        !self.0.is_empty() && self.0.contains(&(a.min(b), a.max(b)))
    }
}

/// Keeps the best `k` candidates: higher score first, then lower id, so ties
/// are broken the same way on every run.
struct Best {
    k: usize,
    items: Vec<(u32, i32, usize)>,
}

impl Best {
    fn new(k: usize) -> Best {
        Best { k, items: Vec::with_capacity(k + 1) }
    }

    fn beats(a: (u32, i32), b: (u32, i32)) -> bool {
        a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
    }

    fn would_take(&self, score: u32, id: i32) -> bool {
        self.items.len() < self.k || self.items.last().is_some_and(|w| Best::beats((score, id), (w.0, w.1)))
    }

    fn offer(&mut self, score: u32, id: i32, index: usize) {
        if self.k == 0 || !self.would_take(score, id) {
            return;
        }
        let at = self.items.iter().position(|w| Best::beats((score, id), (w.0, w.1))).unwrap_or(self.items.len());
        self.items.insert(at, (score, id, index));
        self.items.truncate(self.k);
    }

    fn into_matches(self) -> Vec<Match> {
        self.items.into_iter().map(|(score, _, person)| Match { person, score }).collect()
    }
}

/// The people of one role with inverted lists: for each tag or session, who
/// has it. Scoring one person against the whole role adds up the lists of
/// what they have (a few thousand increments into a small array) instead of
/// intersecting every pair; ids and organizations sit in arrays of their own
/// so the final scan over the role stays in cache.
struct RoleIndex {
    /// Index in the population of each member.
    members: Vec<usize>,
    ids: Vec<i32>,
    organizations: Vec<Option<u32>>,
    interests: HashMap<u32, Vec<u32>>,
    sessions: HashMap<u32, Vec<u32>>,
    offering: HashMap<u32, Vec<u32>>,
    seeking: HashMap<u32, Vec<u32>>,
}

impl RoleIndex {
    fn new(people: &[Person], members: Vec<usize>) -> RoleIndex {
        let mut index = RoleIndex {
            ids: members.iter().map(|&i| people[i].id).collect(),
            organizations: members.iter().map(|&i| people[i].organization).collect(),
            members,
            interests: HashMap::new(),
            sessions: HashMap::new(),
            offering: HashMap::new(),
            seeking: HashMap::new(),
        };
        for (local, &global) in index.members.iter().enumerate() {
            let person = &people[global];
            let local = local as u32;
            for (list, map) in [
                (&person.interests, &mut index.interests),
                (&person.sessions, &mut index.sessions),
                (&person.can_offer, &mut index.offering),
                (&person.looking_for, &mut index.seeking),
            ] {
                for &key in list {
                    map.entry(key).or_default().push(local);
                }
            }
        }
        index
    }

    /// Top `k` for `me` (the member at `local`), using the zeroed scratch
    /// `scores`, which is left zeroed.
    fn top_for(&self, me: &Person, local: usize, k: usize, excluded: &Excluded, scores: &mut [u32]) -> Vec<Match> {
        let add = |scores: &mut [u32], list: &[u32], map: &HashMap<u32, Vec<u32>>, weight: u32| {
            for key in list {
                for &other in map.get(key).map(Vec::as_slice).unwrap_or(&[]) {
                    scores[other as usize] += weight;
                }
            }
        };
        add(scores, &me.interests, &self.interests, SHARED_INTEREST);
        add(scores, &me.sessions, &self.sessions, SHARED_SESSION);
        add(scores, &me.looking_for, &self.offering, NEED_MET);
        add(scores, &me.can_offer, &self.seeking, NEED_MET);
        // Every member of the role is a candidate (someone sharing nothing
        // still ranks by the organization bonus and id). Once `k` are held, a
        // base score more than the bonus below the weakest held cannot enter.
        let mut best = Best::new(k);
        let mut floor = 0u32;
        for (other, &base) in scores.iter().enumerate() {
            if base + OTHER_ORGANIZATION < floor || other == local {
                continue;
            }
            let bonus = match (me.organization, self.organizations[other]) {
                (Some(x), Some(y)) if x != y => OTHER_ORGANIZATION,
                _ => 0,
            };
            let (score, id) = (base + bonus, self.ids[other]);
            if best.would_take(score, id) && !excluded.contains(me.id, id) {
                best.offer(score, id, self.members[other]);
                if best.items.len() == best.k {
                    floor = best.items.last().map_or(0, |w| w.0);
                }
            }
        }
        scores.fill(0);
        best.into_matches()
    }
}

fn members_by_role(people: &[Person]) -> Vec<Vec<usize>> {
    let mut roles: HashMap<i32, Vec<usize>> = HashMap::new();
    for (index, person) in people.iter().enumerate() {
        roles.entry(person.role).or_default().push(index);
    }
    let mut grouped: Vec<(i32, Vec<usize>)> = roles.into_iter().collect();
    grouped.sort_by_key(|(role, _)| *role);
    grouped.into_iter().map(|(_, members)| members).collect()
}

/// The top `k` matches of one person (by index) among the people of their role.
pub fn top_matches_for(people: &[Person], person: usize, k: usize, excluded: &Excluded) -> Vec<Match> {
    top_matches_as(people, person, &people[person], k, excluded)
}

/// As [`top_matches_for`], for the person at `person` as `me` says they are
/// now (a pool kept for a second may hold an older agenda of theirs than
/// the one they just changed); `me` keeps their role.
pub fn top_matches_as(people: &[Person], person: usize, me: &Person, k: usize, excluded: &Excluded) -> Vec<Match> {
    let role = people[person].role;
    let members: Vec<usize> = (0..people.len()).filter(|&i| people[i].role == role).collect();
    let local = members.iter().position(|&i| i == person).unwrap_or(0);
    let index = RoleIndex::new(people, members);
    let mut scores = vec![0u32; index.members.len()];
    index.top_for(me, local, k, excluded, &mut scores)
}

/// The top `k` matches of every person, in population order. Work is spread
/// over `threads` threads (at least one).
pub fn top_matches_all(people: &[Person], k: usize, excluded: &Excluded, threads: usize) -> Vec<Vec<Match>> {
    let mut result: Vec<Vec<Match>> = vec![Vec::new(); people.len()];
    for members in members_by_role(people) {
        let index = RoleIndex::new(people, members);
        let n = index.members.len();
        let chunk = n.div_ceil(threads.max(1)).max(1);
        let parts: Vec<Vec<Vec<Match>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..n)
                .step_by(chunk)
                .map(|start| {
                    let index = &index;
                    scope.spawn(move || {
                        let mut scores = vec![0u32; n];
                        (start..(start + chunk).min(n))
                            .map(|local| index.top_for(&people[index.members[local]], local, k, excluded, &mut scores))
                            .collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("matching thread panicked")).collect()
        });
        for (local, matches) in parts.into_iter().flatten().enumerate() {
            result[index.members[local]] = matches;
        }
    }
    result
}

/// A small deterministic generator (SplitMix64), so that a seed gives the
/// same tribes on every platform and version.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Pair scores of a set of people, as a dense symmetric matrix.
pub struct Similarity {
    n: usize,
    values: Vec<u32>,
}

impl Similarity {
    pub fn of(people: &[&Person]) -> Similarity {
        let n = people.len();
        let mut values = vec![0u32; n * n];
        for i in 0..n {
            for j in (i + 1)..n {
                let s = pair_score(people[i], people[j]);
                values[i * n + j] = s;
                values[j * n + i] = s;
            }
        }
        Similarity { n, values }
    }

    /// From explicit values (tests and callers with their own measure).
    pub fn from_fn(n: usize, f: impl Fn(usize, usize) -> u32) -> Similarity {
        let mut values = vec![0u32; n * n];
        for i in 0..n {
            for j in (i + 1)..n {
                let s = f(i, j);
                values[i * n + j] = s;
                values[j * n + i] = s;
            }
        }
        Similarity { n, values }
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    pub fn get(&self, i: usize, j: usize) -> u32 {
        self.values[i * self.n + j]
    }

    /// The objective: the sum of pair scores inside each group.
    pub fn objective(&self, groups: &[Vec<usize>]) -> u64 {
        groups
            .iter()
            .map(|g| {
                let mut sum = 0u64;
                for (a, &i) in g.iter().enumerate() {
                    for &j in &g[a + 1..] {
                        sum += self.get(i, j) as u64;
                    }
                }
                sum
            })
            .sum()
    }
}

/// Sizes of `⌈n / size⌉` groups that differ by at most one.
pub fn balanced_sizes(n: usize, size: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let groups = n.div_ceil(size.max(1));
    (0..groups).map(|g| n / groups + usize::from(g < n % groups)).collect()
}

/// The state of a local search: who is where, and for each person the sum
/// of their scores with each group, so a swap's gain costs O(1).
struct Search<'a> {
    sim: &'a Similarity,
    group_of: Vec<usize>,
    sizes: Vec<usize>,
    /// `towards[p * groups + g]`: sum of sim(p, q) over q in group g.
    towards: Vec<i64>,
    groups: usize,
    /// People allowed to move (all, or only newcomers when re-forming).
    movable: Vec<bool>,
    /// Whether one person may move alone (which changes group sizes).
    single_moves: bool,
}

impl<'a> Search<'a> {
    fn new(sim: &'a Similarity, group_of: Vec<usize>, groups: usize, movable: Vec<bool>) -> Search<'a> {
        let n = sim.len();
        let mut sizes = vec![0; groups];
        let mut towards = vec![0i64; n * groups];
        for p in 0..n {
            sizes[group_of[p]] += 1;
            for q in 0..n {
                if p != q {
                    towards[p * groups + group_of[q]] += sim.get(p, q) as i64;
                }
            }
        }
        Search { sim, group_of, sizes, towards, groups, movable, single_moves: true }
    }

    fn relocate(&mut self, p: usize, to: usize) {
        let from = self.group_of[p];
        for q in 0..self.sim.len() {
            if q != p {
                let s = self.sim.get(p, q) as i64;
                self.towards[q * self.groups + from] -= s;
                self.towards[q * self.groups + to] += s;
            }
        }
        self.group_of[p] = to;
        self.sizes[from] -= 1;
        self.sizes[to] += 1;
    }

    /// Applies improving swaps and balance-keeping moves until none is left.
    fn improve(&mut self) {
        let n = self.sim.len();
        let g = self.groups;
        loop {
            let mut improved = false;
            for p in 0..n {
                if !self.movable[p] {
                    continue;
                }
                let a = self.group_of[p];
                let mut best_gain = 0i64;
                let mut best: Option<(Option<usize>, usize)> = None;
                // Moving p alone keeps sizes within one of each other only
                // from a larger group into a smaller one.
                for b in (0..g).filter(|_| self.single_moves) {
                    if b != a && self.sizes[a] == self.sizes[b] + 1 {
                        let gain = self.towards[p * g + b] - self.towards[p * g + a];
                        if gain > best_gain {
                            best_gain = gain;
                            best = Some((None, b));
                        }
                    }
                }
                for q in 0..n {
                    let b = self.group_of[q];
                    if b == a || !self.movable[q] {
                        continue;
                    }
                    let s = self.sim.get(p, q) as i64;
                    let gain = (self.towards[p * g + b] - s) + (self.towards[q * g + a] - s) - self.towards[p * g + a] - self.towards[q * g + b];
                    if gain > best_gain {
                        best_gain = gain;
                        best = Some((Some(q), b));
                    }
                }
                match best {
                    Some((Some(q), b)) => {
                        self.relocate(p, b);
                        self.relocate(q, a);
                        improved = true;
                    }
                    Some((None, b)) => {
                        self.relocate(p, b);
                        improved = true;
                    }
                    None => {}
                }
            }
            if !improved {
                break;
            }
        }
    }

    fn groups(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.groups];
        for (p, &g) in self.group_of.iter().enumerate() {
            out[g].push(p);
        }
        out
    }
}

/// How many random starts: many for small sets (cheap, and where a bad
/// local optimum costs most), a few for large ones.
fn starts_for(n: usize) -> usize {
    (200_000 / (n * n).max(1)).clamp(3, 64)
}

/// Splits people `0..sim.len()` into balanced groups of about `size`,
/// maximising [`Similarity::objective`]. Groups come back sorted, each
/// sorted inside, so equal inputs give equal output.
pub fn form_groups(sim: &Similarity, size: usize, seed: u64) -> Vec<Vec<usize>> {
    let n = sim.len();
    let sizes = balanced_sizes(n, size);
    if sizes.len() <= 1 {
        return if n == 0 { Vec::new() } else { vec![(0..n).collect()] };
    }
    let mut rng = SplitMix::new(seed);
    let mut best: Option<(u64, Vec<Vec<usize>>)> = None;
    for _ in 0..starts_for(n) {
        let mut order: Vec<usize> = (0..n).collect();
        rng.shuffle(&mut order);
        let mut group_of = vec![0; n];
        let mut at = 0;
        for (g, &count) in sizes.iter().enumerate() {
            for &p in &order[at..at + count] {
                group_of[p] = g;
            }
            at += count;
        }
        let mut search = Search::new(sim, group_of, sizes.len(), vec![true; n]);
        search.improve();
        let groups = search.groups();
        let value = sim.objective(&groups);
        if best.as_ref().is_none_or(|(v, _)| value > *v) {
            best = Some((value, groups));
        }
    }
    canonical(best.map(|(_, g)| g).unwrap_or_default())
}

fn canonical(mut groups: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    groups.retain(|g| !g.is_empty());
    for g in &mut groups {
        g.sort_unstable();
    }
    groups.sort();
    groups
}

/// Re-forming after late registrations: `existing` groups stay as they are
/// (the caller has removed people who left); `newcomers` join the group with
/// room where they fit best, new groups open when all are full, and only
/// newcomers are then swapped to improve the result. Existing groups come
/// back first, in their order; new groups follow.
pub fn extend_groups(sim: &Similarity, existing: &[Vec<usize>], newcomers: &[usize], size: usize) -> Vec<Vec<usize>> {
    let size = size.max(1);
    let mut groups: Vec<Vec<usize>> = existing.to_vec();
    let fit = |group: &[usize], p: usize| group.iter().map(|&q| sim.get(p, q) as u64).sum::<u64>();
    let mut waiting: Vec<usize> = Vec::new();
    for &p in newcomers {
        let best = (0..groups.len())
            .filter(|&g| groups[g].len() < size)
            .max_by_key(|&g| (fit(&groups[g], p), std::cmp::Reverse(groups[g].len()), std::cmp::Reverse(g)));
        match best {
            Some(g) => groups[g].push(p),
            None => waiting.push(p),
        }
    }
    if !waiting.is_empty() {
        // Too few for a group of their own that is at least half full: they
        // join existing groups one over size rather than sit as a tiny tribe.
        if waiting.len() * 2 < size && !groups.is_empty() {
            let mut still = Vec::new();
            for p in waiting.drain(..) {
                let g = (0..groups.len())
                    .filter(|&g| groups[g].len() <= size)
                    .max_by_key(|&g| (fit(&groups[g], p), std::cmp::Reverse(groups[g].len()), std::cmp::Reverse(g)));
                match g {
                    Some(g) => groups[g].push(p),
                    None => still.push(p),
                }
            }
            waiting = still;
        }
        for count in balanced_sizes(waiting.len(), size) {
            let rest = waiting.split_off(count);
            groups.push(std::mem::replace(&mut waiting, rest));
        }
    }
    let n = sim.len();
    let mut group_of = vec![usize::MAX; n];
    for (g, members) in groups.iter().enumerate() {
        for &p in members {
            group_of[p] = g;
        }
    }
    // People in neither list sit in a group of their own that never moves.
    let outside = groups.len();
    let mut movable = vec![false; n];
    for &p in newcomers {
        movable[p] = true;
    }
    for slot in group_of.iter_mut().filter(|g| **g == usize::MAX) {
        *slot = outside;
    }
    let mut search = Search::new(sim, group_of, outside + 1, movable);
    // Swaps only: sizes are what the placement above chose.
    search.single_moves = false;
    search.improve();
    let mut out = vec![Vec::new(); outside];
    for (p, &g) in search.group_of.iter().enumerate() {
        if g < outside {
            out[g].push(p);
        }
    }
    for g in &mut out {
        g.sort_unstable();
    }
    out
}

/// A time and place the organizer offers for tribe meetups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotOption {
    pub starts_at: i64,
    pub ends_at: i64,
    /// How many tribes can meet there at once.
    pub capacity: usize,
}

/// Picks a slot for each tribe: the one where the fewest members have a
/// session in their agenda at that time, then the tribe's current slot (so
/// re-forming does not move meetups needlessly), then the emptiest, then
/// the earliest. `busy[p]` lists person p's agenda intervals.
pub fn assign_slots(tribes: &[Vec<usize>], busy: &[Vec<(i64, i64)>], slots: &[SlotOption], current: &[Option<usize>]) -> Vec<Option<usize>> {
    let mut used = vec![0usize; slots.len()];
    let mut chosen = vec![None; tribes.len()];
    let clashes = |tribe: &[usize], slot: &SlotOption| {
        tribe.iter().filter(|&&p| busy.get(p).is_some_and(|b| b.iter().any(|&(s, e)| s < slot.ends_at && slot.starts_at < e))).count()
    };
    // Tribes that keep their slot claim it first.
    let mut order: Vec<usize> = (0..tribes.len()).collect();
    order.sort_by_key(|&t| current.get(t).copied().flatten().is_none());
    for t in order {
        let best = (0..slots.len())
            .filter(|&s| used[s] < slots[s].capacity)
            .min_by_key(|&s| (clashes(&tribes[t], &slots[s]), current.get(t).copied().flatten() != Some(s), used[s], slots[s].starts_at, s));
        if let Some(s) = best {
            used[s] += 1;
            chosen[t] = Some(s);
        }
    }
    chosen
}

/// Seats people at tables of about `table_size` (sizes differ by at most
/// one) so that, as far as numbers allow, every table has one person of each
/// role in `wanted`. `people` is `(id, role)` in the order to seat them;
/// tables hold indices into it.
///
/// Every table can have every wanted role exactly when each such role has at
/// least one person per table and the smallest table has a seat per wanted
/// role. Scarce roles are dealt first, one per table; everyone else then
/// goes to the table with the fewest of their role, so tables stay mixed.
pub fn seat_tables(people: &[(i32, i32)], wanted: &[i32], table_size: usize) -> Vec<Vec<usize>> {
    let sizes = balanced_sizes(people.len(), table_size.max(1));
    let mut tables: Vec<Vec<usize>> = sizes.iter().map(|_| Vec::new()).collect();
    if tables.is_empty() {
        return tables;
    }
    let mut seated = vec![false; people.len()];
    let role_count = |role: i32| people.iter().filter(|p| p.1 == role).count();
    let mut roles: Vec<i32> = wanted.to_vec();
    roles.sort_unstable();
    roles.dedup();
    roles.sort_by_key(|&r| (role_count(r), r));
    for role in roles {
        let unseated: Vec<usize> = (0..people.len()).filter(|&i| people[i].1 == role && !seated[i]).collect();
        let mut members = unseated.into_iter();
        // Tables with the most free seats first, so no table runs out of room
        // for the roles still to come.
        let mut order: Vec<usize> = (0..tables.len()).collect();
        order.sort_by_key(|&t| (std::cmp::Reverse(sizes[t] - tables[t].len()), t));
        for t in order {
            if tables[t].len() >= sizes[t] {
                continue;
            }
            let Some(i) = members.next() else { break };
            tables[t].push(i);
            seated[i] = true;
        }
    }
    for i in 0..people.len() {
        if seated[i] {
            continue;
        }
        let role = people[i].1;
        let t = (0..tables.len())
            .filter(|&t| tables[t].len() < sizes[t])
            .min_by_key(|&t| (tables[t].iter().filter(|&&j| people[j].1 == role).count(), std::cmp::Reverse(sizes[t] - tables[t].len()), t))
            .expect("balanced sizes seat everyone");
        tables[t].push(i);
        seated[i] = true;
    }
    tables
}

#[cfg(test)]
#[path = "algorithm_tests.rs"]
mod tests;
