use crate::{any_error, check, check_err, ctx, query};
use churnkit_core::scalar::{churn_risk_stage as core_stage, RiskInput, RiskParams};

/// One row per rule and boundary; every account is assessed as of 2024-06-01 00:00 UTC
/// with the default thresholds (onboarding 30 days, renewal window 60, dormant 14).
const ACCOUNTS: &str = "CREATE TABLE accounts AS SELECT case_name, \
    CAST(signed_up_at AS TIMESTAMP) AS signed_up_at, CAST(renewal_at AS TIMESTAMP) AS renewal_at, \
    CAST(last_active_at AS TIMESTAMP) AS last_active_at, CAST(churned_at AS TIMESTAMP) AS churned_at, trend \
    FROM (VALUES \
    ('01 active',              '2024-01-01', '2024-12-01',                  '2024-05-31',                  NULL,                          0.0), \
    ('02 churned at as_of',    '2024-01-01', '2024-12-01',                  '2024-05-31',                  '2024-06-01',                  0.0), \
    ('03 churns later',        '2024-01-01', '2024-12-01',                  '2024-05-31',                  '2024-06-01T00:00:00.000001Z', 0.0), \
    ('04 lapsed',              '2024-01-01', '2024-05-31T23:59:59.999999Z', '2024-05-31',                  NULL,                          0.0), \
    ('05 renewal at as_of',    '2024-01-01', '2024-06-01',                  '2024-05-31',                  NULL,                          0.0), \
    ('06 onboarding',          '2024-05-02T00:00:00.000001Z', '2024-12-01', '2024-05-31',                  NULL,                          0.0), \
    ('07 onboarding ended',    '2024-05-02', '2024-12-01',                  '2024-05-31',                  NULL,                          0.0), \
    ('08 never active',        '2024-01-01', '2024-12-01',                  NULL,                          NULL,                          0.0), \
    ('09 inactive 14 days',    '2024-01-01', '2024-12-01',                  '2024-05-18',                  NULL,                          0.0), \
    ('10 inactive < 14 days',  '2024-01-01', '2024-12-01',                  '2024-05-18T00:00:00.000001Z', NULL,                          0.0), \
    ('11 renewal in 60 days',  '2024-01-01', '2024-07-31',                  '2024-05-31',                  NULL,                          0.0), \
    ('12 renewal in > 60 days','2024-01-01', '2024-07-31T00:00:00.000001Z', '2024-05-31',                  NULL,                          0.0), \
    ('13 declining',           '2024-01-01', '2024-12-01',                  '2024-05-31',                  NULL,                          -0.30), \
    ('14 not declining',       '2024-01-01', '2024-12-01',                  '2024-05-31',                  NULL,                          -0.29), \
    ('15 nulls skip rules',    '2024-01-01', NULL,                          '2024-05-31',                  NULL,                          NULL), \
    ('16 no signup',           NULL,         '2024-12-01',                  '2024-05-31',                  NULL,                          0.0) \
    ) AS v(case_name, signed_up_at, renewal_at, last_active_at, churned_at, trend)";

#[tokio::test]
async fn every_rule_and_boundary_from_a_table() {
    let ctx = ctx();
    query(&ctx, ACCOUNTS).await;
    check!(
        &ctx,
        "SELECT case_name, \
         churn_risk_stage('2024-06-01', signed_up_at, renewal_at, last_active_at, churned_at, trend) AS stage, \
         churn_risk_stage('2024-06-01', signed_up_at, renewal_at, last_active_at, churned_at) AS no_trend, \
         churn_risk_stage('2024-06-01', signed_up_at, renewal_at, last_active_at, churned_at, trend, 0, 0, 0) AS zero_days \
         FROM accounts ORDER BY case_name",
        [
            "+-------------------------+-------------+-------------+-----------+",
            "| case_name               | stage       | no_trend    | zero_days |",
            "+-------------------------+-------------+-------------+-----------+",
            "| 01 active               | active      | active      | dormant   |",
            "| 02 churned at as_of     | churned     | churned     | churned   |",
            "| 03 churns later         | active      | active      | dormant   |",
            "| 04 lapsed               | lapsed      | lapsed      | lapsed    |",
            "| 05 renewal at as_of     | renewal_due | renewal_due | dormant   |",
            "| 06 onboarding           | onboarding  | onboarding  | dormant   |",
            "| 07 onboarding ended     | active      | active      | dormant   |",
            "| 08 never active         | dormant     | dormant     | dormant   |",
            "| 09 inactive 14 days     | dormant     | dormant     | dormant   |",
            "| 10 inactive < 14 days   | active      | active      | dormant   |",
            "| 11 renewal in 60 days   | renewal_due | renewal_due | dormant   |",
            "| 12 renewal in > 60 days | active      | active      | dormant   |",
            "| 13 declining            | declining   | active      | dormant   |",
            "| 14 not declining        | active      | active      | dormant   |",
            "| 15 nulls skip rules     | active      | active      | dormant   |",
            "| 16 no signup            |             |             |           |",
            "+-------------------------+-------------+-------------+-----------+",
        ]
    );
}

