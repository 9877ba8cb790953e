//! The SVG charts of MRR (trend and movements) and their axes.

use super::*;

/// Bounds of the SVG plots (viewBox units).
pub(super) const SVG_W: f64 = 1100.0;
pub(super) const LEFT: f64 = 64.0;
pub(super) const RIGHT: f64 = 16.0;

pub(super) fn svg_open(out: &mut String, height: f64, label: &str) {
    w!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {SVG_W} {height}\" role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMidYMid meet\">\n",
        escape(label)
    );
}

/// Horizontal grid lines and y labels.
pub(super) fn y_grid(
    out: &mut String,
    values: &[f64],
    y: &dyn Fn(f64) -> f64,
    fmt: &dyn Fn(f64) -> String,
) {
    for &v in values {
        let py = y(v);
        let class = if v == 0.0 { "axis" } else { "grid" };
        w!(
            out,
            "<line class=\"{class}\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{py:.1}\" y2=\"{py:.1}\"/>\
             <text class=\"yl\" x=\"{}\" y=\"{:.1}\">{}</text>\n",
            SVG_W - RIGHT,
            LEFT - 8.0,
            py + 4.0,
            fmt(v)
        );
    }
}

/// Month labels under a band chart: about 12 at most.
pub(super) fn month_labels(out: &mut String, months: &[Month], band: f64, y: f64) {
    let every = months.len().div_ceil(12).max(1);
    for (i, m) in months.iter().enumerate() {
        if i % every == 0 {
            w!(
                out,
                "<text class=\"xl\" x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
                LEFT + band * (i as f64 + 0.5),
                month_name(m.day)
            );
        }
    }
    out.push('\n');
}

pub(super) fn mrr_trend_chart(out: &mut String, months: &[Month]) {
    let (height, top, bottom) = (190.0, 14.0, 28.0);
    let max = months
        .iter()
        .filter_map(|m| m.ending)
        .fold(0.0f64, f64::max);
    let tick_values = ticks(0.0, max, 4);
    let hi = *tick_values.last().unwrap_or(&1.0);
    let plot_h = height - top - bottom;
    let y = |v: f64| top + (1.0 - v / hi) * plot_h;
    let band = (SVG_W - LEFT - RIGHT) / months.len() as f64;
    out.push_str("<h3>Ending MRR</h3>\n<figure>\n");
    svg_open(out, height, "Ending MRR by month");
    y_grid(out, &tick_values, &y, &|v| compact(v));
    let points: Vec<(f64, f64)> = months
        .iter()
        .enumerate()
        .filter_map(|(i, m)| Some((LEFT + band * (i as f64 + 0.5), y(m.ending?))))
        .collect();
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let mut line = String::new();
        for (i, (x, py)) in points.iter().enumerate() {
            w!(line, "{}{x:.1},{py:.1}", if i == 0 { "M" } else { " L" });
        }
        w!(
            out,
            "<path class=\"area\" d=\"{line} L{:.1},{:.1} L{:.1},{:.1} Z\"/>\n<path class=\"trend\" d=\"{line}\"/>\n",
            last.0,
            y(0.0),
            first.0,
            y(0.0)
        );
        if points.len() <= 36 {
            for (x, py) in &points {
                w!(
                    out,
                    "<circle class=\"dot\" cx=\"{x:.1}\" cy=\"{py:.1}\" r=\"2.5\"/>"
                );
            }
            out.push('\n');
        }
    }
    for (i, m) in months.iter().enumerate() {
        if let Some(v) = m.ending {
            w!(
                out,
                "<rect class=\"hit\" x=\"{:.1}\" y=\"{top}\" width=\"{band:.1}\" height=\"{plot_h}\"><title>{}: ending MRR {}</title></rect>",
                LEFT + band * i as f64,
                year_month(m.day),
                money(Some(v))
            );
        }
    }
    month_labels(out, months, band, height - 8.0);
    out.push_str("</svg>\n</figure>\n");
}

pub(super) fn mrr_bar_chart(out: &mut String, months: &[Month]) {
    let (height, top, bottom) = (300.0, 14.0, 28.0);
    let moves = |m: &Month| {
        [
            m.new.unwrap_or(0.0).abs(),
            m.expansion.unwrap_or(0.0).abs(),
            m.reactivation.unwrap_or(0.0).abs(),
            -m.contraction.unwrap_or(0.0).abs(),
            -m.churned.unwrap_or(0.0).abs(),
        ]
    };
    let mut lo = 0.0f64;
    let mut hi = 0.0f64;
    for m in months {
        let v = moves(m);
        hi = hi.max(v[0] + v[1] + v[2]).max(m.net.unwrap_or(0.0));
        lo = lo.min(v[3] + v[4]).min(m.net.unwrap_or(0.0));
    }
    let tick_values = ticks(lo, hi, 6);
    let (dlo, dhi) = (tick_values[0], *tick_values.last().unwrap_or(&1.0));
    let plot_h = height - top - bottom;
    let y = |v: f64| top + (dhi - v) / (dhi - dlo) * plot_h;
    let band = (SVG_W - LEFT - RIGHT) / months.len() as f64;
    let bar_w = (band * 0.7).clamp(1.0, 56.0);

    out.push_str("<h3>Movements by month</h3>\n<figure>\n");
    svg_open(out, height, "MRR movements by month");
    y_grid(out, &tick_values, &y, &|v| compact(v));
    for (i, m) in months.iter().enumerate() {
        let x = LEFT + band * i as f64 + (band - bar_w) / 2.0;
        let values = moves(m);
        let (mut up, mut down) = (0.0, 0.0);
        for (k, v) in values.iter().enumerate() {
            if *v == 0.0 {
                continue;
            }
            let (from, to) = if *v > 0.0 {
                up += v;
                (up, up - v)
            } else {
                down += v;
                (down - v, down)
            };
            w!(
                out,
                "<rect class=\"mv-{}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar_w:.1}\" height=\"{:.1}\"><title>{} {}: {}</title></rect>",
                MOVES[k].0,
                y(from),
                (y(to) - y(from)).max(0.5),
                year_month(m.day),
                MOVES[k].1.to_lowercase(),
                money(Some(*v))
            );
        }
        if let Some(n) = m.net {
            let cx = x + bar_w / 2.0;
            w!(
                out,
                "<line class=\"net\" x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>\
                 <circle class=\"net\" cx=\"{cx:.1}\" cy=\"{:.1}\" r=\"{:.1}\"><title>{} net new: {}</title></circle>",
                x - 1.0,
                x + bar_w + 1.0,
                y(n),
                y(n),
                y(n),
                (bar_w / 4.0).clamp(1.5, 3.5),
                year_month(m.day),
                money(Some(n))
            );
        }
        out.push('\n');
    }
    month_labels(out, months, band, height - 8.0);
    out.push_str("</svg>\n<figcaption class=\"legend\">");
    for (class, name) in MOVES {
        w!(out, "<span><i class=\"sw mv-{class}\"></i>{name}</span>");
    }
    out.push_str("<span><i class=\"sw net-sw\"></i>Net new MRR</span></figcaption>\n</figure>\n");
}
