//! Attendee profiles: what people say about themselves, checked and stored
//! in one normal form, and who may see it.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde::Deserialize;

use crate::db::entities::profile::Visibility;
use crate::db::entities::{profile, user};
use crate::domain::accounts;
use crate::domain::input;
use crate::domain::now;
use crate::error::{AppError, AppResult, FieldError};

/// What a person submits, before it is checked: the profile form's body as
/// it is (checkboxes present or absent), or the API's update merged into the
/// stored profile.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ProfileInput {
    pub display_name: String,
    pub pronouns: String,
    pub headline: String,
    pub organization: String,
    pub bio: String,
    /// Comma-separated tags, `#` optional.
    pub interests: String,
    pub looking_for: String,
    pub can_offer: String,
    pub handle_x: String,
    pub handle_mastodon: String,
    pub handle_bluesky: String,
    pub handle_linkedin: String,
    pub website: String,
    pub time_zone: String,
    pub visibility: String,
    #[serde(deserialize_with = "input::checkbox")]
    pub matching_enabled: bool,
    #[serde(deserialize_with = "input::checkbox")]
    pub share_on_scan: bool,
}

impl ProfileInput {
    /// The form pre-filled from what is stored.
    pub fn from_stored(account: &user::Model, stored: &profile::Model) -> ProfileInput {
        ProfileInput {
            display_name: account.display_name.clone(),
            pronouns: stored.pronouns.clone(),
            headline: stored.headline.clone(),
            organization: stored.organization.clone(),
            bio: stored.bio.clone(),
            interests: input::split_tags(&stored.interests).join(", "),
            looking_for: input::split_tags(&stored.looking_for).join(", "),
            can_offer: input::split_tags(&stored.can_offer).join(", "),
            handle_x: stored.handle_x.clone(),
            handle_mastodon: stored.handle_mastodon.clone(),
            handle_bluesky: stored.handle_bluesky.clone(),
            handle_linkedin: stored.handle_linkedin.clone(),
            website: stored.website.clone(),
            time_zone: stored.time_zone.clone().unwrap_or_default(),
            visibility: stored.visibility.to_string(),
            matching_enabled: stored.matching_enabled,
            share_on_scan: stored.share_on_scan,
        }
    }
}

/// A profile that passed every check, in stored form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanProfile {
    pub display_name: String,
    pub pronouns: String,
    pub headline: String,
    pub organization: String,
    pub bio: String,
    pub interests: String,
    pub looking_for: String,
    pub can_offer: String,
    pub handle_x: String,
    pub handle_mastodon: String,
    pub handle_bluesky: String,
    pub handle_linkedin: String,
    pub website: String,
    pub time_zone: Option<String>,
    pub visibility: Visibility,
    pub matching_enabled: bool,
    pub share_on_scan: bool,
}

/// An X (Twitter) handle: `@name`, 1–15 letters, digits or underscores;
/// a profile URL is accepted too.
pub fn parse_x_handle(text: &str) -> Result<String, String> {
    let text = text.trim();
    let name = ["https://x.com/", "https://twitter.com/", "http://x.com/", "http://twitter.com/", "x.com/", "twitter.com/"]
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .unwrap_or(text)
        .trim_start_matches('@')
        .trim_end_matches('/');
    if (1..=15).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(format!("@{name}"))
    } else {
        Err("An X handle is @ and up to 15 letters, digits or underscores.".into())
    }
}

fn is_host(text: &str) -> bool {
    let labels: Vec<&str> = text.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_alphabetic()) && tld.len() >= 2)
}

/// A Mastodon (fediverse) address `@user@server.example`, or the profile URL
/// `https://server.example/@user`.
pub fn parse_mastodon_handle(text: &str) -> Result<String, String> {
    let text = text.trim();
    let (user, host) = if let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")) {
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        (path.trim_start_matches('@').trim_end_matches('/').to_owned(), host.to_lowercase())
    } else {
        match text.trim_start_matches('@').split_once('@') {
            Some((user, host)) => (user.to_owned(), host.to_lowercase()),
            None => (String::new(), String::new()),
        }
    };
    if !user.is_empty() && user.len() <= 30 && user.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') && is_host(&host) {
        Ok(format!("@{user}@{host}"))
    } else {
        Err("A Mastodon address looks like @name@server.social.".into())
    }
}

