//! The community area. Find your tribe: profiles and who may see them, ranked matches with peers
//! in the same role, connect requests, tribes with meetups, and
//! mixed-stakeholder tables. The grouping and ranking themselves live in
//! [`algorithm`], which knows nothing of the database.

pub mod algorithm;
pub mod connections;
pub mod kept;
pub mod matches;
pub mod people;
pub mod profiles;
pub mod snapshot;
pub mod tables;
pub mod tribes;
