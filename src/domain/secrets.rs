//! Secrets: random tokens (API tokens, sessions, feeds, invitations, form
//! tokens) and the hashes they are stored as; and values sealed at rest
//! with the key-encryption key from configuration
//! (`TRIBE_KEY_ENCRYPTION_KEY`), with AES-256-GCM. Each sealed value is
//! bound to a context string (what it is and whose), so a value copied into
//! another row does not open there.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};

use crate::error::{AppError, AppResult};

/// `bytes` random bytes, URL-safe base64 without padding.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// The stored form of a token: its SHA-256, in hex.
pub fn hash_token(token: &str) -> String {
    use sha2::{Digest, Sha256};
    // (Every logged-in request from memory hashes its token: no allocation per byte.)
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(64);
    for byte in Sha256::digest(token.as_bytes()) {
        hex.push(HEX[usize::from(byte >> 4)] as char);
        hex.push(HEX[usize::from(byte & 15)] as char);
    }
    hex
}

fn key(kek: &[u8; 32]) -> LessSafeKey {
    LessSafeKey::new(UnboundKey::new(&AES_256_GCM, kek).expect("a 32-byte key is an AES-256 key"))
}

/// `plaintext` sealed for `context`: base64 of a random nonce, then the
/// ciphertext with its tag.
pub fn seal(kek: &[u8; 32], plaintext: &[u8], context: &str) -> AppResult<String> {
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new().fill(&mut nonce).map_err(|_| AppError::Internal("no randomness for a nonce".into()))?;
    let mut sealed = plaintext.to_vec();
    key(kek)
        .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(context.as_bytes()), &mut sealed)
        .map_err(|_| AppError::Internal("sealing failed".into()))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    Ok(STANDARD.encode(out))
}

/// The plaintext, if `sealed` was sealed with this key for this context.
pub fn open(kek: &[u8; 32], sealed: &str, context: &str) -> Option<Vec<u8>> {
    let bytes = STANDARD.decode(sealed).ok()?;
    if bytes.len() < NONCE_LEN {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
    let mut buffer = ciphertext.to_vec();
    let plaintext = key(kek).open_in_place(nonce, Aad::from(context.as_bytes()), &mut buffer).ok()?;
    Some(plaintext.to_vec())
}

/// 32 random bytes.
pub fn random_key() -> AppResult<[u8; 32]> {
    let mut bytes = [0u8; 32];
    SystemRandom::new().fill(&mut bytes).map_err(|_| AppError::Internal("no randomness for a key".into()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_stored_as_its_sha256_in_lowercase_hex() {
        // The stored hashes of every session and feed depend on this form.
        assert_eq!(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn sealed_values_open_only_with_their_key_and_context() {
        let kek = [4u8; 32];
        let sealed = seal(&kek, b"seed", "event:1").unwrap();
        assert_eq!(open(&kek, &sealed, "event:1").as_deref(), Some(&b"seed"[..]));
        assert_eq!(open(&[5u8; 32], &sealed, "event:1"), None, "another key");
        assert_eq!(open(&kek, &sealed, "event:2"), None, "copied to another event");
        assert_ne!(seal(&kek, b"seed", "event:1").unwrap(), sealed, "a fresh nonce each time");
        assert_eq!(open(&kek, "not base64!", "event:1"), None);
    }
}
