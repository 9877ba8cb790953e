//! The accounts needing attention.

use super::*;

pub(super) fn attention_section(out: &mut String, view: &View) -> Result<()> {
    let rank = view.numbers("rank")?;
    let account_id = view.texts("account_id")?;
    let name = view.texts("name")?;
    let plan = view.texts("plan")?;
    let mrr = view.numbers("mrr_at_risk")?;
    let score = view.numbers("health_score")?;
    let tier = view.texts("health_tier")?;
    let stage = view.texts("risk_stage")?;
    let reason = view.texts("reason")?;
    section_start(
        out,
        "attention",
        "Accounts needing attention",
        "Customers to act on now, ranked by the MRR at risk, with the reasons they are listed.",
    );
    let n = rank.len();
    if n == 0 {
        no_data(
            out,
            "no account needs attention (accounts_needing_attention is empty).",
        );
        out.push_str("</section>\n");
        return Ok(());
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| match (rank[a], rank[b]) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(&b),
    });
    let total_mrr: f64 = mrr.iter().flatten().sum();
    w!(
        out,
        "<p class=\"summary\"><strong>{}</strong> account{} need{} attention, with \
         <strong>{}</strong> MRR at risk.</p>\n",
        count(Some(n as f64)),
        if n == 1 { "" } else { "s" },
        if n == 1 { "s" } else { "" },
        money(Some(total_mrr))
    );
    out.push_str(
        "<div class=\"table-wrap\"><table class=\"attention\">\n<thead><tr><th class=\"num\">#</th>\
         <th>Account</th><th>Plan</th><th class=\"num\">MRR at risk</th><th class=\"num\">Health</th>\
         <th>Tier</th><th>Stage</th><th>Reason</th></tr></thead>\n<tbody>\n",
    );
    for &i in order.iter().take(MAX_ATTENTION) {
        let tier_pill = match &tier[i] {
            Some(t) => format!(
                "<span class=\"pill tier-{}\">{}</span>",
                escape(&t.replace(' ', "-")),
                escape(&label(t))
            ),
            None => DASH.to_string(),
        };
        w!(
            out,
            "<tr><td class=\"num\">{}</td><td><span class=\"acct\">{}</span> <span class=\"id\">#{}</span></td>\
             <td>{}</td><td class=\"num strong\">{}</td><td class=\"num\">{}</td><td>{tier_pill}</td>\
             <td class=\"stage\">{}</td><td class=\"reason\">{}</td></tr>\n",
            count(rank[i]),
            text_or_dash(&name[i]),
            text_or_dash(&account_id[i]),
            text_or_dash(&plan[i]),
            money(mrr[i]),
            score[i].map_or_else(|| DASH.to_string(), |s| format!("{s:.0}")),
            stage[i].as_deref().map_or_else(|| DASH.to_string(), |s| escape(&label(s))),
            text_or_dash(&reason[i])
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
    if n > MAX_ATTENTION {
        let rest: f64 = order[MAX_ATTENTION..].iter().filter_map(|&i| mrr[i]).sum();
        w!(
            out,
            "<p class=\"note\">Showing the top {MAX_ATTENTION}; {} more account{} ({} MRR at risk) \
             are in the accounts_needing_attention view.</p>\n",
            count(Some((n - MAX_ATTENTION) as f64)),
            if n - MAX_ATTENTION == 1 { "" } else { "s" },
            money(Some(rest))
        );
    }
    out.push_str("</section>\n");
    Ok(())
}
