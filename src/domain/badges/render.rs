//! Badges as a PNG image and as PDF sheets for printing: the badge SVG is
//! drawn with resvg (PNG) and svg2pdf (PDF), with the DejaVu fonts built
//! into the binary so a badge looks the same on every server; fonts
//! installed on the system stand in for scripts DejaVu lacks (CJK).

use std::sync::{Arc, OnceLock};

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, TextStr};
use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};

use crate::error::{AppError, AppResult};

pub static REGULAR_FONT: &[u8] = include_bytes!("../../../public/fonts/DejaVuSans.ttf");
pub static BOLD_FONT: &[u8] = include_bytes!("../../../public/fonts/DejaVuSans-Bold.ttf");

/// The bold face, for measuring text as it will be drawn.
pub fn bold_face() -> Option<ttf_parser::Face<'static>> {
    ttf_parser::Face::parse(BOLD_FONT, 0).ok()
}

fn fonts() -> Arc<fontdb::Database> {
    static FONTS: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_font_data(REGULAR_FONT.to_vec());
            db.load_font_data(BOLD_FONT.to_vec());
            db.load_system_fonts();
            db.set_sans_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

fn parse(svg: &str) -> AppResult<usvg::Tree> {
    let options = usvg::Options { fontdb: fonts(), ..usvg::Options::default() };
    usvg::Tree::from_str(svg, &options).map_err(|e| AppError::Internal(format!("badge SVG: {e}")))
}

/// The badge at `scale` times its 96 dpi size (3 gives about 300 dpi), on white.
pub fn png(svg: &str, scale: f32) -> AppResult<Vec<u8>> {
    let tree = parse(svg)?;
    let size = tree.size().to_int_size().scale_by(scale).ok_or_else(|| AppError::Internal("badge size".into()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| AppError::Internal("badge size".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| AppError::Internal(format!("PNG: {e}")))
}

/// Sheet sizes badges are printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    pub fn parse(text: &str) -> Option<Paper> {
        match text.trim().to_ascii_lowercase().as_str() {
            "a4" => Some(Paper::A4),
            "letter" | "us-letter" => Some(Paper::Letter),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }
    }

    /// Width and height in PDF points (1/72 in).
    fn size(self) -> (f64, f64) {
        match self {
            Paper::A4 => (595.276, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// Badges per sheet: two columns of four, each at its real size.
pub const PER_PAGE: usize = 8;
const COLUMNS: usize = 2;
const ROWS: usize = 4;
/// 3.5 × 2.25 in in points; the badge SVG is 336 × 216 px at 96 dpi.
const BADGE_WIDTH: f64 = 252.0;
const BADGE_HEIGHT: f64 = 162.0;

/// One sheet as SVG in points: the badges edge to edge in the middle, and
/// crop marks on every cut line out in the margin (none over a badge).
fn sheet_svg(badges: &[String], paper: Paper) -> String {
    let (width, height) = paper.size();
    let left = (width - COLUMNS as f64 * BADGE_WIDTH) / 2.0;
    let top = (height - ROWS as f64 * BADGE_HEIGHT) / 2.0;
    let (gap, mark) = (6.0, 18.0);
    let mut out = format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">"#);
    for (i, badge) in badges.iter().take(PER_PAGE).enumerate() {
        let x = left + (i % COLUMNS) as f64 * BADGE_WIDTH;
        let y = top + (i / COLUMNS) as f64 * BADGE_HEIGHT;
        out.push_str(&format!(r#"<g transform="translate({x:.3} {y:.3}) scale(0.75)">{badge}</g>"#));
    }
    let mut marks = String::new();
    for c in 0..=COLUMNS {
        let x = left + c as f64 * BADGE_WIDTH;
        marks.push_str(&format!("M{x:.3} {:.3}V{:.3}", top - gap - mark, top - gap));
        let bottom = top + ROWS as f64 * BADGE_HEIGHT;
        marks.push_str(&format!("M{x:.3} {:.3}V{:.3}", bottom + gap, bottom + gap + mark));
    }
    for r in 0..=ROWS {
        let y = top + r as f64 * BADGE_HEIGHT;
        marks.push_str(&format!("M{:.3} {y:.3}H{:.3}", left - gap - mark, left - gap));
        let right = left + COLUMNS as f64 * BADGE_WIDTH;
        marks.push_str(&format!("M{:.3} {y:.3}H{:.3}", right + gap, right + gap + mark));
    }
    out.push_str(&format!(r##"<path d="{marks}" stroke="#000" stroke-width="0.5" fill="none"/></svg>"##));
    out
}

/// A PDF of badge sheets, written a page at a time.
pub struct Sheets {
    pdf: Pdf,
    next: Ref,
    catalog: Ref,
    page_tree: Ref,
    pages: Vec<Ref>,
    paper: Paper,
}

impl Sheets {
    pub fn new(paper: Paper) -> Sheets {
        let mut next = Ref::new(1);
        let catalog = next.bump();
        let page_tree = next.bump();
        Sheets { pdf: Pdf::new(), next, catalog, page_tree, pages: Vec::new(), paper }
    }

    /// Adds one sheet with up to `PER_PAGE` badges (SVG documents).
    pub fn add_page(&mut self, badges: &[String]) -> AppResult<()> {
        let tree = parse(&sheet_svg(badges, self.paper))?;
        let (chunk, drawing) =
            svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default()).map_err(|e| AppError::Internal(format!("badge PDF: {e}")))?;
        let mut renumbered = std::collections::HashMap::new();
        let next = &mut self.next;
        let chunk = chunk.renumber(|old| *renumbered.entry(old).or_insert_with(|| next.bump()));
        let drawing = renumbered[&drawing];
        let (page_id, content_id) = (self.next.bump(), self.next.bump());
        let (width, height) = self.paper.size();
        let mut page = self.pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, width as f32, height as f32));
        page.parent(self.page_tree);
        page.contents(content_id);
        page.resources().x_objects().pair(Name(b"Sheet"), drawing);
        page.finish();
        // svg2pdf draws into a unit square; stretch it over the page.
        let mut content = Content::new();
        content.transform([width as f32, 0.0, 0.0, height as f32, 0.0, 0.0]).x_object(Name(b"Sheet"));
        self.pdf.stream(content_id, &content.finish());
        self.pdf.extend(&chunk);
        self.pages.push(page_id);
        Ok(())
    }

    pub fn finish(mut self, title: &str) -> Vec<u8> {
        self.pdf.catalog(self.catalog).pages(self.page_tree);
        let count = self.pages.len() as i32;
        self.pdf.pages(self.page_tree).kids(self.pages.iter().copied()).count(count);
        let info = self.next.bump();
        self.pdf.document_info(info).title(TextStr(title)).creator(TextStr("Tribe"));
        self.pdf.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crop_marks_stay_in_the_margins() {
        let sheet = sheet_svg(&[], Paper::A4);
        let marks = sheet.split("d=\"").nth(1).unwrap().split('"').next().unwrap();
        let (left, top) = ((595.276 - 504.0) / 2.0, (841.89 - 648.0) / 2.0);
        // Every mark is a short line outside the block of badges.
        for segment in marks.split('M').filter(|s| !s.is_empty()) {
            let numbers: Vec<f64> = segment.split(|c: char| c == ' ' || c == 'V' || c == 'H').filter_map(|n| n.parse().ok()).collect();
            let (x, y, end) = (numbers[0], numbers[1], numbers[2]);
            if segment.contains('V') {
                assert!(y.max(end) <= top || y.min(end) >= top + 648.0, "vertical mark over a badge: {segment}");
            } else {
                assert!(x.max(end) <= left || x.min(end) >= left + 504.0, "horizontal mark over a badge: {segment}");
            }
        }
        assert_eq!(marks.matches('M').count(), 2 * 3 + 2 * 5, "both ends of 3 vertical and 5 horizontal cut lines");
    }

    #[test]
    fn paper_names_parse() {
        assert_eq!(Paper::parse("A4"), Some(Paper::A4));
        assert_eq!(Paper::parse("letter"), Some(Paper::Letter));
        assert_eq!(Paper::parse("legal"), None);
    }
}
