//! Reading frab's `schedule.xml`.

use chrono_tz::Tz;
use roxmltree::{Document, Node};

use super::{parse_clock_minutes, parse_date, Conference, FileDay, ImportReport, ParsedSchedule, RawSession, Reading};
use crate::error::{AppError, AppResult, FieldError};

fn refuse(doc: &Document, node: Node, reason: impl Into<String>) -> AppError {
    let pos = doc.text_pos_at(node.range().start);
    AppError::Validation(vec![FieldError::new("file", format!("line {}: {}", pos.row, reason.into()))])
}

fn child<'a>(node: Node<'a, 'a>, name: &str) -> Option<Node<'a, 'a>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

fn child_text(node: Node, name: &str) -> Option<String> {
    child(node, name).map(|c| c.text().unwrap_or("").trim().to_owned()).filter(|t| !t.is_empty())
}

/// How deeply elements may nest. A frab schedule nests six levels
/// (schedule, day, room, event, persons, person) and real exporters add a
/// few; the tree parser recurses per level, and a few thousand levels
/// overflow a worker thread's stack and abort the whole process.
const MAX_NESTING: usize = 100;

/// Refuses a document whose elements nest deeper than `MAX_NESTING`, before
/// it reaches the tree parser. This scan never fails on input it does not
/// understand: it only counts tags (outside comments, CDATA, processing
/// instructions, declarations and quoted attribute values), so no file can
/// slip past it to the parser unmeasured; over-counting in a malformed file
/// only turns one refusal into another.
fn refuse_deep_nesting(xml: &str) -> AppResult<()> {
    let bytes = xml.as_bytes();
    let skip_past = |from: usize, end: &[u8]| -> usize {
        bytes[from..].windows(end.len()).position(|w| w == end).map(|p| from + p + end.len()).unwrap_or(bytes.len())
    };
    // The end of a tag starting at `from`: the next `>` outside quotes.
    let tag_end = |from: usize| -> usize {
        let mut quote = None;
        let mut i = from;
        while i < bytes.len() {
            match (quote, bytes[i]) {
                (None, b'"' | b'\'') => quote = Some(bytes[i]),
                (Some(q), c) if c == q => quote = None,
                (None, b'>') => return i,
                _ => {}
            }
            i += 1;
        }
        bytes.len()
    };
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') else { break };
        i += offset;
        let rest = &bytes[i..];
        if rest.starts_with(b"<!--") {
            i = skip_past(i + 4, b"-->");
        } else if rest.starts_with(b"<![CDATA[") {
            i = skip_past(i + 9, b"]]>");
        } else if rest.starts_with(b"<?") {
            i = skip_past(i + 2, b"?>");
        } else if rest.starts_with(b"<!") {
            // A declaration; a DOCTYPE's internal subset holds bracketed
            // declarations of its own.
            let mut brackets = 0i32;
            let mut j = i + 2;
            while j < bytes.len() && !(bytes[j] == b'>' && brackets <= 0) {
                match bytes[j] {
                    b'[' => brackets += 1,
                    b']' => brackets -= 1,
                    b'"' | b'\'' => j = bytes[j + 1..].iter().position(|&b| b == bytes[j]).map(|p| j + 1 + p).unwrap_or(bytes.len()),
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = tag_end(i + 2) + 1;
        } else {
            let end = tag_end(i + 1);
            let self_closing = end > i + 1 && end < bytes.len() && bytes[end - 1] == b'/';
            if !self_closing {
                depth += 1;
                if depth > MAX_NESTING {
                    let line = bytes[..i].iter().filter(|&&b| b == b'\n').count() + 1;
                    return Err(AppError::Validation(vec![FieldError::new(
                        "file",
                        format!("line {line}: elements are nested more than {MAX_NESTING} levels deep; a frab schedule nests about six, so this is not one"),
                    )]));
                }
            }
            i = end + 1;
        }
    }
    Ok(())
}

/// Reads a frab `schedule.xml`. Times without an offset are read in the
/// file's zone, or `fallback_zone` when it names none.
pub(super) fn read(xml: &str, fallback_zone: Tz, report: &mut ImportReport) -> AppResult<ParsedSchedule> {
    refuse_deep_nesting(xml)?;
    let doc = Document::parse(xml).map_err(|e| {
        let pos = e.pos();
        AppError::Validation(vec![FieldError::new("file", format!("line {}, column {}: this is not well-formed XML ({e})", pos.row, pos.col))])
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "schedule" {
        return Err(refuse(&doc, root, format!("expected a frab <schedule>, found <{}>", root.tag_name().name())));
    }
    let conference = child(root, "conference");
    let text_of = |name: &str| conference.and_then(|c| child_text(c, name));
    let header = Conference {
        acronym: text_of("acronym"),
        title: text_of("title"),
        zone_name: text_of("time_zone_name"),
        day_change: text_of("day_change").and_then(|t| parse_clock_minutes(&t)),
    };
    let mut reading = Reading::new(&header, fallback_zone, report);
    let tracks: Vec<(String, Option<String>)> = conference
        .map(|c| {
            c.children()
                .filter(|n| n.is_element() && n.tag_name().name() == "track")
                .filter_map(|n| {
                    let name = n.attribute("name").map(str::to_owned).or_else(|| n.text().map(|t| t.trim().to_owned()))?;
                    (!name.is_empty()).then(|| (name, n.attribute("color").map(str::to_owned)))
                })
                .collect()
        })
        .unwrap_or_default();

    let mut sessions = Vec::new();
    let mut days = Vec::new();
    for day in root.children().filter(|n| n.is_element() && n.tag_name().name() == "day") {
        let day_date = day.attribute("date").and_then(parse_date);
        if let Some(date) = day_date {
            days.push(FileDay { date, ends_at: day.attribute("end").and_then(|t| reading.instant(t)) });
        }
        for room_node in day.children().filter(|n| n.is_element() && n.tag_name().name() == "room") {
            let room_name = room_node.attribute("name").map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
            for node in room_node.children().filter(|n| n.is_element() && n.tag_name().name() == "event") {
                let persons = child(node, "persons")
                    .map(|p| {
                        p.children()
                            .filter(|n| n.is_element() && n.tag_name().name() == "person")
                            .filter_map(|n| n.text().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()))
                            .collect()
                    })
                    .unwrap_or_default();
                if child_text(node, "title").is_none() {
                    return Err(refuse(&doc, node, "this <event> has no <title>"));
                }
                let raw = RawSession {
                    title: child_text(node, "title"),
                    date: child_text(node, "date"),
                    start: child_text(node, "start"),
                    filed_on: day_date,
                    duration: child_text(node, "duration"),
                    guid: node.attribute("guid").map(str::to_owned),
                    id: node.attribute("id").or_else(|| node.attribute("code")).map(str::to_owned),
                    abstract_text: child_text(node, "abstract"),
                    description: child_text(node, "description"),
                    room: child_text(node, "room").or_else(|| room_name.clone()),
                    track: child_text(node, "track"),
                    language: child_text(node, "language"),
                    persons,
                };
                sessions.push(reading.session(raw).map_err(|reason| refuse(&doc, node, reason))?);
            }
        }
    }
    Ok(reading.finish(header, tracks, sessions, days))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<schedule>
  <version>1.0</version>
  <conference><acronym>fuzz</acronym><title>Fuzz</title><start>2027-03-01</start><end>2027-03-01</end><days>1</days>
    <time_zone_name>Europe/Berlin</time_zone_name></conference>
  <day index="1" date="2027-03-01" start="2027-03-01T09:00:00+01:00" end="2027-03-01T18:00:00+01:00">
    <room name="Hall A" guid="5b3f7c1e-2a0b-4c59-9d53-000000000001">
      <event guid="0e1e3a5c-6f0b-4b8a-9d0a-000000000001" id="1">
        <date>2027-03-01T10:00:00+01:00</date><start>10:00</start><duration>00:45</duration><room>Hall A</room>
        <slug>fuzz-1</slug><title>TITLE</title><subtitle/><track>Care</track><type>talk</type><language>en</language>
        <abstract>ABSTRACT</abstract><description/><persons><person id="1">Ada</person></persons><links/><attachments/>
      </event>
    </room>
  </day>
</schedule>"#;

    fn escape(text: &str) -> String {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    }

    /// Characters XML 1.0 allows in text.
    fn xml_char(c: &char) -> bool {
        matches!(*c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
    }

    fn nested(levels: usize) -> String {
        format!("<schedule>{}{}</schedule>", "<a>".repeat(levels), "</a>".repeat(levels))
    }

    #[test]
    fn a_hundred_thousand_nested_elements_are_refused_before_parsing() {
        let mut report = ImportReport::default();
        match read(&nested(100_000), Tz::UTC, &mut report) {
            Err(AppError::Validation(errors)) => assert!(errors[0].message.contains("nested more than 100 levels"), "{errors:?}"),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn nesting_is_counted_past_comments_cdata_quotes_and_self_closing_tags() {
        let decoys = "<!-- <a><a> --><![CDATA[<a><a>]]><?pi <a> ?><b attr=\"<a>\" other='>'/>";
        let within = format!("<schedule>{decoys}{}{}</schedule>", "<a>".repeat(MAX_NESTING - 1), "</a>".repeat(MAX_NESTING - 1));
        assert!(refuse_deep_nesting(&within).is_ok());
        let beyond = format!("<schedule>{decoys}{}{}</schedule>", "<a>".repeat(MAX_NESTING), "</a>".repeat(MAX_NESTING));
        assert!(refuse_deep_nesting(&beyond).is_err());
        // Siblings do not add up: a thousand flat elements are fine.
        assert!(refuse_deep_nesting(&format!("<schedule>{}</schedule>", "<a></a>".repeat(1000))).is_ok());
        assert!(refuse_deep_nesting(SAMPLE).is_ok());
    }

    /// chrono reads a year of any length; a date at the edge of what it
    /// holds made the day-change arithmetic overflow (a panic, a 500).
    #[test]
    fn dates_outside_1900_to_2200_are_refused_with_a_message() {
        for date in ["-262143-01-01", "262142-12-31", "1066-10-14", "2201-01-01"] {
            let xml = SAMPLE.replace("2027-03-01", date).replace("<conference>", "<conference><day_change>04:00</day_change>");
            let mut report = ImportReport::default();
            match read(&xml, Tz::UTC, &mut report) {
                Err(AppError::Validation(errors)) => assert!(errors[0].message.contains("TITLE"), "{date}: {:?}", errors[0].message),
                other => panic!("{date}: read or failed otherwise: {}", other.is_ok()),
            }
        }
    }

    /// The file is read, or refused with a message for each problem: no
    /// other kind of error.
    fn read_or_refused_with_a_message(xml: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let mut report = ImportReport::default();
        match read(xml, Tz::UTC, &mut report) {
            Ok(_) => {}
            Err(AppError::Validation(errors)) => proptest::prop_assert!(errors.iter().all(|e| !e.message.is_empty())),
            Err(other) => proptest::prop_assert!(false, "unexpected error kind: {other:?}"),
        }
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

        /// Nested, truncated and padded documents: read or refused with a
        /// message, never a crash (the stack overflow this guards against
        /// would abort the test process itself).
        #[test]
        fn nested_truncated_and_enormous_documents_are_refused_not_crashed(
            levels in 0usize..20_000, keep in 0.0f64..=1.0, open_only in proptest::bool::ANY, padding in 0usize..200_000,
        ) {
            let mut xml = if open_only { format!("<schedule>{}", "<event>".repeat(levels)) } else { nested(levels) };
            xml.insert_str(xml.find('>').map(|p| p + 1).unwrap_or(0), &" ".repeat(padding));
            let mut cut = (xml.len() as f64 * keep) as usize;
            while !xml.is_char_boundary(cut) {
                cut -= 1;
            }
            xml.truncate(cut);
            read_or_refused_with_a_message(&xml)?;
        }

        /// Whatever a file holds, reading it ends in sessions or in a message
        /// naming the problem: no panic, no other kind of error.
        #[test]
        fn any_damage_to_a_file_is_read_or_refused_with_a_message(
            cut in 0usize..2000, cut_len in 0usize..200, at in 0usize..2000,
            inserted in "(\\PC{0,12}|<event>|</room>|<day date=\"x\">|&amp;|&#0;|<!DOCTYPE x [<!ENTITY e \"ee\">]>|<duration>99:99</duration>)",
            noise in "\\PC{0,400}",
            whole_noise in proptest::bool::ANY,
        ) {
            let xml = if whole_noise {
                noise
            } else {
                let mut text: Vec<char> = SAMPLE.chars().collect();
                let start = cut.min(text.len());
                let end = (start + cut_len).min(text.len());
                text.drain(start..end);
                let at = at.min(text.len());
                text.splice(at..at, inserted.chars());
                text.into_iter().collect()
            };
            read_or_refused_with_a_message(&xml)?;
        }

        /// Any text in a title or abstract comes through exactly.
        #[test]
        fn any_text_in_a_title_or_abstract_is_read_exactly(title in "\\PC{1,80}", abstract_text in "\\PC{0,200}") {
            let title: String = title.chars().filter(xml_char).collect();
            let abstract_text: String = abstract_text.chars().filter(xml_char).collect();
            proptest::prop_assume!(!title.trim().is_empty());
            let xml = SAMPLE.replace("TITLE", &escape(&title)).replace("ABSTRACT", &escape(&abstract_text));
            let mut report = ImportReport::default();
            let sessions = read(&xml, Tz::UTC, &mut report).expect("a valid file").sessions;
            proptest::prop_assert_eq!(sessions.len(), 1);
            // XML reads every line end as a line feed.
            let lines = |text: &str| text.trim().replace("\r\n", "\n").replace('\r', "\n");
            proptest::prop_assert_eq!(lines(&sessions[0].title), lines(&title));
            proptest::prop_assert_eq!(lines(&sessions[0].abstract_text), lines(&abstract_text));
        }
    }
}
