//! A synthetic event for the tribe benchmarks: `n` attendees over 20 roles,
//! 200 interest tags and 400 sessions, with skew as at a real conference
//! (some tags and sessions are far more popular than others).

use tribe::domain::community::algorithm::{Person, SplitMix};

pub const ROLES: i32 = 20;
pub const TAGS: u32 = 200;
pub const SESSIONS: u32 = 400;

/// A number in `0..n`, low numbers more likely (roughly Zipf-like).
fn skewed(rng: &mut SplitMix, n: u32) -> u32 {
    let a = rng.below(n as usize) as u32;
    let b = rng.below(n as usize) as u32;
    a.min(b)
}

pub fn population(n: usize, seed: u64) -> Vec<Person> {
    let mut rng = SplitMix::new(seed);
    (0..n)
        .map(|i| {
            let interests = (0..3 + rng.below(6)).map(|_| skewed(&mut rng, TAGS)).collect();
            let looking_for = (0..1 + rng.below(3)).map(|_| skewed(&mut rng, TAGS)).collect();
            let can_offer = (0..1 + rng.below(3)).map(|_| skewed(&mut rng, TAGS)).collect();
            let sessions = (0..10 + rng.below(11)).map(|_| skewed(&mut rng, SESSIONS)).collect();
            Person {
                id: i as i32 + 1,
                role: rng.below(ROLES as usize) as i32,
                organization: Some(rng.below(5_000) as u32),
                interests,
                looking_for,
                can_offer,
                sessions,
            }
            .normalized()
        })
        .collect()
}
