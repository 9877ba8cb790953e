//! The survival curve (Kaplan-Meier) by plan.

use super::*;

pub(super) struct Curve {
    pub(super) plan: String,
    /// (days, survival, at_risk, churned), by days
    pub(super) points: Vec<(f64, f64, f64, f64)>,
}

impl Curve {
    pub(super) fn customers(&self) -> f64 {
        self.points.iter().map(|p| p.2).fold(0.0, f64::max)
    }
    pub(super) fn churned(&self) -> f64 {
        self.points.iter().map(|p| p.3).sum()
    }
    pub(super) fn days_and_survival(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.points.iter().map(|p| (p.0, p.1))
    }
    /// The median lifetime (core's definition: the first tenure where the
    /// survival is at or below 0.5).
    pub(super) fn median(&self) -> Option<f64> {
        survival_agg::median_of_curve(self.days_and_survival())
    }
    /// The survival after `days`; None beyond the last observed tenure.
    pub(super) fn at(&self, days: f64) -> Option<f64> {
        let last = self.points.last()?;
        (days <= last.0).then(|| survival_agg::survival_on_curve(self.days_and_survival(), days))
    }
}

pub(super) const PALETTE: [&str; 8] = [
    "#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d",
];

pub(super) fn survival_section(out: &mut String, view: &View) -> Result<()> {
    let plan = view.texts("plan")?;
    let days = view.numbers("days")?;
    let at_risk = view.numbers("at_risk")?;
    let churned = view.numbers("churned")?;
    let survival = view.numbers("survival")?;
    section_start(
        out,
        "survival",
        "Customer lifetime",
        "Kaplan\u{2013}Meier survival: the probability that a customer is still a customer after \
         a given tenure, by plan and for all customers (customers still active count as censored).",
    );
    let mut curves: BTreeMap<String, Vec<(f64, f64, f64, f64)>> = BTreeMap::new();
    for i in 0..plan.len() {
        let (Some(d), Some(s)) = (days[i], survival[i]) else {
            continue;
        };
        let name = plan[i].clone().unwrap_or_else(|| "(no plan)".into());
        curves.entry(name).or_default().push((
            d,
            s,
            at_risk[i].unwrap_or(0.0),
            churned[i].unwrap_or(0.0),
        ));
    }
    if curves.is_empty() {
        no_data(out, "customer_lifetime is empty.");
        out.push_str("</section>\n");
        return Ok(());
    }
    let mut curves: Vec<Curve> = curves
        .into_iter()
        .map(|(plan, mut points)| {
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            Curve { plan, points }
        })
        .collect();
    // 'all' first, then the largest plans
    curves.sort_by(|a, b| {
        (b.plan == "all")
            .cmp(&(a.plan == "all"))
            .then(b.customers().total_cmp(&a.customers()))
            .then(a.plan.cmp(&b.plan))
    });
    let total = curves.len();
    let has_all = curves[0].plan == "all";
    curves.truncate(MAX_PLANS + usize::from(has_all));
    let colour = |i: usize, c: &Curve| {
        if c.plan == "all" {
            "#111827"
        } else {
            PALETTE[(i - usize::from(has_all)) % PALETTE.len()]
        }
    };

    // the chart
    let max_days = curves
        .iter()
        .filter_map(|c| c.points.last().map(|p| p.0))
        .fold(1.0f64, f64::max);
    let step = [7.0, 14.0, 30.0, 60.0, 90.0, 180.0, 365.0, 730.0, 1461.0]
        .into_iter()
        .find(|s| max_days / s <= 10.0)
        .unwrap_or_else(|| nice_step(max_days, 8));
    let x_end = (max_days / step).ceil() * step;
    let (height, top, bottom) = (340.0, 14.0, 34.0);
    let plot_w = SVG_W - LEFT - RIGHT;
    let plot_h = height - top - bottom;
    let x = |d: f64| LEFT + d / x_end * plot_w;
    // when every curve stays high, the axis starts at a round 10% below the lowest point
    let lowest = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.1))
        .fold(1.0f64, f64::min);
    let floor_pct = if lowest >= 0.6 {
        (((lowest - 0.05) * 10.0).floor() as i64 * 10).clamp(0, 90)
    } else {
        0
    };
    let y_lo = floor_pct as f64 / 100.0;
    let y = |s: f64| top + (1.0 - s.clamp(y_lo, 1.0)) / (1.0 - y_lo) * plot_h;
    let tick_step = if floor_pct == 0 {
        25
    } else if floor_pct >= 70 {
        5
    } else {
        10
    };
    let y_ticks: Vec<f64> = (floor_pct..=100)
        .step_by(tick_step)
        .map(|p| p as f64 / 100.0)
        .collect();

    out.push_str("<figure>\n");
    svg_open(out, height, "Survival curve by plan");
    y_grid(out, &y_ticks, &y, &|v| pct(Some(v), 0));
    if floor_pct > 0 {
        w!(
            out,
            "<line class=\"axis\" x1=\"{LEFT}\" x2=\"{0:.1}\" y1=\"{1:.1}\" y2=\"{1:.1}\"/>\n",
            SVG_W - RIGHT,
            y(y_lo)
        );
    }
    let mut d = 0.0;
    while d <= x_end + 1e-9 {
        w!(
            out,
            "<line class=\"tick\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1:.1}\" y2=\"{2:.1}\"/>\
             <text class=\"xl\" x=\"{0:.1}\" y=\"{3:.1}\">{4}</text>",
            x(d),
            y(y_lo),
            y(y_lo) + 4.0,
            height - 16.0,
            count(Some(d))
        );
        d += step;
    }
    w!(
        out,
        "\n<text class=\"xt\" x=\"{:.1}\" y=\"{:.1}\">tenure (days)</text>\n",
        LEFT + plot_w / 2.0,
        height - 2.0
    );
    if y_lo < 0.5 {
        w!(
            out,
            "<line class=\"half\" x1=\"{LEFT}\" x2=\"{0:.1}\" y1=\"{1:.1}\" y2=\"{1:.1}\"/>\n",
            SVG_W - RIGHT,
            y(0.5)
        );
    }
    // plans first, 'all' on top
    for (i, c) in curves.iter().enumerate().rev() {
        let mut path = format!("M{:.1},{:.1}", x(0.0), y(1.0));
        let mut last = (x(0.0), y(1.0));
        for p in &c.points {
            let (px, py) = ((x(p.0) * 2.0).round() / 2.0, (y(p.1) * 2.0).round() / 2.0);
            if px != last.0 {
                w!(path, "H{px:.1}");
            }
            if py != last.1 {
                w!(path, "V{py:.1}");
            }
            last = (px, py);
        }
        let class = if c.plan == "all" { "km all" } else { "km" };
        w!(
            out,
            "<path class=\"{class}\" stroke=\"{}\" d=\"{path}\"><title>{}</title></path>\n",
            colour(i, c),
            escape(&c.plan)
        );
        if let Some(m) = c.median() {
            if c.plan == "all" {
                w!(
                    out,
                    "<line class=\"median\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1:.1}\" y2=\"{2:.1}\"/>\
                     <text class=\"ml\" x=\"{3:.1}\" y=\"{4:.1}\">median {5} days</text>\n",
                    x(m),
                    y(0.5),
                    y(0.0),
                    x(m) + 6.0,
                    y(0.5) - 6.0,
                    count(Some(m))
                );
            }
            w!(
                out,
                "<circle class=\"mdot\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\"><title>{}: median lifetime {} days</title></circle>\n",
                x(m),
                y(0.5),
                colour(i, c),
                escape(&c.plan),
                count(Some(m))
            );
        }
    }
    out.push_str("</svg>\n</figure>\n");

    // the table
    let horizons = [90.0, 180.0, 365.0, 730.0];
    out.push_str(
        "<table class=\"plans\">\n<thead><tr><th>Plan</th><th class=\"num\">Customers</th>\
         <th class=\"num\">Churned</th><th class=\"num\">Median lifetime</th>",
    );
    for h in horizons {
        w!(out, "<th class=\"num\">After {} d</th>", count(Some(h)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (i, c) in curves.iter().enumerate() {
        let name = if c.plan == "all" {
            "All customers".to_string()
        } else {
            escape(&c.plan)
        };
        w!(
            out,
            "<tr><td><i class=\"sw\" style=\"background:{}\"></i>{name}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td>",
            colour(i, c),
            count(Some(c.customers())),
            count(Some(c.churned())),
            c.median()
                .map_or_else(|| "not reached".to_string(), |m| format!("{} days", count(Some(m))))
        );
        for h in horizons {
            w!(out, "<td class=\"num\">{}</td>", pct(c.at(h), 1));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n<p class=\"note\">Median lifetime: the first tenure where the survival is 50% or less (\u{201c}not reached\u{201d} while more than half are still customers). A dash: no customer has been observed that long.");
    if floor_pct > 0 {
        w!(out, " The vertical axis starts at {floor_pct}%.");
    }
    if total > curves.len() {
        w!(
            out,
            " Showing the {} largest of {} plans.",
            curves.len() - usize::from(has_all),
            total - usize::from(has_all)
        );
    }
    out.push_str("</p>\n</section>\n");
    Ok(())
}
