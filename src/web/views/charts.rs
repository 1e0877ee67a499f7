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
    let values_max = values.iter().copied().fold(0.0_f32, f32::max);
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
        let (top, splits) = count_axis(values_max);
        let mut chart = charts_rs::BarChart::new(series, labels);
        chart.width = 640.0;
        chart.height = 260.0;
        if let Some(axis) = chart.y_axis_configs.first_mut() {
            axis.min = Some(0.0);
            axis.max = Some(top);
            axis.split_number = splits;
        }
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

/// A value axis for counts: whole-number ticks at 1, 2 or 5 × 10ⁿ, at most
/// six of them ("0 50 100 150 200", never "0 0.7 1.4").
fn count_axis(max: f32) -> (f32, usize) {
    let max = max.max(1.0);
    let mut magnitude = 1.0_f32;
    loop {
        for step in [magnitude, 2.0 * magnitude, 5.0 * magnitude] {
            let splits = (max / step).ceil();
            if splits <= 6.0 {
                return (splits * step, splits as usize);
            }
        }
        magnitude *= 10.0;
    }
}

/// The SVG scales to its box, and assistive technology skips it in favour
/// of the summary and table beside it.
/// Its text is in the page's sans-serif where the crate's Roboto is missing
/// (browsers would otherwise fall back to a serif).
fn accessible(svg: String) -> String {
    svg.replacen("<svg ", r#"<svg aria-hidden="true" focusable="false" preserveAspectRatio="xMinYMin meet" "#, 1)
        .replace(r#"font-family="Roboto""#, r#"font-family="Roboto, system-ui, 'DejaVu Sans', sans-serif""#)
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
    use super::{bars, count_axis};

    #[test]
    fn count_axes_tick_at_whole_round_numbers() {
        assert_eq!(count_axis(4.0), (4.0, 4));
        assert_eq!(count_axis(160.0), (200.0, 4));
        assert_eq!(count_axis(35.0), (40.0, 4));
        assert_eq!(count_axis(0.0), (1.0, 1));
        assert_eq!(count_axis(7.0), (8.0, 4));
    }

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
