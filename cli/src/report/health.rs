//! The health-tier distribution, overall and by plan.

use super::*;

#[derive(Default)]
pub(super) struct Group {
    pub(super) accounts: f64,
    pub(super) mrr: f64,
    pub(super) score_sum: f64,
    pub(super) scored: f64,
}

/// Known names first in this order, then the others alphabetically.
pub(super) fn ordered<'g>(
    groups: &'g BTreeMap<String, Group>,
    known: &[&str],
) -> Vec<(&'g str, &'g Group)> {
    let rank = |name: &str| known.iter().position(|k| *k == name).unwrap_or(known.len());
    let mut list: Vec<_> = groups.iter().map(|(k, g)| (k.as_str(), g)).collect();
    list.sort_by(|a, b| rank(a.0).cmp(&rank(b.0)).then(a.0.cmp(b.0)));
    list
}

pub(super) fn bar(out: &mut String, class: &str, fraction: Option<f64>) {
    let width = fraction.unwrap_or(0.0).clamp(0.0, 1.0) * 100.0;
    w!(
        out,
        "<td class=\"barcell\"><div class=\"bar\"><span class=\"fill {class}\" style=\"width:{width:.1}%\"></span></div></td>"
    );
}

pub(super) fn group_table(
    out: &mut String,
    heading: &str,
    rows: &[(&str, &Group)],
    kind: &str,
    with_score: bool,
) {
    let accounts: f64 = rows.iter().map(|(_, g)| g.accounts).sum();
    let mrr: f64 = rows.iter().map(|(_, g)| g.mrr).sum();
    w!(
        out,
        "<table class=\"groups\">\n<thead><tr><th class=\"name\">{heading}</th>\
         <th colspan=\"3\">Accounts</th><th colspan=\"3\">MRR</th>{}</tr></thead>\n<tbody>\n",
        if with_score {
            "<th class=\"num\">Avg score</th>"
        } else {
            ""
        }
    );
    for (name, g) in rows {
        let class = escape(&name.replace(' ', "-"));
        w!(
            out,
            "<tr data-{kind}=\"{}\" data-accounts=\"{}\"><td><span class=\"pill {kind}-{class}\">{}</span></td>",
            escape(name),
            g.accounts,
            escape(&label(name))
        );
        bar(out, &format!("{kind}-{class}"), share(g.accounts, accounts));
        w!(
            out,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
            count(Some(g.accounts)),
            pct(share(g.accounts, accounts), 1)
        );
        bar(out, &format!("{kind}-{class}"), share(g.mrr, mrr));
        w!(
            out,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
            money(Some(g.mrr)),
            pct(share(g.mrr, mrr), 1)
        );
        if with_score {
            let mean = (g.scored > 0.0).then(|| g.score_sum / g.scored);
            w!(
                out,
                "<td class=\"num\">{}</td>",
                mean.map_or_else(|| DASH.to_string(), |m| format!("{m:.0}"))
            );
        }
        out.push_str("</tr>\n");
    }
    w!(
        out,
        "</tbody>\n<tfoot><tr><th>Total</th><td></td><td class=\"num\">{}</td><td></td><td></td>\
         <td class=\"num\">{}</td><td></td>{}</tr></tfoot>\n</table>\n",
        count(Some(accounts)),
        money(Some(mrr)),
        if with_score { "<td></td>" } else { "" }
    );
}

pub(super) fn health_section(out: &mut String, view: &View) -> Result<()> {
    let tier = view.texts("health_tier")?;
    let stage = view.texts("risk_stage")?;
    let mrr = view.numbers("mrr")?;
    let score = view.numbers("health_score")?;
    section_start(
        out,
        "health",
        "Account health",
        "Current customers by health tier (score 0\u{2013}100 from engagement, seat \
         utilisation and support: good \u{2265} 70, poor &lt; 40) and by lifecycle risk stage.",
    );
    let mut tiers: BTreeMap<String, Group> = BTreeMap::new();
    let mut stages: BTreeMap<String, Group> = BTreeMap::new();
    let mut churned = 0usize;
    for i in 0..tier.len() {
        if stage[i].as_deref() == Some("churned") {
            churned += 1;
            continue;
        }
        let add = |g: &mut Group| {
            g.accounts += 1.0;
            g.mrr += mrr[i].unwrap_or(0.0);
            if let Some(s) = score[i] {
                g.score_sum += s;
                g.scored += 1.0;
            }
        };
        add(tiers
            .entry(tier[i].clone().unwrap_or_else(|| "unscored".into()))
            .or_default());
        add(stages
            .entry(stage[i].clone().unwrap_or_else(|| "unknown".into()))
            .or_default());
    }
    if tiers.is_empty() {
        no_data(
            out,
            if churned > 0 {
                "every account of account_health has churned."
            } else {
                "account_health is empty."
            },
        );
        out.push_str("</section>\n");
        return Ok(());
    }
    out.push_str("<div class=\"keep\">\n<h3>Health tier</h3>\n");
    group_table(
        out,
        "Tier",
        &ordered(&tiers, &["good", "average", "poor"]),
        "tier",
        true,
    );
    out.push_str("</div>\n<div class=\"keep\">\n<h3>Risk stage</h3>\n");
    let known = [
        "active",
        "onboarding",
        "renewal_due",
        "declining",
        "dormant",
        "lapsed",
    ];
    group_table(out, "Stage", &ordered(&stages, &known), "stage", false);
    out.push_str("</div>\n");
    if churned > 0 {
        w!(
            out,
            "<p class=\"note\">{} churned account{} left out.</p>\n",
            count(Some(churned as f64)),
            if churned == 1 { " is" } else { "s are" }
        );
    }
    out.push_str("</section>\n");
    Ok(())
}
