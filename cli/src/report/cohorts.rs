//! The cohort-retention heatmap.

use super::*;

pub(super) struct Cohort {
    pub(super) size: Option<f64>,
    /// period -> (retention_rate, retained)
    pub(super) cells: BTreeMap<usize, (Option<f64>, Option<f64>)>,
}

/// Background and text colour of a heatmap cell: white to deep blue.
pub(super) fn heat(rate: f64) -> String {
    let t = rate.clamp(0.0, 1.0);
    let (lo, hi) = ((239.0, 246.0, 255.0), (29.0, 78.0, 216.0));
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    let text = if t > 0.55 { ";color:#fff" } else { "" };
    format!(
        "background:#{:02x}{:02x}{:02x}{text}",
        mix(lo.0, hi.0),
        mix(lo.1, hi.1),
        mix(lo.2, hi.2)
    )
}

pub(super) fn cohort_section(out: &mut String, view: &View) -> Result<()> {
    let cohort = view.dates("cohort")?;
    let period = view.numbers("period")?;
    let size = view.numbers("cohort_size")?;
    let retained = view.numbers("retained")?;
    let rate = view.numbers("retention_rate")?;
    section_start(
        out,
        "cohorts",
        "Cohort retention",
        "Accounts grouped by the month of their first event; each cell is the share of \
         the cohort active again that many months later.",
    );

    let mut cohorts: BTreeMap<i32, Cohort> = BTreeMap::new();
    for i in 0..cohort.len() {
        let (Some(c), Some(p)) = (cohort[i], period[i]) else {
            continue;
        };
        if p < 0.0 {
            continue;
        }
        let entry = cohorts.entry(c).or_insert(Cohort {
            size: None,
            cells: BTreeMap::new(),
        });
        entry.size = entry.size.or(size[i]);
        entry.cells.insert(p as usize, (rate[i], retained[i]));
    }
    if cohorts.is_empty() {
        no_data(
            out,
            "cohort_retention is empty (no activity before the as-of time).",
        );
        out.push_str("</section>\n");
        return Ok(());
    }

    let total = cohorts.len();
    let shown: Vec<(&i32, &Cohort)> = cohorts
        .iter()
        .skip(total.saturating_sub(MAX_COHORTS))
        .collect();
    let last_period = shown
        .iter()
        .filter_map(|(_, c)| c.cells.keys().next_back().copied())
        .max()
        .unwrap_or(0);
    let periods = (last_period + 1).min(MAX_PERIODS);

    let dense = periods > WIDE_PERIODS;
    let cell = |r: f64| {
        if dense {
            format!("{:.0}", r * 100.0)
        } else {
            pct(Some(r), 0)
        }
    };
    w!(
        out,
        "<div class=\"table-wrap\"><table class=\"heatmap{}\">\n<thead><tr><th>Cohort</th><th class=\"num\">Accounts</th>",
        if dense { " dense" } else { "" }
    );
    for p in 0..periods {
        w!(out, "<th class=\"p\">{p}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    // weighted mean per period over the cohorts shown: sum retained / sum size
    let mut sums = vec![(0.0f64, 0.0f64); periods];
    let mut all_size = 0.0;
    for (day, c) in &shown {
        w!(
            out,
            "<tr><th class=\"cohort\">{}</th><td class=\"num size\">{}</td>",
            year_month(**day),
            count(c.size)
        );
        all_size += c.size.unwrap_or(0.0);
        for (p, sum) in sums.iter_mut().enumerate() {
            match c.cells.get(&p) {
                None => out.push_str("<td class=\"hm-empty\"></td>"),
                Some((Some(r), kept)) => {
                    w!(
                        out,
                        "<td class=\"hm\" style=\"{}\" title=\"{} {}: {} of {} accounts ({})\">{}</td>",
                        heat(*r),
                        year_month(**day),
                        if p == 1 { "+1 month".to_string() } else { format!("+{p} months") },
                        count(*kept),
                        count(c.size),
                        pct(Some(*r), 1),
                        cell(*r)
                    );
                    if let (Some(k), Some(s)) = (kept, c.size) {
                        sum.0 += k;
                        sum.1 += s;
                    }
                }
                Some((None, _)) => w!(out, "<td class=\"hm\">{DASH}</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    w!(
        out,
        "</tbody>\n<tfoot><tr><th class=\"cohort\">Weighted</th><td class=\"num size\">{}</td>",
        count(Some(all_size))
    );
    for (kept, size) in &sums {
        match share(*kept, *size) {
            Some(r) => w!(
                out,
                "<td class=\"hm-avg\" style=\"{}\" title=\"all cohorts: {}\">{}</td>",
                heat(r),
                pct(Some(r), 1),
                cell(r)
            ),
            None => out.push_str("<td class=\"hm-empty\"></td>"),
        }
    }
    out.push_str("</tr></tfoot>\n</table></div>\n");
    out.push_str(
        "<p class=\"note\">Columns: months since the cohort month (0 = the cohort month itself)",
    );
    if dense {
        out.push_str("; cells: % of the cohort active that month");
    }
    out.push_str(". The last row is the mean of the cohorts shown, weighted by size.");
    if total > shown.len() {
        w!(
            out,
            " Showing the latest {} of {total} cohorts.",
            shown.len()
        );
    }
    if last_period + 1 > periods {
        w!(
            out,
            " Showing months 0 to {} of 0 to {last_period}.",
            periods - 1
        );
    }
    out.push_str("</p>\n</section>\n");
    Ok(())
}
