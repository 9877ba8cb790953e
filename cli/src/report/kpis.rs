//! The header: the headline SaaS metrics.

use super::*;

/// The headline metrics of saas_metrics (and the totals of
/// accounts_needing_attention); returns the as_of day of saas_metrics (if
/// any) for marking a month in progress.
pub(super) fn kpis(
    out: &mut String,
    saas: &View,
    attention: &View,
    lifetime: &View,
) -> Result<Option<i32>> {
    let customers = saas.numbers("customers")?;
    let mrr = saas.numbers("mrr")?;
    let arpa = saas.numbers("arpa")?;
    let logo = saas.numbers("logo_churn_rate_monthly")?;
    let revenue = saas.numbers("revenue_churn_rate_monthly")?;
    let margin = saas.numbers("gross_margin")?;
    let ltv = saas.numbers("ltv")?;
    let median = saas.numbers("median_lifetime_days")?;
    let nrr = saas.numbers("nrr_last_month")?;
    let grr = saas.numbers("grr_last_month")?;
    let as_of_day = if saas.has_column("as_of") {
        saas.dates("as_of")?.first().copied().flatten()
    } else {
        None
    };
    let at_risk = attention.numbers("mrr_at_risk")?;
    // the longest tenure observed for all customers: a median not reached is beyond it
    let plans = lifetime.texts("plan")?;
    let days = lifetime.numbers("days")?;
    let longest = plans
        .iter()
        .zip(&days)
        .filter(|(p, _)| p.as_deref() == Some("all"))
        .filter_map(|(_, d)| *d)
        .reduce(f64::max);
    if saas.rows() == 0 {
        no_data(out, "saas_metrics is empty.");
        return Ok(as_of_day);
    }
    let margin_hint = match margin[0] {
        Some(m) => format!("customer lifetime value at {} margin", pct(Some(m), 0)),
        None => "customer lifetime value".to_string(),
    };
    let (median_value, median_hint) = match (median[0], longest) {
        (Some(d), _) => (
            format!("{} days", count(Some(d))),
            "half the customers churn by then",
        ),
        (None, Some(l)) => (
            format!("&gt; {} days", count(Some(l.floor()))),
            "not reached: most are still customers",
        ),
        (None, None) => (DASH.to_string(), "half the customers churn by then"),
    };
    let attention_value = count(Some(at_risk.len() as f64));
    let attention_hint = format!(
        "accounts, {} MRR at risk",
        money(Some(at_risk.iter().flatten().sum()))
    );
    let cards: [(&str, String, String); 10] = [
        (
            "Customers",
            count(customers[0]),
            "paying, latest month".into(),
        ),
        ("MRR", money(mrr[0]), "monthly recurring revenue".into()),
        ("ARPA", money(arpa[0]), "average revenue per account".into()),
        ("LTV", money(ltv[0]), margin_hint),
        ("Median lifetime", median_value, median_hint.into()),
        (
            "Logo churn",
            pct(logo[0], 1),
            "monthly, mean of the last 3 months".into(),
        ),
        (
            "Revenue churn",
            pct(revenue[0], 1),
            "gross, monthly, last 3 months".into(),
        ),
        (
            "NRR",
            pct(nrr[0], 1),
            "net revenue retention, last month".into(),
        ),
        (
            "GRR",
            pct(grr[0], 1),
            "gross revenue retention, last month".into(),
        ),
        ("Needs attention", attention_value, attention_hint),
    ];
    out.push_str("<div class=\"kpis\">\n");
    for (name, value, hint) in cards {
        w!(
            out,
            "<div class=\"kpi\"><div class=\"label\">{name}</div>\
             <div class=\"value\">{value}</div><div class=\"hint\">{hint}</div></div>\n"
        );
    }
    out.push_str("</div>\n");
    Ok(as_of_day)
}
