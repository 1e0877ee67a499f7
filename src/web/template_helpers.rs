//! Handlebars helpers the layout needs beyond the built-in ones.

use rocket_dyn_templates::handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderErrorReason};

/// `{{current "/events/" slug "/schedule"}}` (parts joined) writes ` aria-current="page"` when
/// the page being rendered is that address, so navigation shows where the
/// reader is. Addresses compare by path, and by `view=` (the grid is its
/// own tab); other query parameters (filters) do not change the tab.
pub fn current(h: &Helper<'_>, _: &Handlebars<'_>, ctx: &Context, _: &mut RenderContext<'_, '_>, out: &mut dyn Output) -> HelperResult {
    if h.params().is_empty() {
        return Err(RenderErrorReason::ParamNotFoundForIndex("current", 0).into());
    }
    // The address may come in parts: {{current "/events/" event.slug "/people"}}.
    let target: String = h.params().iter().map(|p| p.value().as_str().map(str::to_owned).unwrap_or_else(|| p.value().to_string())).collect();
    let here = ctx.data().get("here").and_then(|v| v.as_str()).unwrap_or_default();
    if tab_of(here) == tab_of(&target) || within_section(here, &target) {
        out.write(" aria-current=\"page\"")?;
    }
    Ok(())
}

/// An organizer section's own pages belong to its tab ("New session" to
/// Sessions); the overview at `/manage` itself is matched only exactly.
fn within_section(here: &str, target: &str) -> bool {
    let (path, _) = tab_of(here);
    let (section, _) = tab_of(target);
    section.contains("/manage/") && path.strip_prefix(section).is_some_and(|rest| rest.starts_with('/'))
}

/// The path and the `view` parameter of an address.
fn tab_of(address: &str) -> (&str, Option<&str>) {
    let (path, query) = address.split_once('?').unwrap_or((address, ""));
    let view = query.split('&').find_map(|pair| pair.strip_prefix("view="));
    (path.trim_end_matches('/'), view)
}

#[cfg(test)]
mod tests {
    use super::{tab_of, within_section};

    #[test]
    fn an_organizer_sections_own_pages_mark_its_tab_and_only_its_tab() {
        assert!(within_section("/events/x/manage/sessions/new", "/events/x/manage/sessions"));
        assert!(within_section("/events/x/manage/sessions/12?from=list", "/events/x/manage/sessions"));
        assert!(!within_section("/events/x/manage/sessions", "/events/x/manage"), "the overview is not every page");
        assert!(!within_section("/events/x/manage/sessions-old", "/events/x/manage/sessions"));
        assert!(!within_section("/events/x/schedule/grid", "/events/x/schedule"), "only organizer sections");
    }

    #[test]
    fn filters_stay_on_their_tab_and_the_grid_is_its_own() {
        assert_eq!(tab_of("/events/x/schedule?track=3&tag=ai"), tab_of("/events/x/schedule"));
        assert_ne!(tab_of("/events/x/schedule?view=grid&track=3"), tab_of("/events/x/schedule"));
        assert_eq!(tab_of("/events/x/schedule?track=3&view=grid"), tab_of("/events/x/schedule?view=grid"));
        assert_ne!(tab_of("/events/x/people"), tab_of("/events/x"));
    }
}
