//! The one application error. Domain code returns it; `web::errors` answers
//! it over HTTP (the status for each kind is decided here).

use rocket::http::Status;
use sea_orm::{DbErr, SqlErr};
use serde::Serialize;

/// A message about one input field, shown beside it in forms and listed in
/// problem JSON.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        FieldError { field: field.to_owned(), message: message.into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("some fields need attention")]
    Validation(Vec<FieldError>),
    #[error("please log in")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    /// It existed and was withdrawn (a cancelled registration's badge).
    #[error("{0}")]
    Gone(String),
    #[error("Too many attempts: try again in {retry_after_secs} seconds.")]
    RateLimited { retry_after_secs: u64 },
    #[error("database error: {0}")]
    Database(DbErr),
    #[error("{0}")]
    Internal(String),
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        // A unique constraint that a concurrent request won is a conflict
        // about the input, not a server fault.
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict("that already exists".into()),
            _ => AppError::Database(err),
        }
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn status(&self) -> Status {
        match self {
            AppError::NotFound => Status::NotFound,
            AppError::BadRequest(_) => Status::BadRequest,
            AppError::Validation(_) => Status::UnprocessableEntity,
            AppError::Unauthorized => Status::Unauthorized,
            AppError::Forbidden(_) => Status::Forbidden,
            AppError::Conflict(_) => Status::Conflict,
            AppError::Gone(_) => Status::Gone,
            AppError::RateLimited { .. } => Status::TooManyRequests,
            AppError::Database(_) | AppError::Internal(_) => Status::InternalServerError,
        }
    }

    /// What the person is told; internals stay in the log.
    pub(crate) fn public_detail(&self) -> String {
        match self {
            AppError::Database(_) | AppError::Internal(_) => "Something went wrong on our side. It has been logged.".into(),
            other => other.to_string(),
        }
    }
}
