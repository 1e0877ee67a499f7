//! Criterion benchmark: top-10 matches for every attendee of a
//! 100,000-attendee event, and forming tribes of 6 for 10,000 attendees.
//! `cargo bench --bench tribe_matching`; figures in bench/RESULTS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use tribe::domain::community::algorithm::{self, Excluded, Similarity};

#[path = "tribe_synthetic.rs"]
mod synthetic;

fn threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

fn matches_100k(c: &mut Criterion) {
    let people = synthetic::population(100_000, 1);
    let excluded = Excluded::default();
    let mut group = c.benchmark_group("matching");
    group.sample_size(10);
    group.bench_function("top10_all_100k", |b| b.iter(|| algorithm::top_matches_all(&people, 10, &excluded, threads())));
    group.finish();
}

fn tribes_10k(c: &mut Criterion) {
    let people = synthetic::population(10_000, 2);
    let mut group = c.benchmark_group("tribes");
    group.sample_size(10);
    group.bench_function("form_groups_10k", |b| {
        b.iter(|| {
            let mut total = 0;
            for role in 0..synthetic::ROLES {
                let members: Vec<&algorithm::Person> = people.iter().filter(|p| p.role == role).collect();
                let sim = Similarity::of(&members);
                total += algorithm::form_groups(&sim, 6, role as u64).len();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, matches_100k, tribes_10k);
criterion_main!(benches);
