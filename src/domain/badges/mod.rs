//! Badges: a compact, URL-safe token naming a registration and its event,
//! signed with the event's Ed25519 key so that an altered or forged one is
//! refused and a scanner without a network can check it with the event's
//! public key; the QR code of `<base>/b/<token>` that any phone camera
//! opens; the badge itself (SVG, PNG, PDF sheets); and the signed list of
//! valid tokens an offline scanner takes to the door.
//!
//! ## Token
//! `r<registration>e<event>.<signature>`, where the signature is Ed25519
//! over the bytes `tribe-badge:v2:r<registration>e<event>`, base64url
//! without padding. Each event has its own key pairs, made at random and
//! stored sealed (`keys`); a token verifies against any of the event's
//! keys that is not revoked, so badges printed before a key rotation still
//! scan. Publishing one event's public key says nothing about another's.

pub mod face;
pub mod keys;
pub mod offline;
pub mod prints;
pub mod render;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use sea_orm::DatabaseConnection;

use crate::error::AppResult;

pub use face::{qr_svg, svg, BadgeFace};

const SIGNED_PREFIX: &str = "tribe-badge:v2:";

/// One event's signing key.
pub struct EventKey(Ed25519KeyPair);

impl EventKey {
    /// The key pair of a 32-byte seed (made at random, see `keys`).
    pub fn from_seed(seed: &[u8; 32]) -> EventKey {
        EventKey(Ed25519KeyPair::from_seed_unchecked(seed).expect("a 32-byte seed is a valid Ed25519 seed"))
    }

    /// The raw 32-byte public key.
    pub fn public_key(&self) -> Vec<u8> {
        self.0.public_key().as_ref().to_vec()
    }