/// A Bluesky handle is a domain name (`name.bsky.social`); `@` and the
/// `bsky.app/profile/` URL are accepted.
pub fn parse_bluesky_handle(text: &str) -> Result<String, String> {
    let text = text.trim();
    let handle = ["https://bsky.app/profile/", "bsky.app/profile/"].iter().find_map(|p| text.strip_prefix(p)).unwrap_or(text);
    let handle = handle.trim_start_matches('@').trim_end_matches('/').to_lowercase();
    if handle.len() <= 253 && is_host(&handle) {
        Ok(handle)
    } else {
        Err("A Bluesky handle looks like name.bsky.social.".into())
    }
}

/// A LinkedIn profile: the `linkedin.com/in/<name>` URL or just the name.
pub fn parse_linkedin(text: &str) -> Result<String, String> {
    let text = text.trim();
    let rest = text.trim_start_matches("https://").trim_start_matches("http://").trim_start_matches("www.");
    let name = rest.strip_prefix("linkedin.com/in/").or_else(|| rest.strip_prefix("in/")).unwrap_or(rest).trim_end_matches('/');
    if (3..=100).contains(&name.chars().count()) && name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
        Ok(format!("https://www.linkedin.com/in/{name}"))
    } else {
        Err("Enter your LinkedIn profile address, like https://www.linkedin.com/in/your-name.".into())
    }
}

fn tags(text: &str, field: &str, errors: &mut Vec<FieldError>) -> String {
    input::parse_tags(text).unwrap_or_else(|message| {
        errors.push(FieldError::new(field, message));
        String::new()
    })
}

/// Checks every field; all problems are reported at once.
pub fn validate(form: &ProfileInput) -> Result<CleanProfile, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut text = |value: &str, field: &str, what: &str, max: usize| match input::optional_text(value, what, max) {
        Ok(found) => found.unwrap_or_default(),
        Err(message) => {
            errors.push(FieldError::new(field, message));
            String::new()
        }
    };
    let pronouns = text(&form.pronouns, "pronouns", "your pronouns", 40);
    let headline = text(&form.headline, "headline", "your headline", 120);
    let organization = text(&form.organization, "organization", "your organization", 120);
    let bio = text(&form.bio, "bio", "your bio", 4000);
    let display_name = match accounts::validate_display_name(&form.display_name) {
        Some(message) => {
            errors.push(FieldError::new("display_name", message));
            String::new()
        }
        None => form.display_name.trim().to_owned(),
    };
    let mut handle = |value: &str, field: &str, parse: fn(&str) -> Result<String, String>| {
        if value.trim().is_empty() {
            return String::new();
        }
        parse(value).unwrap_or_else(|message| {
            errors.push(FieldError::new(field, message));
            String::new()
        })
    };
    let handle_x = handle(&form.handle_x, "handle_x", parse_x_handle);
    let handle_mastodon = handle(&form.handle_mastodon, "handle_mastodon", parse_mastodon_handle);
    let handle_bluesky = handle(&form.handle_bluesky, "handle_bluesky", parse_bluesky_handle);
    let handle_linkedin = handle(&form.handle_linkedin, "handle_linkedin", parse_linkedin);
    let website = match input::parse_optional_url(&form.website) {
        Ok(found) => found.unwrap_or_default(),
        Err(message) => {
            errors.push(FieldError::new("website", message));
            String::new()
        }
    };
    let time_zone = match form.time_zone.trim() {
        "" => None,
        zone => match crate::domain::times::parse_zone(zone) {
            Some(parsed) => Some(parsed.name().to_owned()),
            None => {
                errors.push(FieldError::new("time_zone", "Type a city and pick it from the list, like “New York (America)”."));
                None
            }
        },
    };
    let visibility = match form.visibility.trim() {
        "" => Visibility::Attendees,
        other => Visibility::parse(other).unwrap_or_else(|| {
            errors.push(FieldError::new("visibility", "Choose hidden, attendees or public."));
            Visibility::Hidden
        }),
    };
    let interests = tags(&form.interests, "interests", &mut errors);
    let looking_for = tags(&form.looking_for, "looking_for", &mut errors);
    let can_offer = tags(&form.can_offer, "can_offer", &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(CleanProfile {
        display_name,
        pronouns,
        headline,
        organization,
        bio,
        interests,
        looking_for,
        can_offer,
        handle_x,
        handle_mastodon,
        handle_bluesky,
        handle_linkedin,
        website,
        time_zone,
        visibility,
        matching_enabled: form.matching_enabled,
        share_on_scan: form.share_on_scan,
    })
}

