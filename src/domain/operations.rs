//! What an operator watches across the whole service, read from the
//! database (so every instance reports the same figures): registrations
//! and check-ins per event, and the job queue's depth and failures.

use std::collections::BTreeMap;

use sea_orm::{ActiveEnum, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::db::entities::{event, registration};
use crate::error::AppResult;

/// Totals at one moment.
#[derive(Debug, Default)]
pub struct ServiceCounts {
    /// (event slug, registration status) → registrations.
    pub registrations: BTreeMap<(String, String), i64>,
    /// Event slug → checked-in registrations.
    pub check_ins: BTreeMap<String, i64>,
    pub jobs: crate::domain::jobs::QueueCounts,
}

pub async fn counts(db: &DatabaseConnection) -> AppResult<ServiceCounts> {
    let slugs: BTreeMap<i32, String> = event::Entity::find()
        .select_only()
        .columns([event::Column::Id, event::Column::Slug])
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let slug_of = |id: i32| slugs.get(&id).cloned().unwrap_or_else(|| id.to_string());

    let by_status: Vec<(i32, registration::RegistrationStatus, i64)> = registration::Entity::find()
        .select_only()
        .column(registration::Column::EventId)
        .column(registration::Column::Status)
        .column_as(registration::Column::Id.count(), "registrations")
        .group_by(registration::Column::EventId)
        .group_by(registration::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let checked_in: Vec<(i32, i64)> = registration::Entity::find()
        .select_only()
        .column(registration::Column::EventId)
        .column_as(registration::Column::Id.count(), "check_ins")
        .filter(registration::Column::CheckedInAt.is_not_null())
        .group_by(registration::Column::EventId)
        .into_tuple()
        .all(db)
        .await?;

    Ok(ServiceCounts {
        registrations: by_status.into_iter().map(|(event, status, n)| ((slug_of(event), status.to_value()), n)).collect(),
        check_ins: checked_in.into_iter().map(|(event, n)| (slug_of(event), n)).collect(),
        jobs: crate::domain::jobs::counts(db).await?,
    })
}