    /// The public key as PEM (SubjectPublicKeyInfo), for OpenSSL and WebCrypto.
    pub fn public_key_pem(&self) -> String {
        // The fixed DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410).
        let mut der = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
        der.extend_from_slice(self.0.public_key().as_ref());
        format!("-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n", STANDARD.encode(der))
    }

    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.0.sign(message).as_ref().to_vec()
    }

    /// The badge token of a registration of this key's event.
    pub fn token(&self, registration_id: i32, event_id: i32) -> String {
        let body = format!("r{registration_id}e{event_id}");
        let signature = self.sign(format!("{SIGNED_PREFIX}{body}").as_bytes());
        format!("{body}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

/// The (registration, event) a token claims, before any check.
fn claimed(token: &str) -> Option<((i32, i32), &str, Vec<u8>)> {
    let (body, signature) = token.split_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let (registration, event) = body.strip_prefix('r')?.split_once('e')?;
    let ids = (registration.parse().ok()?, event.parse().ok()?);
    // The numbers must be written as the token writer writes them, so one
    // signature cannot stand for `r042e3` as well as `r42e3`.
    (body == format!("r{}e{}", ids.0, ids.1)).then_some((ids, body, signature))
}

/// What an offline scanner does: check a token with the event's public key alone.
pub fn verify_with_public_key(public_key: &[u8], token: &str) -> Option<(i32, i32)> {
    let (ids, body, signature) = claimed(token)?;
    UnparsedPublicKey::new(&ED25519, public_key).verify(format!("{SIGNED_PREFIX}{body}").as_bytes(), &signature).ok()?;
    Some(ids)
}

/// The (registration, event) a token names, if one of the event's keys
/// that is not revoked signed it.
pub async fn verify(db: &DatabaseConnection, token: &str) -> AppResult<Option<(i32, i32)>> {
    let Some(((_, event_id), _, _)) = claimed(token) else { return Ok(None) };
    Ok(keys::verifying_keys(db, event_id).await?.iter().find_map(|public_key| verify_with_public_key(public_key, token)))
}

/// Accepts a bare token or the whole `<base>/b/<token>` URL a camera read.
pub fn token_from_scan(scanned: &str) -> &str {
    let scanned = scanned.trim();
    let token = scanned.rsplit_once("/b/").map_or(scanned, |(_, rest)| rest);
    token.split(['?', '#', '/']).next().unwrap_or(token)
}

/// A document signed with an event's key: `payload` is the exact JSON text
/// that was signed, so a verifier checks the bytes it received without any
/// canonical re-encoding.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[schema(as = SignedBadgeList)]
pub struct SignedDocument {
    pub format: String,
    pub algorithm: String,
    pub public_key: String,
    pub payload: String,
    pub signature: String,
}

impl SignedDocument {
    pub fn sign(key: &EventKey, format: &str, payload: &serde_json::Value) -> SignedDocument {
        let payload = payload.to_string();
        SignedDocument {
            format: format.to_owned(),
            algorithm: "Ed25519".into(),
            public_key: URL_SAFE_NO_PAD.encode(key.public_key()),
            signature: URL_SAFE_NO_PAD.encode(key.sign(payload.as_bytes())),
            payload,
        }
    }

    /// The payload, when the signature over it is good for `public_key`.
    pub fn verified_payload(&self, public_key: &[u8]) -> Option<serde_json::Value> {
        let signature = URL_SAFE_NO_PAD.decode(&self.signature).ok()?;
        UnparsedPublicKey::new(&ED25519, public_key).verify(self.payload.as_bytes(), &signature).ok()?;
        serde_json::from_str(&self.payload).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks a token the way `verify` does, against one key.
    fn check(key: &EventKey, token: &str) -> Option<(i32, i32)> {
        verify_with_public_key(&key.public_key(), token)
    }

    #[test]
    fn tokens_verify_and_any_change_is_refused() {
        let key = EventKey::from_seed(&[7u8; 32]);
        let token = key.token(42, 3);
        assert_eq!(check(&key, &token), Some((42, 3)));
        assert_eq!(check(&EventKey::from_seed(&[8u8; 32]), &token), None, "another key");
        assert_eq!(check(&key, &token.replacen("r42", "r43", 1)), None, "altered registration");
        assert_eq!(check(&key, &token.replacen("e3", "e4", 1)), None, "moved to another event");
        assert_eq!(check(&key, &token.replacen("r42", "r042", 1)), None, "the same numbers written differently");
        assert_eq!(check(&key, "r42e3"), None);
        assert_eq!(check(&key, "garbage.!!"), None);
        assert!(token.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_'));
    }

    #[test]
    fn a_public_key_checks_its_own_events_tokens_only() {
        let key3 = EventKey::from_seed(&[9u8; 32]);
        let key4 = EventKey::from_seed(&[10u8; 32]);
        assert_ne!(key3.public_key(), key4.public_key());
        assert_eq!(verify_with_public_key(&key3.public_key(), &key3.token(5, 3)), Some((5, 3)));
        assert_eq!(verify_with_public_key(&key3.public_key(), &key4.token(5, 4)), None);
        assert!(key3.public_key_pem().starts_with("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA"));
    }

    #[test]
    fn signed_documents_refuse_any_change() {
        let key = EventKey::from_seed(&[1u8; 32]);
        let doc = SignedDocument::sign(&key, "test/1", &serde_json::json!({"valid": ["a", "b"]}));
        assert_eq!(doc.verified_payload(&key.public_key()), Some(serde_json::json!({"valid": ["a", "b"]})));
        let mut changed = doc.clone();
        changed.payload = changed.payload.replace("\"b\"", "\"c\"");
        assert_eq!(changed.verified_payload(&key.public_key()), None);
        assert_eq!(doc.verified_payload(&EventKey::from_seed(&[2u8; 32]).public_key()), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Whatever a camera reads (any text, or a real token with one character
        /// changed), checking it never panics and only the genuine token passes.
        #[test]
        fn only_genuine_tokens_verify(noise in ".{0,120}", registration in 1..100_000i32, event in 1..1000i32, at in 0usize..200, with in proptest::char::any()) {
            let key = EventKey::from_seed(&[3u8; 32]);
            proptest::prop_assert_eq!(check(&key, &noise), None);
            let genuine = key.token(registration, event);
            proptest::prop_assert_eq!(check(&key, token_from_scan(&format!("https://x.example/b/{genuine}"))), Some((registration, event)));
            let mut chars: Vec<char> = genuine.chars().collect();
            let at = at % chars.len();
            if chars[at] != with {
                chars[at] = with;
                let altered: String = chars.into_iter().collect();
                proptest::prop_assert_eq!(check(&key, &altered), None, "{} verified", altered);
            }
        }
    }

    #[test]
    fn scanned_urls_give_their_token() {
        assert_eq!(token_from_scan(" https://tribe.example/b/r1e2.abc_-\n"), "r1e2.abc_-");
        assert_eq!(token_from_scan("r1e2.abc"), "r1e2.abc");
        assert_eq!(token_from_scan("http://x/b/r1e2.abc?utm=1"), "r1e2.abc");
    }
}