/// A profile as stored, or the defaults (attendees only, matching on) for
/// someone who never saved one.
pub async fn load(db: &impl ConnectionTrait, user_id: i32) -> AppResult<profile::Model> {
    Ok(profile::Entity::find_by_user(db, user_id).await?.unwrap_or_else(|| default_for(user_id)))
}

/// Whether the person has saved a profile (everyone else shows the default).
pub async fn is_saved(db: &impl ConnectionTrait, user_id: i32) -> AppResult<bool> {
    Ok(profile::Entity::find_by_user(db, user_id).await?.is_some())
}

pub fn default_for(user_id: i32) -> profile::Model {
    let at = now();
    profile::Model {
        id: 0,
        user_id,
        pronouns: String::new(),
        headline: String::new(),
        organization: String::new(),
        bio: String::new(),
        interests: String::new(),
        looking_for: String::new(),
        can_offer: String::new(),
        handle_x: String::new(),
        handle_mastodon: String::new(),
        handle_bluesky: String::new(),
        handle_linkedin: String::new(),
        website: String::new(),
        time_zone: None,
        visibility: Visibility::Attendees,
        matching_enabled: true,
        share_on_scan: false,
        created_at: at,
        updated_at: at,
    }
}

/// Validates and stores a profile (and the display name on the account).
pub async fn save(db: &DatabaseConnection, account: &user::Model, form: &ProfileInput) -> AppResult<profile::Model> {
    let clean = validate(form).map_err(AppError::Validation)?;
    let at = now();
    if clean.display_name != account.display_name {
        let mut changed: user::ActiveModel = account.clone().into();
        changed.display_name = Set(clean.display_name.clone());
        changed.updated_at = Set(at);
        changed.update(db).await?;
    }
    let existing = profile::Entity::find().filter(profile::Column::UserId.eq(account.id)).one(db).await?;
    let mut row: profile::ActiveModel = match existing {
        Some(found) => found.into(),
        None => profile::ActiveModel { user_id: Set(account.id), created_at: Set(at), ..Default::default() },
    };
    row.pronouns = Set(clean.pronouns);
    row.headline = Set(clean.headline);
    row.organization = Set(clean.organization);
    row.bio = Set(clean.bio);
    row.interests = Set(clean.interests);
    row.looking_for = Set(clean.looking_for);
    row.can_offer = Set(clean.can_offer);
    row.handle_x = Set(clean.handle_x);
    row.handle_mastodon = Set(clean.handle_mastodon);
    row.handle_bluesky = Set(clean.handle_bluesky);
    row.handle_linkedin = Set(clean.handle_linkedin);
    row.website = Set(clean.website);
    row.time_zone = Set(clean.time_zone);
    row.visibility = Set(clean.visibility);
    row.matching_enabled = Set(clean.matching_enabled);
    row.share_on_scan = Set(clean.share_on_scan);
    row.updated_at = Set(at);
    let saved = row.save(db).await?;
    // The directory, tribes and speaker pages show the profile.
    crate::domain::events::touch_pages_of_person(db, account.id).await?;
    Ok(sea_orm::TryIntoModel::try_into_model(saved)?)
}

/// Sets (or with `None` clears) the zone a person reads times in, keeping
/// the rest of their profile; someone who never saved a profile gets the
/// defaults with this zone.
pub async fn set_time_zone(db: &DatabaseConnection, user_id: i32, zone: Option<chrono_tz::Tz>) -> AppResult<()> {
    let at = now();
    let mut row: profile::ActiveModel = match profile::Entity::find_by_user(db, user_id).await? {
        Some(found) => found.into(),
        None => {
            let mut fresh: profile::ActiveModel = default_for(user_id).into();
            fresh.id = sea_orm::ActiveValue::NotSet;
            fresh
        }
    };
    row.time_zone = Set(zone.map(|z| z.name().to_owned()));
    row.updated_at = Set(at);
    row.save(db).await?;
    Ok(())
}

/// One or two letters for the generated avatar: first and last word.
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().filter(|w| w.chars().next().is_some_and(char::is_alphanumeric)).collect();
    let first = |w: &str| w.chars().next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    match words.as_slice() {
        [] => "?".into(),
        [only] => first(only),
        [head, .., last] => format!("{}{}", first(head), first(last)),
    }
}