#[tokio::test]
async fn positional_defaults_for_every_arity() {
    // as_of 2024-06-01; signed up 2024-05-10 (22 days); last active 2024-05-25 (7 days); renewal 2024-07-15 (44 days)
    check!(
        "SELECT \
         churn_risk_stage('2024-06-01', '2024-05-10', '2024-07-15', '2024-05-25', NULL) AS a5, \
         churn_risk_stage('2024-06-01', '2024-05-10', '2024-07-15', '2024-05-25', NULL, -0.5) AS a6, \
         churn_risk_stage('2024-06-01', '2024-05-10', '2024-07-15', '2024-05-25', NULL, -0.5, 20) AS a7, \
         churn_risk_stage('2024-06-01', '2024-05-10', '2024-07-15', '2024-05-25', NULL, -0.5, 20, 30) AS a8, \
         churn_risk_stage('2024-06-01', '2024-05-10', '2024-07-15', '2024-05-25', NULL, -0.5, 20, 30, 7) AS a9",
        [
            "+------------+------------+-------------+-----------+---------+",
            "| a5         | a6         | a7          | a8        | a9      |",
            "+------------+------------+-------------+-----------+---------+",
            "| onboarding | onboarding | renewal_due | declining | dormant |",
            "+------------+------------+-------------+-----------+---------+",
        ]
    );
    let ctx = ctx();
    for sql in [
        "SELECT churn_risk_stage('2024-06-01', '2024-05-10', NULL, NULL)",
        "SELECT churn_risk_stage('2024-06-01', '2024-05-10', NULL, NULL, NULL, 0, 1, 2, 3, 4)",
    ] {
        let e = any_error(&ctx, sql).await;
        assert!(
            e.contains("churn_risk_stage expects 5 to 9 arguments"),
            "{e}"
        );
    }
    let e = any_error(
        &ctx,
        "SELECT churn_risk_stage('2024-06-01', '2024-05-10', NULL, NULL, NULL, 0, 30.5)",
    )
    .await;
    assert!(
        e.contains("churn_risk_stage: argument onboarding_days must be an integer, got Float64"),
        "{e}"
    );
    let e = any_error(
        &ctx,
        "SELECT churn_risk_stage(1, '2024-05-10', NULL, NULL, NULL)",
    )
    .await;
    assert!(e.contains("churn_risk_stage: argument as_of must be a timestamp, a date or a timestamp string, got Int64"), "{e}");
}

#[tokio::test]
async fn null_handling_is_not_strict() {
    check!(
        "SELECT churn_risk_stage(NULL, '2024-01-01', NULL, NULL, NULL) AS null_as_of, \
         churn_risk_stage('2024-06-01', NULL, NULL, NULL, NULL) AS null_signup, \
         churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL) AS never_active, \
         churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, NULL) AS null_trend, \
         churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, NULL, NULL) AS null_days, \
         churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, NULL, 30, 60, NULL) AS null_dormant, \
         churn_risk_stage('2024-06-01', NULL, NULL, NULL, NULL, NULL, -1) AS null_before_invalid",
        [
            "+------------+-------------+--------------+------------+-----------+--------------+---------------------+",
            "| null_as_of | null_signup | never_active | null_trend | null_days | null_dormant | null_before_invalid |",
            "+------------+-------------+--------------+------------+-----------+--------------+---------------------+",
            "|            |             | dormant      | active     |           |              |                     |",
            "+------------+-------------+--------------+------------+-----------+--------------+---------------------+",
        ]
    );
}

#[tokio::test]
async fn every_error_case() {
    let ctx = ctx();
    let params = |o: i64, r: i64, d: i64| RiskParams::new(o, r, d).unwrap_err().to_string();
    let nan_trend = RiskInput {
        as_of: 0,
        signed_up_at: 0,
        renewal_at: None,
        last_active_at: None,
        churned_at: None,
        activity_trend: Some(f64::NAN),
    };
    let cases = [
        ("SELECT churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL, NULL, -1)", params(-1, 60, 14)),
        ("SELECT churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL, NULL, 30, -2)", params(30, -2, 14)),
        ("SELECT churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL, NULL, 30, 60, -3)", params(30, 60, -3)),
        (
            "SELECT churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL, CAST('NaN' AS DOUBLE))",
            core_stage(&nan_trend, &RiskParams::default()).unwrap_err().to_string(),
        ),
    ];
    for (sql, expected) in cases {
        assert!(
            expected.starts_with("churn_risk_stage: invalid "),
            "{expected}"
        );
        check_err!(&ctx, sql, expected);
    }
    query(
        &ctx,
        "CREATE TABLE d AS SELECT * FROM (VALUES (1, 14), (2, -14)) AS v(id, days)",
    )
    .await;
    check_err!(
        &ctx,
        "SELECT churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL, NULL, 30, 60, days) FROM d",
        params(30, 60, -14)
    );
}
