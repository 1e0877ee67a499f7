//! Markdown written by organizers and attendees, rendered to HTML that is
//! safe to embed: ammonia keeps formatting and links and drops everything
//! that could run script or restyle the page.

use pulldown_cmark::{html, Options, Parser};

pub fn to_safe_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&unsafe_html)
        .to_string()
}

/// The words of a text without its markup, on one line, cut at a word
/// boundary to at most `limit` characters (with "…" when cut): for meta
/// descriptions and link previews.
pub fn to_plain_summary(markdown: &str, limit: usize) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut words = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(text) | Event::Code(text) => words.push_str(&text),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => words.push(' '),
            _ => {}
        }
    }
    shorten(&words, limit)
}

/// Plain text in at most `limit` characters, spaces collapsed, cut after a
/// whole word with "…" (a first word longer than the limit is cut inside).
pub fn shorten(text: &str, limit: usize) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        let extra = if out.is_empty() { 0 } else { 1 };
        if out.chars().count() + extra + word.chars().count() > limit.saturating_sub(1) {
            if out.is_empty() {
                out.extend(word.chars().take(limit.saturating_sub(1)));
            }
            out.push('…');
            return out;
        }
        if extra == 1 {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{shorten, to_plain_summary, to_safe_html};

    #[test]
    fn shortening_cuts_after_a_whole_word_and_only_when_needed() {
        assert_eq!(shorten("Day 1 keynote:   Finding your tribe", 40), "Day 1 keynote: Finding your tribe");
        assert_eq!(shorten("Day 1 keynote: Finding your tribe in healthcare", 20), "Day 1 keynote:…");
        assert_eq!(shorten("Supercalifragilistic", 8), "Superca…");
    }

    #[test]
    fn a_summary_keeps_the_words_drops_the_markup_and_cuts_between_words() {
        let text = "Three days for **marketers**.\n\n* Keynotes\n* [Sessions](https://example.org)\n\nCome `find` your tribe.";
        assert_eq!(to_plain_summary(text, 200), "Three days for marketers. Keynotes Sessions Come find your tribe.");
        let cut = to_plain_summary(text, 20);
        assert_eq!(cut, "Three days for…");
        assert!(cut.chars().count() <= 20);
    }

    #[test]
    fn script_and_event_handlers_are_removed_but_formatting_stays() {
        let html = to_safe_html("**bold** <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))");
        assert!(html.contains("<strong>bold</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
        assert!(!html.contains("javascript:"));
    }
}