/// A stable hue for a person's avatar, so the same person has the same colour everywhere.
pub fn avatar_hue(user_id: i32) -> u32 {
    (user_id as u32).wrapping_mul(137) % 360
}

/// The generated avatar: initials on a colour of the person's own, as an
/// SVG data URI (pages allow `data:` images, not inline styles).
pub fn avatar_data_uri(name: &str, user_id: i32) -> String {
    let initials = initials(name).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let svg = format!(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 48 48'><circle cx='24' cy='24' r='24' fill='hsl({} 55% 38%)'/>\
         <text x='24' y='30' font-family='sans-serif' font-size='18' font-weight='700' fill='#fff' text-anchor='middle'>{initials}</text></svg>",
        avatar_hue(user_id)
    );
    svg_data_uri(&svg)
}

/// A small dot in a role's colour (already a checked `#rrggbb`), as a data URI.
pub fn color_dot(color: &str) -> String {
    // Stored colours were checked on the way in; this keeps the SVG safe regardless.
    let color = input::parse_color(color).unwrap_or_else(|_| "#495057".into());
    svg_data_uri(&format!("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'><circle cx='5' cy='5' r='5' fill='{color}'/></svg>"))
}

fn svg_data_uri(svg: &str) -> String {
    use base64::Engine;
    format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg))
}

/// The contact handles of a profile, as `(label, text, link)`.
pub fn handles(p: &profile::Model) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    if !p.handle_x.is_empty() {
        out.push(("X", p.handle_x.clone(), format!("https://x.com/{}", p.handle_x.trim_start_matches('@'))));
    }
    if let Some((user, host)) = p.handle_mastodon.trim_start_matches('@').split_once('@') {
        out.push(("Mastodon", p.handle_mastodon.clone(), format!("https://{host}/@{user}")));
    }
    if !p.handle_bluesky.is_empty() {
        out.push(("Bluesky", format!("@{}", p.handle_bluesky), format!("https://bsky.app/profile/{}", p.handle_bluesky)));
    }
    if !p.handle_linkedin.is_empty() {
        out.push(("LinkedIn", p.handle_linkedin.trim_start_matches("https://www.").to_owned(), p.handle_linkedin.clone()));
    }
    if !p.website.is_empty() {
        out.push((
            "Website",
            p.website.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/').to_owned(),
            p.website.clone(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_normalized_and_nonsense_is_refused() {
        assert_eq!(parse_x_handle("https://twitter.com/hcldr").unwrap(), "@hcldr");
        assert_eq!(parse_x_handle("@Colin_Hung").unwrap(), "@Colin_Hung");
        assert!(parse_x_handle("@far_too_long_for_x_handles").is_err());
        assert!(parse_x_handle("<script>").is_err());
        assert_eq!(parse_mastodon_handle("@ann@med-mastodon.com").unwrap(), "@ann@med-mastodon.com");
        assert_eq!(parse_mastodon_handle("https://Mastodon.Social/@ann").unwrap(), "@ann@mastodon.social");
        assert!(parse_mastodon_handle("ann").is_err());
        assert_eq!(parse_bluesky_handle("@Ann.bsky.social").unwrap(), "ann.bsky.social");
        assert_eq!(parse_bluesky_handle("https://bsky.app/profile/ann.example.org").unwrap(), "ann.example.org");
        assert!(parse_bluesky_handle("ann").is_err());
        assert_eq!(parse_linkedin("linkedin.com/in/ann-lee").unwrap(), "https://www.linkedin.com/in/ann-lee");
        assert!(parse_linkedin("https://evil.example/in/\"x").is_err());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let form = ProfileInput {
            display_name: "Ann".into(),
            handle_x: "not a handle".into(),
            website: "javascript:alert(1)".into(),
            time_zone: "Mars/Olympus".into(),
            visibility: "everyone".into(),
            ..ProfileInput::default()
        };
        let errors = validate(&form).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["handle_x", "website", "time_zone", "visibility"]);
    }

    #[test]
    fn initials_take_first_and_last_word() {
        assert_eq!(initials("Ann Marie Lee"), "AL");
        assert_eq!(initials("Ōtsuka"), "Ō");
        assert_eq!(initials("  "), "?");
    }
}
