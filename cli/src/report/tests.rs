//! Tests of the report: every section from small views, escaping, bounds.

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, Date32Array, Float64Array, Int32Array, Int64Array, StringArray, StringViewArray,
    TimestampMicrosecondArray,
};

use super::*;

const DAY_US: i64 = 86_400_000_000;
// days since 1970-01-01
const JAN_2024: i32 = 19_723;
const FEB_2024: i32 = 19_754;
const MAR_2024: i32 = 19_783;

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).unwrap()
}

fn ints(v: &[i64]) -> ArrayRef {
    Arc::new(Int64Array::from(v.to_vec()))
}

fn floats(v: &[Option<f64>]) -> ArrayRef {
    Arc::new(Float64Array::from(v.to_vec()))
}

fn texts(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringArray::from(v.to_vec()))
}

fn views_text(v: &[Option<&str>]) -> ArrayRef {
    Arc::new(StringViewArray::from(v.to_vec()))
}

fn timestamps(days: &[i32]) -> ArrayRef {
    let us: Vec<i64> = days.iter().map(|d| i64::from(*d) * DAY_US).collect();
    Arc::new(TimestampMicrosecondArray::from(us).with_timezone("UTC"))
}

fn saas() -> RecordBatch {
    batch(vec![
        ("as_of", timestamps(&[19_905])), // 2024-07-01
        ("customers", ints(&[1234])),
        ("mrr", floats(&[Some(1_234_567.5)])),
        ("arpa", floats(&[Some(1000.46)])),
        ("logo_churn_rate_monthly", floats(&[Some(0.0526)])),
        ("revenue_churn_rate_monthly", floats(&[Some(0.031)])),
        ("gross_margin", floats(&[Some(0.8)])),
        ("ltv", floats(&[None])),
        ("median_lifetime_days", floats(&[Some(412.0)])),
        ("nrr_last_month", floats(&[Some(1.0234)])),
        ("grr_last_month", floats(&[Some(0.9712)])),
    ])
}

fn cohorts() -> RecordBatch {
    batch(vec![
        (
            "cohort",
            timestamps(&[JAN_2024, JAN_2024, JAN_2024, FEB_2024, FEB_2024]),
        ),
        (
            "period",
            Arc::new(Int32Array::from(vec![0, 1, 2, 0, 1])) as ArrayRef,
        ),
        ("cohort_size", ints(&[10, 10, 10, 4, 4])),
        ("retained", ints(&[10, 5, 3, 4, 1])),
        (
            "retention_rate",
            floats(&[Some(1.0), Some(0.5), Some(0.3), Some(1.0), Some(0.25)]),
        ),
    ])
}

fn health() -> RecordBatch {
    batch(vec![
        ("account_id", ints(&[1, 2, 3, 4, 5, 6])),
        (
            "name",
            views_text(&[
                Some("a"),
                Some("b"),
                Some("c"),
                Some("d"),
                Some("e"),
                Some("f"),
            ]),
        ),
        ("plan", views_text(&[Some("pro"); 6])),
        (
            "mrr",
            floats(&[
                Some(100.0),
                Some(200.0),
                Some(50.0),
                Some(25.0),
                None,
                Some(0.0),
            ]),
        ),
        (
            "health_score",
            floats(&[
                Some(80.0),
                Some(90.0),
                Some(50.0),
                Some(20.0),
                Some(30.0),
                Some(10.0),
            ]),
        ),
        (
            "health_tier",
            views_text(&[
                Some("good"),
                Some("good"),
                Some("average"),
                Some("poor"),
                Some("poor"),
                Some("poor"),
            ]),
        ),
        (
            "risk_stage",
            views_text(&[
                Some("active"),
                Some("renewal_due"),
                Some("active"),
                Some("dormant"),
                Some("lapsed"),
                Some("churned"),
            ]),
        ),
    ])
}

fn movements() -> RecordBatch {
    let m = |v: [f64; 3]| floats(&v.map(Some));
    batch(vec![
        // out of order on purpose: the report sorts by month
        (
            "month",
            Arc::new(Date32Array::from(vec![FEB_2024, JAN_2024, MAR_2024])) as ArrayRef,
        ),
        ("starting_mrr", m([1000.0, 0.0, 1150.0])),
        ("new_mrr", m([200.0, 1000.0, 100.0])),
        ("expansion_mrr", m([50.0, 0.0, 0.0])),
        ("contraction_mrr", m([-30.0, 0.0, -10.0])),
        ("churned_mrr", m([-70.0, 0.0, -40.0])),
        ("reactivation_mrr", m([0.0, 0.0, 5.0])),
        ("net_new_mrr", m([150.0, 1000.0, 55.0])),
        ("ending_mrr", m([1150.0, 1000.0, 1205.0])),
        ("customers_end", ints(&[11, 10, 12])),
        ("logo_churn_rate", floats(&[Some(0.1), None, Some(0.0909)])),
        (
            "revenue_churn_rate",
            floats(&[Some(0.1), None, Some(0.0435)]),
        ),
        ("nrr", floats(&[Some(0.95), None, Some(0.9565)])),
        ("grr", floats(&[Some(0.9), None, Some(0.9565)])),
    ])
}

