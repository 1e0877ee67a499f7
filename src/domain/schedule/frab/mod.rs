//! The frab/c3voc schedule formats (`schedule.xml`, `schedule.json`) that
//! pretalx and frab emit and Giggity, ConfClerk and the C3VOC tools read.
//! Export is strict: what Tribe emits validates against the published
//! schemas. Import is liberal: it reads what real software produces and says
//! what it had to assume.

pub mod export;
pub mod import;
pub mod source;

use sha2::{Digest, Sha256};

/// A UUID for anything we must name with one. A stored identifier that is
/// already a UUID is kept; anything else (numeric ids, base64 guids from
/// other systems) maps to a stable name-based UUID.
pub fn uuid_for(name: &str) -> String {
    if is_uuid(name) {
        return name.to_lowercase();
    }
    let digest = Sha256::digest(format!("tribe:{name}").as_bytes());
    let h: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    // Version 5-style (name-based) and RFC 4122 variant bits.
    format!("{}-{}-5{}-{:x}{}-{}", &h[0..8], &h[8..12], &h[13..16], 8 | (digest[8] & 0x3), &h[17..20], &h[20..32])
}

pub fn is_uuid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 5 && [8, 4, 4, 4, 12].iter().zip(&parts).all(|(len, part)| part.len() == *len && part.chars().all(|c| c.is_ascii_hexdigit()))
}

/// frab's conference acronym: `[a-z0-9_-]{4,}` in the XML schema and
/// `^[a-z0-9_-][a-z0-9_]{3,}…$` in the JSON one, so hyphens become underscores.
pub fn acronym(slug: &str) -> String {
    let mut acronym: String = slug.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    while acronym.len() < 4 {
        acronym.push('_');
    }
    acronym
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_kept_and_other_ids_become_stable_uuids() {
        assert_eq!(uuid_for("6C4F1A52-8A85-4F4B-9D57-2D6B1A2D3E4F"), "6c4f1a52-8a85-4f4b-9d57-2d6b1a2d3e4f");
        let from_base64 = uuid_for("bG9yZW0gaXBzdW0=");
        assert!(is_uuid(&from_base64));
        assert_eq!(from_base64, uuid_for("bG9yZW0gaXBzdW0="));
        assert_ne!(from_base64, uuid_for("other"));
    }

    #[test]
    fn acronyms_fit_both_schemas() {
        assert_eq!(acronym("hcsm-boston"), "hcsm_boston");
        assert_eq!(acronym("abc"), "abc_");
    }
}
