//! Formatting numbers, dates and HTML, and the page's section helpers.

use super::*;

/// `text` safe in HTML content and in quoted attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An optional text, escaped, or an em dash.
pub(super) fn text_or_dash(value: &Option<String>) -> String {
    value.as_deref().map_or_else(|| DASH.to_string(), escape)
}

/// `v` with `decimals` decimals and a comma every three digits.
pub(super) fn grouped(v: f64, decimals: usize) -> String {
    let fixed = format!("{:.*}", decimals, v.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let negative = v < 0.0 && fixed.bytes().any(|b| b.is_ascii_digit() && b != b'0');
    let mut out = String::with_capacity(fixed.len() + fixed.len() / 3 + 1);
    if negative {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Money: thousands separators; whole units from 1,000 up, else cents
/// (none when the amount is whole).
pub(super) fn money(v: Option<f64>) -> String {
    match v {
        None => DASH.to_string(),
        Some(v) if v.abs() >= 1000.0 || v.fract() == 0.0 => grouped(v, 0),
        Some(v) => grouped(v, 2),
    }
}

/// A whole number with thousands separators.
pub(super) fn count(v: Option<f64>) -> String {
    v.map_or_else(|| DASH.to_string(), |v| grouped(v, 0))
}

/// A rate (0.053) as a percentage with `decimals` decimals (5.3%).
pub(super) fn pct(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(
        || DASH.to_string(),
        |v| format!("{}%", grouped(v * 100.0, decimals)),
    )
}

/// A share of a total as a percentage, or an em dash when the total is 0.
pub(super) fn share(part: f64, total: f64) -> Option<f64> {
    (total > 0.0).then(|| part / total)
}

/// Short money for axis labels: 950, 12k, 1.2M.
pub(super) fn compact(v: f64) -> String {
    let a = v.abs();
    let sign = if v < 0.0 { "-" } else { "" };
    let trim = |s: String| {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if a >= 1e9 {
        format!("{sign}{}B", trim(format!("{:.1}", a / 1e9)))
    } else if a >= 1e6 {
        format!("{sign}{}M", trim(format!("{:.1}", a / 1e6)))
    } else if a >= 1e3 {
        format!("{sign}{}k", trim(format!("{:.1}", a / 1e3)))
    } else {
        format!("{sign}{}", trim(format!("{:.1}", a)))
    }
}

/// A stage or tier name for the reader: `renewal_due` -> `Renewal due`.
pub(super) fn label(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => spaced,
    }
}

/// (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian).
pub(super) fn civil(days: i32) -> (i64, u32, u32) {
    time::civil_from_days(i64::from(days))
}

/// Days since 1970-01-01 of the first day of the month after the one of `days`.
pub(super) fn next_month_start(days: i32) -> i64 {
    let (y, m, _) = civil(days);
    let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    time::days_from_civil(y, m, 1)
}

/// `2024-03`.
pub(super) fn year_month(days: i32) -> String {
    let (y, m, _) = civil(days);
    format!("{y:04}-{m:02}")
}

/// `Mar 2024`.
pub(super) fn month_name(days: i32) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, _) = civil(days);
    format!("{} {y}", NAMES[(m - 1) as usize])
}

/// A round step that cuts `range` into about `target` pieces.
pub(super) fn nice_step(range: f64, target: usize) -> f64 {
    let raw = (range / target.max(1) as f64).max(f64::MIN_POSITIVE);
    let magnitude = 10f64.powf(raw.log10().floor());
    let norm = raw / magnitude;
    let nice = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// Round axis ticks covering [lo, hi] (the first and last are the axis ends).
pub(super) fn ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo { (lo, hi) } else { (lo, lo + 1.0) };
    let step = nice_step(hi - lo, target);
    let start = (lo / step).floor();
    let end = (hi / step).ceil();
    (0..=((end - start) as i64).clamp(1, 50))
        .map(|k| (start + k as f64) * step)
        .collect()
}

pub(super) fn no_data(out: &mut String, text: &str) {
    w!(out, "<p class=\"nodata\">No data: {text}</p>\n");
}

pub(super) fn section_start(out: &mut String, id: &str, title: &str, lead: &str) {
    w!(
        out,
        "<section id=\"{id}\">\n<h2>{title}</h2>\n<p class=\"lead\">{lead}</p>\n"
    );
}