fn lifetime() -> RecordBatch {
    batch(vec![
        (
            "plan",
            views_text(&[
                Some("all"),
                Some("all"),
                Some("all"),
                Some("pro"),
                Some("pro"),
            ]),
        ),
        (
            "days",
            floats(&[
                Some(30.0),
                Some(120.5),
                Some(400.0),
                Some(30.0),
                Some(400.0),
            ]),
        ),
        ("at_risk", ints(&[10, 8, 4, 5, 2])),
        ("churned", ints(&[1, 3, 0, 1, 1])),
        (
            "survival",
            floats(&[Some(0.9), Some(0.5625), Some(0.45), Some(0.8), Some(0.4)]),
        ),
    ])
}

const EVIL: &str = "<script>alert(1)</script> & \"quote\"";

fn attention() -> RecordBatch {
    batch(vec![
        ("rank", ints(&[2, 1])),
        ("account_id", ints(&[7, 9])),
        ("name", texts(&[Some(EVIL), Some("Acme 'Corp'")])),
        ("plan", texts(&[Some("pro"), None])),
        ("mrr_at_risk", floats(&[Some(499.0), Some(12_500.0)])),
        ("health_score", floats(&[Some(35.4), None])),
        ("health_tier", texts(&[Some("poor"), Some("average")])),
        ("risk_stage", texts(&[Some("renewal_due"), Some("lapsed")])),
        (
            "reason",
            texts(&[
                Some("renewal in 12 days; <b>poor</b> health"),
                Some("renewal date passed 3 days ago"),
            ]),
        ),
    ])
}

fn all_views() -> BTreeMap<String, Vec<RecordBatch>> {
    BTreeMap::from([
        ("saas_metrics".to_string(), vec![saas()]),
        ("cohort_retention".to_string(), vec![cohorts()]),
        ("account_health".to_string(), vec![health()]),
        ("mrr_movements".to_string(), vec![movements()]),
        ("customer_lifetime".to_string(), vec![lifetime()]),
        ("accounts_needing_attention".to_string(), vec![attention()]),
    ])
}

fn page() -> String {
    render("2024-07-01 00:00:00 UTC", &all_views()).unwrap()
}

fn assert_self_contained(html: &str) {
    for banned in ["http://", "https://", "src=", "<link", "<script", "url("] {
        assert!(!html.contains(banned), "the page contains {banned:?}");
    }
}

#[test]
fn the_page_has_every_section_and_the_headline_metrics() {
    let html = page();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("as of <strong>2024-07-01 00:00:00 UTC</strong>"));
    for heading in [
        "Cohort retention",
        "Account health",
        "MRR movements",
        "Customer lifetime",
        "Accounts needing attention",
    ] {
        assert!(html.contains(&format!("<h2>{heading}</h2>")), "{heading}");
    }
    for kpi in [
        "<div class=\"value\">1,234</div>",     // customers
        "<div class=\"value\">1,234,568</div>", // MRR
        "<div class=\"value\">1,000</div>",     // ARPA
        "<div class=\"value\">5.3%</div>",      // logo churn
        "<div class=\"value\">3.1%</div>",      // revenue churn
        "<div class=\"value\">102.3%</div>",    // NRR
        "<div class=\"value\">97.1%</div>",     // GRR
        "<div class=\"value\">\u{2014}</div>",  // LTV is NULL
        "<div class=\"value\">412 days</div>",  // median lifetime
        "at 80% margin",
        "<div class=\"value\">2</div><div class=\"hint\">accounts, 12,999 MRR at risk</div>",
    ] {
        assert!(html.contains(kpi), "{kpi}");
    }
    assert_eq!(html.matches("class=\"nodata\"").count(), 0);
    assert_self_contained(&html);
}

