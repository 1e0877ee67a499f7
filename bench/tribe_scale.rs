//! One timed run of each tribe workload with its peak memory, for
//! bench/RESULTS.md (criterion gives the distribution; this gives memory).
//! `cargo run --release --example tribe_scale`

use std::time::Instant;

use tribe::domain::community::algorithm::{self, Excluded, Similarity};

#[path = "tribe_synthetic.rs"]
mod synthetic;

/// Peak resident memory of this process so far (Linux), in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok()).unwrap_or(0.0)
        / 1024.0
}

fn main() {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let started = Instant::now();
    let people = synthetic::population(100_000, 1);
    println!("generated 100,000 attendees in {:.2} s, peak {:.0} MiB", started.elapsed().as_secs_f64(), peak_mib());
    let started = Instant::now();
    let matches = algorithm::top_matches_all(&people, 10, &Excluded::default(), threads);
    let took = started.elapsed().as_secs_f64();
    let full = matches.iter().filter(|m| m.len() == 10).count();
    println!("top-10 matches for 100,000 attendees on {threads} threads: {took:.2} s ({full} with 10 matches), peak {:.0} MiB", peak_mib());

    let people = synthetic::population(10_000, 2);
    let started = Instant::now();
    let mut tribes = 0;
    for role in 0..synthetic::ROLES {
        let members: Vec<&algorithm::Person> = people.iter().filter(|p| p.role == role).collect();
        let sim = Similarity::of(&members);
        tribes += algorithm::form_groups(&sim, 6, role as u64).len();
    }
    println!("{tribes} tribes of about 6 from 10,000 attendees: {:.2} s, peak {:.0} MiB", started.elapsed().as_secs_f64(), peak_mib());
}
