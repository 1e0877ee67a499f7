use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "registrations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub event_id: i32,
    pub user_id: i32,
    pub ticket_type_id: i32,
    pub role_id: Option<i32>,
    pub quantity: i32,
    pub status: RegistrationStatus,
    pub amount_minor: i64,
    pub currency: String,
    pub hold_expires_at: Option<DateTimeUtc>,
    pub stripe_checkout_session_id: Option<String>,
    pub stripe_payment_intent_id: Option<String>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub discount_code_id: Option<i32>,
    pub checked_in_at: Option<DateTimeUtc>,
    pub checked_in_by: Option<i32>,
    /// Set once a cancellation owes money back.
    pub refund_status: Option<RefundStatus>,
    pub refund_attempts: i32,
    pub refund_retry_at: Option<DateTimeUtc>,
    pub refund_error: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum RegistrationStatus {
    /// A paid registration whose seat is held while the buyer pays.
    #[sea_orm(string_value = "held")]
    Held,
    #[sea_orm(string_value = "confirmed")]
    Confirmed,
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
    /// A hold that ran out before payment.
    #[sea_orm(string_value = "expired")]
    Expired,
}

impl RegistrationStatus {
    /// Statuses that occupy seats.
    pub const LIVE: [RegistrationStatus; 2] = [RegistrationStatus::Held, RegistrationStatus::Confirmed];

    pub fn is_live(self) -> bool {
        Self::LIVE.contains(&self)
    }
}

/// The state of a refund owed for a cancelled registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Owed, being sent to Stripe.
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "refunded")]
    Refunded,
    /// Stripe refused every attempt; the organizer refunds by hand.
    #[sea_orm(string_value = "failed")]
    Failed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