#[test]
fn the_heatmap_has_one_cell_per_cohort_and_period() {
    let html = page();
    assert_eq!(html.matches("<td class=\"hm\"").count(), 5);
    // Jan: 0..2, Feb: 0..1 -> one empty cell for Feb period 2
    assert_eq!(html.matches("<td class=\"hm-empty\"></td>").count(), 1);
    for row in [
        "<th class=\"cohort\">2024-01</th>",
        "<th class=\"cohort\">2024-02</th>",
    ] {
        assert!(html.contains(row), "{row}");
    }
    let cells: Vec<&str> = html
        .split("<td class=\"hm\"")
        .skip(1)
        .map(|c| {
            let text = &c[c.find('>').unwrap() + 1..];
            &text[..text.find("</td>").unwrap()]
        })
        .collect();
    assert_eq!(cells, ["100%", "50%", "30%", "100%", "25%"]);
    assert!(html.contains("2024-01 +1 month: 5 of 10 accounts (50.0%)"));
    // the weighted row: period 1 = (5 + 1) / (10 + 4)
    assert!(html.contains("title=\"all cohorts: 42.9%\">43%</td>"));
    assert!(!html.contains("Showing the latest"));
}

#[test]
fn the_heatmap_shows_the_latest_cohorts_only() {
    let n = MAX_COHORTS + 5;
    let days: Vec<i32> = (0..i32::try_from(n).unwrap_or(i32::MAX))
        .map(|i| JAN_2024 - 31 * i)
        .collect();
    let b = batch(vec![
        ("cohort", Arc::new(Date32Array::from(days)) as ArrayRef),
        ("period", ints(&vec![0; n])),
        ("cohort_size", ints(&vec![3; n])),
        ("retained", ints(&vec![3; n])),
        ("retention_rate", floats(&vec![Some(1.0); n])),
    ]);
    let mut views = all_views();
    views.insert("cohort_retention".into(), vec![b]);
    let html = render("x", &views).unwrap();
    assert_eq!(html.matches("<td class=\"hm\"").count(), MAX_COHORTS);
    assert!(html.contains(&format!("Showing the latest {MAX_COHORTS} of {n} cohorts.")));
    assert!(html.contains("<th class=\"cohort\">2024-01</th>"));
}

#[test]
fn long_cohorts_get_a_dense_heatmap() {
    let n = WIDE_PERIODS + 2;
    let b = batch(vec![
        ("cohort", timestamps(&vec![JAN_2024; n])),
        (
            "period",
            ints(&(0..i64::try_from(n).unwrap_or(i64::MAX)).collect::<Vec<_>>()),
        ),
        ("cohort_size", ints(&vec![8; n])),
        ("retained", ints(&vec![2; n])),
        ("retention_rate", floats(&vec![Some(0.25); n])),
    ]);
    let mut views = all_views();
    views.insert("cohort_retention".into(), vec![b]);
    let html = render("x", &views).unwrap();
    assert!(html.contains("<table class=\"heatmap dense\">"));
    assert_eq!(html.matches("(25.0%)\">25</td>").count(), n);
    assert!(html.contains("cells: % of the cohort active that month"));
}

#[test]
fn a_month_in_progress_is_marked() {
    let mut views = all_views();
    assert!(!page().contains("to date"));
    let mut b = saas();
    let i = b.schema().index_of("as_of").unwrap();
    let mut columns = b.columns().to_vec();
    columns[i] = timestamps(&[MAR_2024 + 9]);
    b = RecordBatch::try_new(b.schema(), columns).unwrap();
    views.insert("saas_metrics".into(), vec![b]);
    let html = render("x", &views).unwrap();
    assert_eq!(html.matches("to date").count(), 1);
    assert!(html.contains("<tr><th>2024-03 <span class=\"tag\">to date</span></th>"));
}

#[test]
fn tiers_and_stages_are_counted_without_churned_accounts() {
    let html = page();
    assert!(html.contains("data-tier=\"good\" data-accounts=\"2\""));
    assert!(html.contains("data-tier=\"average\" data-accounts=\"1\""));
    assert!(html.contains("data-tier=\"poor\" data-accounts=\"2\""));
    assert!(html.contains("data-stage=\"active\" data-accounts=\"2\""));
    assert!(!html.contains("data-stage=\"churned\""));
    assert!(html.contains("1 churned account is left out."));
    // good: 300 of 375 MRR (a NULL MRR counts as 0)
    assert!(html.contains("<td class=\"num\">300</td><td class=\"num\">80.0%</td>"));
    // good comes before average before poor
    let good = html.find("data-tier=\"good\"").unwrap();
    let average = html.find("data-tier=\"average\"").unwrap();
    let poor = html.find("data-tier=\"poor\"").unwrap();
    assert!(good < average && average < poor);
}

