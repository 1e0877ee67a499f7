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
    /// `held`, `confirmed`, `cancelled` or `expired`.
    pub status: String,
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
    /// `pending` (owed, being sent to Stripe), `refunded`, or `failed`
    /// (Stripe kept refusing: the organizer refunds by hand).
    pub refund_status: Option<String>,
    pub refund_attempts: i32,
    pub refund_retry_at: Option<DateTimeUtc>,
    pub refund_error: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
