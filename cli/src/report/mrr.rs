//! MRR movements by month: the table.

use super::*;

pub(super) struct Month {
    pub(super) day: i32,
    pub(super) starting: Option<f64>,
    pub(super) new: Option<f64>,
    pub(super) expansion: Option<f64>,
    pub(super) contraction: Option<f64>,
    pub(super) churned: Option<f64>,
    pub(super) reactivation: Option<f64>,
    pub(super) net: Option<f64>,
    pub(super) ending: Option<f64>,
    pub(super) customers: Option<f64>,
    pub(super) logo_churn: Option<f64>,
    pub(super) revenue_churn: Option<f64>,
    pub(super) nrr: Option<f64>,
    pub(super) grr: Option<f64>,
}

/// (class, legend) of the stacked movements, positive then negative.
pub(super) const MOVES: [(&str, &str); 5] = [
    ("new", "New"),
    ("expansion", "Expansion"),
    ("reactivation", "Reactivation"),
    ("contraction", "Contraction"),
    ("churn", "Churn"),
];

pub(super) fn mrr_section(out: &mut String, view: &View, as_of_day: Option<i32>) -> Result<()> {
    let month = view.dates("month")?;
    let col = |name: &str| view.numbers(name);
    let starting = col("starting_mrr")?;
    let new = col("new_mrr")?;
    let expansion = col("expansion_mrr")?;
    let contraction = col("contraction_mrr")?;
    let churned = col("churned_mrr")?;
    let reactivation = col("reactivation_mrr")?;
    let net = col("net_new_mrr")?;
    let ending = col("ending_mrr")?;
    let customers = col("customers_end")?;
    let logo = col("logo_churn_rate")?;
    let revenue = col("revenue_churn_rate")?;
    let nrr = col("nrr")?;
    let grr = col("grr")?;
    section_start(
        out,
        "mrr",
        "MRR movements",
        "The monthly recurring revenue bridge: what new, expanding, contracting, churned and \
         reactivated customers added or removed each month.",
    );
    let mut months: Vec<Month> = (0..month.len())
        .filter_map(|i| {
            Some(Month {
                day: month[i]?,
                starting: starting[i],
                new: new[i],
                expansion: expansion[i],
                contraction: contraction[i],
                churned: churned[i],
                reactivation: reactivation[i],
                net: net[i],
                ending: ending[i],
                customers: customers[i],
                logo_churn: logo[i],
                revenue_churn: revenue[i],
                nrr: nrr[i],
                grr: grr[i],
            })
        })
        .collect();
    if months.is_empty() {
        no_data(out, "mrr_movements is empty (no MRR history was given).");
        out.push_str("</section>\n");
        return Ok(());
    }
    months.sort_by_key(|m| m.day);
    let total = months.len();
    let months = &months[total.saturating_sub(MAX_MONTHS)..];
    let partial = |m: &Month| as_of_day.is_some_and(|d| next_month_start(m.day) > i64::from(d));

    mrr_trend_chart(out, months);
    mrr_bar_chart(out, months);

    out.push_str(
        "<div class=\"table-wrap\"><table class=\"movements\">\n<thead><tr><th>Month</th>\
         <th class=\"num\">Starting</th><th class=\"num\">New</th><th class=\"num\">Expansion</th>\
         <th class=\"num\">Contraction</th><th class=\"num\">Churn</th><th class=\"num\">Reactivation</th>\
         <th class=\"num\">Net new</th><th class=\"num\">Ending</th><th class=\"num\">Customers</th>\
         <th class=\"num\">Logo churn</th><th class=\"num\">Revenue churn</th><th class=\"num\">NRR</th>\
         <th class=\"num\">GRR</th></tr></thead>\n<tbody>\n",
    );
    let signed = |v: Option<f64>| {
        let class = match v {
            Some(x) if x > 0.0 => "num pos",
            Some(x) if x < 0.0 => "num neg",
            _ => "num",
        };
        format!("<td class=\"{class}\">{}</td>", money(v))
    };
    for m in months.iter().rev().take(MAX_TABLE_MONTHS) {
        w!(
            out,
            "<tr><th>{}{}</th><td class=\"num\">{}</td>{}{}{}{}{}{}<td class=\"num strong\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            year_month(m.day),
            if partial(m) { " <span class=\"tag\">to date</span>" } else { "" },
            money(m.starting),
            signed(m.new),
            signed(m.expansion),
            signed(m.contraction),
            signed(m.churned),
            signed(m.reactivation),
            signed(m.net),
            money(m.ending),
            count(m.customers),
            pct(m.logo_churn, 1),
            pct(m.revenue_churn, 1),
            pct(m.nrr, 1),
            pct(m.grr, 1)
        );
    }
    out.push_str("</tbody>\n</table></div>\n<p class=\"note\">Newest month first. Churn and contraction are negative. Logo churn: churned customers / customers at the start of the month; revenue churn: churned and contraction MRR / starting MRR; NRR and GRR: net and gross revenue retention of the starting MRR.");
    if months.len() > MAX_TABLE_MONTHS {
        w!(out, " The table shows the latest {MAX_TABLE_MONTHS} months");
        if total > months.len() {
            w!(out, ", the charts the latest {} of {total}.", months.len());
        } else {
            w!(out, ", the charts all {total}.");
        }
    } else if total > months.len() {
        w!(
            out,
            " Showing the latest {} of {total} months.",
            months.len()
        );
    }
    out.push_str("</p>\n</section>\n");
    Ok(())
}