#[test]
fn mrr_movements_are_listed_by_month() {
    let html = page();
    let (jan, feb, mar) = (
        html.find("<tr><th>2024-01</th>").unwrap(),
        html.find("<tr><th>2024-02</th>").unwrap(),
        html.find("<tr><th>2024-03</th>").unwrap(),
    );
    assert!(mar < feb && feb < jan, "newest first");
    assert!(html.contains("<td class=\"num neg\">-70</td>"));
    assert!(html.contains("<td class=\"num pos\">1,000</td>"));
    assert!(html.contains("<td class=\"num\">95.7%</td>"));
    // one bar per non-zero movement, one net marker per month
    assert_eq!(html.matches("<rect class=\"mv-").count(), 1 + 4 + 4);
    assert_eq!(html.matches("<circle class=\"net\"").count(), 3);
}

#[test]
fn the_survival_curve_has_one_line_per_plan_and_the_median() {
    let html = page();
    assert_eq!(html.matches("<path class=\"km").count(), 2);
    assert!(html.contains("median 400 days"));
    assert!(html.contains("<td class=\"num\">400 days</td>"));
    // after 90 days: all 90%, pro 80%; after 730 days: not observed
    assert!(html.contains("<td class=\"num\">90.0%</td>"));
    assert!(html.contains("<td class=\"num\">80.0%</td>"));
}

#[test]
fn attention_is_in_rank_order_and_escaped() {
    let html = page();
    let first = html.find("Acme &#39;Corp&#39;").unwrap();
    let second = html
        .find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quote&quot;")
        .unwrap();
    assert!(first < second);
    assert!(!html.contains("<script>"));
    assert!(!html.contains("<b>poor</b>"));
    assert!(html.contains("renewal in 12 days; &lt;b&gt;poor&lt;/b&gt; health"));
    assert!(html.contains("<strong>2</strong> accounts need attention"));
    assert!(html.contains("<strong>12,999</strong> MRR at risk"));
    assert!(html.contains("<td class=\"num strong\">12,500</td><td class=\"num\">\u{2014}</td>"));
    assert!(!html.contains("more account"));
    assert_self_contained(&html);
}

#[test]
fn long_attention_lists_are_cut() {
    let n = MAX_ATTENTION + 3;
    let ranks: Vec<i64> = (1..=i64::try_from(n).unwrap_or(i64::MAX)).collect();
    let names: Vec<Option<&str>> = vec![Some("x"); n];
    let b = batch(vec![
        ("rank", ints(&ranks)),
        ("account_id", ints(&ranks)),
        ("name", texts(&names)),
        ("plan", texts(&names)),
        ("mrr_at_risk", floats(&vec![Some(10.0); n])),
        ("health_score", floats(&vec![Some(10.0); n])),
        ("health_tier", texts(&names)),
        ("risk_stage", texts(&names)),
        ("reason", texts(&names)),
    ]);
    let mut views = all_views();
    views.insert("accounts_needing_attention".into(), vec![b]);
    let html = render("x", &views).unwrap();
    assert_eq!(html.matches("<span class=\"acct\">").count(), MAX_ATTENTION);
    assert!(html.contains("Showing the top 50; 3 more accounts (30 MRR at risk)"));
}

#[test]
fn empty_views_render_no_data_notes() {
    // with batches of no rows, and without any batch at all
    let mut empty = BTreeMap::new();
    for (name, b) in all_views() {
        empty.insert(name, vec![RecordBatch::new_empty(b[0].schema())]);
    }
    let mut none = BTreeMap::new();
    for name in VIEWS {
        none.insert(name.to_string(), Vec::new());
    }
    for views in [empty, none] {
        let html = render("2024-07-01", &views).unwrap();
        assert_eq!(html.matches("<p class=\"nodata\">No data").count(), 6);
        assert!(html.contains("mrr_movements is empty (no MRR history was given)"));
        assert!(html.contains("no account needs attention"));
        assert!(html.contains("<h2>Customer lifetime</h2>"));
        assert_self_contained(&html);
    }
}

#[test]
fn only_the_mrr_history_missing() {
    let mut views = all_views();
    let schema = views["mrr_movements"][0].schema();
    views.insert("mrr_movements".into(), vec![RecordBatch::new_empty(schema)]);
    let html = render("x", &views).unwrap();
    assert_eq!(html.matches("class=\"nodata\"").count(), 1);
    assert!(html.contains("No data: mrr_movements is empty"));
    assert!(!html.contains("<svg class=\"chart\" viewBox=\"0 0 1100 300\""));
}

