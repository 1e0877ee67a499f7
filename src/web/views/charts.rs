//! Charts for the organizer's pages: server-rendered SVG drawn by the
//! charts-rs crate, readable without JavaScript, each with a one-line
//! summary and its numbers as a table for screen readers and for reading
//! exact values.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub title: String,
    /// The SVG, inline (it is decorative beside `summary` and `rows`).
    pub svg: String,
    /// What the chart says, in one sentence.
    pub summary: String,
    /// Its numbers: (label, value).
    pub rows: Vec<(String, String)>,
}

/// Bars of `values` over `labels`. `None` when there is nothing to draw.
pub fn bars(title: &str, summary: String, labels: Vec<String>, values: Vec<f32>, horizontal: bool) -> Option<Chart> {
    if values.is_empty() {
        return None;
    }
    let rows = labels.iter().zip(&values).map(|(l, v)| (l.clone(), format_value(*v))).collect();
    let colors = Some(vec![Some("#0b5cad".into()); values.len()]);
    // Horizontal bars are drawn bottom-up: reversed, the first row is on top.
    let (labels, values) = if horizontal { (labels.into_iter().rev().collect(), values.into_iter().rev().collect()) } else { (labels, values) };
    let series = vec![(title, values).into()];
    let svg = if horizontal {
        let height = 40.0 + 28.0 * labels.len() as f32;
        let mut chart = charts_rs::HorizontalBarChart::new(series, labels);
        chart.width = 640.0;
        chart.height = height;
        chart.legend.show = Some(false);
        chart.series_list[0].label_show = true;
        chart.series_list[0].colors = colors;
        chart.svg()
    } else {
        let mut chart = charts_rs::BarChart::new(series, labels);
        chart.width = 640.0;
        chart.height = 260.0;
        chart.legend.show = Some(false);
        chart.series_list[0].colors = colors;
        chart.svg()
    };
    let svg = match svg {
        Ok(svg) => svg,
        Err(error) => {
            tracing::error!(%error, title, "chart not drawn");
            return None;
        }
    };
    Some(Chart { title: title.to_owned(), svg: accessible(svg), summary, rows })
}

/// The SVG scales to its box, and assistive technology skips it in favour
/// of the summary and table beside it.
fn accessible(svg: String) -> String {
    svg.replacen("<svg ", r#"<svg aria-hidden="true" focusable="false" preserveAspectRatio="xMinYMin meet" "#, 1)
}

fn format_value(v: f32) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::bars;

    #[test]
    fn a_chart_is_svg_without_inline_styles_and_keeps_its_numbers() {
        let chart = bars("Registrations", "3 in two days".into(), vec!["Mon".into(), "Tue".into()], vec![1.0, 2.0], false).unwrap();
        assert!(chart.svg.starts_with("<svg aria-hidden=\"true\""), "{}", chart.svg);
        // The pages' Content-Security-Policy forbids inline styles.
        assert!(!chart.svg.contains("style=") && !chart.svg.contains("<style"), "{}", chart.svg);
        assert_eq!(chart.rows, vec![("Mon".to_owned(), "1".to_owned()), ("Tue".to_owned(), "2".to_owned())]);
        assert!(bars("Nothing", String::new(), Vec::new(), Vec::new(), true).is_none());
    }
}
