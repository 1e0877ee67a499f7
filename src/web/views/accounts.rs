//! Accounts over the API: the token answer and the caller's account.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::entities::{api_token, user};

#[derive(Deserialize, ToSchema)]
pub struct TokenRequest {
    pub email: String,
    pub password: String,
    /// What the token is for ("my scanner"), to recognise it in the account page.
    #[serde(default)]
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct Token {
    pub id: i32,
    pub name: String,
    /// Shown only once.
    pub token: String,
    pub created_at: DateTime<Utc>,
}

impl Token {
    pub fn new(stored: &api_token::Model, plaintext: String) -> Token {
        Token { id: stored.id, name: stored.name.clone(), token: plaintext, created_at: stored.created_at }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i32,
    pub email: String,
    pub display_name: String,
    pub is_site_admin: bool,
    pub created_at: DateTime<Utc>,
}

impl From<&user::Model> for Me {
    fn from(account: &user::Model) -> Me {
        Me {
            id: account.id,
            email: account.email.clone(),
            display_name: account.display_name.clone(),
            is_site_admin: account.is_site_admin,
            created_at: account.created_at,
        }
    }
}