#[test]
fn nulls_render_as_dashes() {
    let mut views = all_views();
    let b = batch(vec![
        ("rank", ints(&[1])),
        ("account_id", ints(&[1])),
        ("name", texts(&[None])),
        ("plan", texts(&[None])),
        ("mrr_at_risk", floats(&[None])),
        ("health_score", floats(&[Some(f64::NAN)])),
        ("health_tier", texts(&[None])),
        ("risk_stage", texts(&[None])),
        ("reason", texts(&[None])),
    ]);
    views.insert("accounts_needing_attention".into(), vec![b]);
    let html = render("x", &views).unwrap();
    let row = &html[html.find("<span class=\"acct\">").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert_eq!(row.matches('\u{2014}').count(), 7, "{row}");
}

#[test]
fn a_missing_column_is_a_clear_error() {
    let mut views = all_views();
    let b = views["mrr_movements"][0].clone();
    let i = b.schema().index_of("net_new_mrr").unwrap();
    let mut b = b;
    b.remove_column(i);
    views.insert("mrr_movements".into(), vec![b]);
    let err = render("x", &views).unwrap_err().to_string();
    assert_eq!(
        err,
        "report: view mrr_movements has no column \"net_new_mrr\""
    );

    // also when the view has no rows
    let mut views = all_views();
    let b = views["account_health"][0]
        .project(&[0, 1, 2, 3, 4, 6])
        .unwrap();
    views.insert("account_health".into(), vec![b.slice(0, 0)]);
    let err = render("x", &views).unwrap_err().to_string();
    assert_eq!(
        err,
        "report: view account_health has no column \"health_tier\""
    );
}

#[test]
fn a_missing_view_or_a_wrong_type_is_an_error() {
    let mut views = all_views();
    views.remove("customer_lifetime");
    let err = render("x", &views).unwrap_err().to_string();
    assert_eq!(err, "report: view customer_lifetime was not given");

    let mut views = all_views();
    let mut columns: Vec<(&str, ArrayRef)> = Vec::new();
    let b = lifetime();
    let schema = b.schema();
    for (f, c) in schema.fields().iter().zip(b.columns()) {
        let c = if f.name() == "survival" {
            texts(&[Some("high"); 5])
        } else {
            c.clone()
        };
        columns.push((f.name().as_str(), c));
    }
    views.insert("customer_lifetime".into(), vec![batch(columns)]);
    let err = render("x", &views).unwrap_err().to_string();
    assert_eq!(
        err,
        "report: column \"survival\" of view customer_lifetime is Utf8, not a number"
    );
}

#[test]
fn the_as_of_text_is_escaped_too() {
    let html = render("<b>now</b>", &all_views()).unwrap();
    assert!(html.contains("&lt;b&gt;now&lt;/b&gt;"));
    assert!(!html.contains("<b>now</b>"));
}

#[test]
fn formatting() {
    assert_eq!(
        escape("<a href='x'>\"&\"</a>"),
        "&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;"
    );
    assert_eq!(money(Some(1_234_567.891)), "1,234,568");
    assert_eq!(money(Some(999.5)), "999.50");
    assert_eq!(money(Some(250.0)), "250");
    assert_eq!(money(Some(-1234.4)), "-1,234");
    assert_eq!(money(Some(-0.001)), "0.00");
    assert_eq!(money(None), "\u{2014}");
    assert_eq!(count(Some(1_000_000.0)), "1,000,000");
    assert_eq!(count(Some(12.0)), "12");
    assert_eq!(pct(Some(0.0526), 1), "5.3%");
    assert_eq!(pct(Some(1.0), 0), "100%");
    assert_eq!(pct(Some(12.5), 0), "1,250%");
    assert_eq!(compact(1_260_000.0), "1.3M");
    assert_eq!(compact(-2000.0), "-2k");
    assert_eq!(compact(0.0), "0");
    assert_eq!(label("renewal_due"), "Renewal due");
    assert_eq!(year_month(JAN_2024), "2024-01");
    assert_eq!(month_name(FEB_2024), "Feb 2024");
    assert_eq!(civil(0), (1970, 1, 1));
    assert_eq!(civil(-1), (1969, 12, 31));
    assert_eq!(next_month_start(JAN_2024 + 10), i64::from(FEB_2024));
    assert_eq!(next_month_start(19_692), i64::from(JAN_2024)); // 2023-12-01
    assert_eq!(ticks(0.0, 95.0, 4), [0.0, 25.0, 50.0, 75.0, 100.0]);
    assert_eq!(
        ticks(-30.0, 100.0, 6),
        [-50.0, -25.0, 0.0, 25.0, 50.0, 75.0, 100.0]
    );
}
