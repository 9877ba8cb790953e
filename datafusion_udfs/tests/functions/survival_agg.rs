//! `survival_agg` and its accessors `survival_at`, `median_lifetime`, `survival_curve`.

use churnkit_core::agg::{State, SurvivalSummary};

use crate::engagement_agg::hex;
use crate::{any_error, check, check_err, ctx, query};

pub const CUSTOMERS: &str = "CREATE TABLE lifetimes AS SELECT * FROM (VALUES \
    ('pro', 10.0, true), ('pro', 20.0, false), ('pro', 30.0, true), ('pro', 30.0, false), ('pro', 90.0, NULL), \
    ('pro', NULL, true), \
    ('team', 5.5, true), ('team', 400.0, false), ('team', 365.0, false), \
    ('free', NULL, true)) AS v(plan, tenure, churned)";

#[tokio::test]
async fn accessors_per_plan_with_null_rows() {
    let ctx = ctx();
    query(&ctx, CUSTOMERS).await;
    // pro: the NULL-tenure row is skipped, NULL churned is censored; team never
    // reaches S = 0.5 (median NULL); free: an empty group, NULL summary
    check!(
        &ctx,
        "SELECT plan, survival_at(s, 0) AS s0, survival_at(s, 15) AS s15, survival_at(s, 30) AS s30, survival_at(s, 1000) AS s1000, \
         median_lifetime(s) AS median, s IS NULL AS empty \
         FROM (SELECT plan, survival_agg(tenure, churned) AS s FROM lifetimes GROUP BY plan) ORDER BY plan",
        [
            "+------+-----+--------------------+--------------------+--------------------+--------+-------+",
            "| plan | s0  | s15                | s30                | s1000              | median | empty |",
            "+------+-----+--------------------+--------------------+--------------------+--------+-------+",
            "| free |     |                    |                    |                    |        | true  |",
            "| pro  | 1.0 | 0.8                | 0.5333333333333333 | 0.5333333333333333 |        | false |",
            "| team | 1.0 | 0.6666666666666666 | 0.6666666666666666 | 0.6666666666666666 |        | false |",
            "+------+-----+--------------------+--------------------+--------------------+--------+-------+",
        ]
    );
}

#[tokio::test]
async fn the_result_is_the_core_encoding() {
    let ctx = ctx();
    query(&ctx, CUSTOMERS).await;
    let batches = query(
        &ctx,
        "SELECT survival_agg(tenure, churned) FROM lifetimes WHERE plan = 'team'",
    )
    .await;
    let col = batches[0]
        .column(0)
        .as_any()
        .downcast_ref::<datafusion::arrow::array::BinaryArray>()
        .unwrap();
    let mut expected = SurvivalSummary::new();
    for (t, c) in [
        (5.5, Some(true)),
        (400.0, Some(false)),
        (365.0, Some(false)),
    ] {
        expected.update(t, c).unwrap();
    }
    assert_eq!(col.value(0), expected.encode().as_slice());
}

#[tokio::test]
async fn the_curve_one_row_per_point() {
    let ctx = ctx();
    query(&ctx, CUSTOMERS).await;
    // the documented recipe: unnest the array, then read the struct's fields
    check!(
        &ctx,
        "SELECT plan, p['days'] AS days, p['at_risk'] AS at_risk, p['churned'] AS churned, p['survival'] AS survival \
         FROM (SELECT plan, unnest(survival_curve(survival_agg(tenure, churned))) AS p FROM lifetimes GROUP BY plan) \
         ORDER BY plan, days",
        [
            "+------+-------+---------+---------+--------------------+",
            "| plan | days  | at_risk | churned | survival           |",
            "+------+-------+---------+---------+--------------------+",
            "| pro  | 10.0  | 5       | 1       | 0.8                |",
            "| pro  | 20.0  | 4       | 0       | 0.8                |",
            "| pro  | 30.0  | 3       | 1       | 0.5333333333333333 |",
            "| pro  | 90.0  | 1       | 0       | 0.5333333333333333 |",
            "| team | 5.5   | 3       | 1       | 0.6666666666666666 |",
            "| team | 365.0 | 2       | 0       | 0.6666666666666666 |",
            "| team | 400.0 | 1       | 0       | 0.6666666666666666 |",
            "+------+-------+---------+---------+--------------------+",
        ]
    );
    // unnesting the struct itself gives the same columns in one step
    check!(
        &ctx,
        "SELECT unnest(p) FROM (SELECT unnest(survival_curve(survival_agg(tenure, churned))) AS p FROM lifetimes WHERE plan = 'team')",
        [
            "+--------+-----------+-----------+--------------------+",
            "| p.days | p.at_risk | p.churned | p.survival         |",
            "+--------+-----------+-----------+--------------------+",
            "| 5.5    | 3         | 1         | 0.6666666666666666 |",
            "| 365.0  | 2         | 0         | 0.6666666666666666 |",
            "| 400.0  | 1         | 0         | 0.6666666666666666 |",
            "+--------+-----------+-----------+--------------------+",
        ]
    );
    // the type, and NULL summaries (no points)
    check!(
        &ctx,
        "SELECT arrow_typeof(survival_curve(NULL)) AS t, survival_curve(NULL) IS NULL AS n",
        [
            "+----------------------------------------------------------------------------------------------------------------------------+------+",
            "| t                                                                                                                          | n    |",
            "+----------------------------------------------------------------------------------------------------------------------------+------+",
            "| List(Struct(\"days\": non-null Float64, \"at_risk\": non-null Int64, \"churned\": non-null Int64, \"survival\": non-null Float64)) | true |",
            "+----------------------------------------------------------------------------------------------------------------------------+------+",
        ]
    );
    check!(
        &ctx,
        "SELECT count(*) AS points FROM (SELECT unnest(survival_curve(s)) FROM (SELECT survival_agg(tenure, churned) AS s FROM lifetimes GROUP BY plan))",
        ["+--------+", "| points |", "+--------+", "| 7      |", "+--------+"]
    );
}

#[tokio::test]
async fn nulls() {
    check!(
        "SELECT survival_at(NULL, 1) AS a, survival_at(s, NULL) AS b, median_lifetime(NULL) AS c, e IS NULL AS d \
         FROM (SELECT survival_agg(t, c) AS s, survival_agg(t, c) FILTER (WHERE t > 100) AS e FROM (VALUES (1.0, true)) AS v(t, c))",
        ["+---+---+---+------+", "| a | b | c | d    |", "+---+---+---+------+", "|   |   |   | true |", "+---+---+---+------+"]
    );
}

#[tokio::test]
async fn errors_carry_the_core_message() {
    check_err!(
        "SELECT survival_agg(t, true) FROM (VALUES (1.0), (-1.0)) AS v(t)",
        "survival_agg: invalid tenure_days: -1 is not a non-negative finite number of days"
    );
    check_err!(
        "SELECT survival_agg(t, true) FROM (VALUES ('Infinity'::double)) AS v(t)",
        "survival_agg: invalid tenure_days: inf is not a non-negative finite number of days"
    );
    check_err!(
        "SELECT survival_at(survival_agg(t, true), 'NaN'::double) FROM (VALUES (1.0)) AS v(t)",
        "survival_at: invalid days: NaN is not a number"
    );
    let ctx = ctx();
    let unsorted = {
        // tenures out of order: the core's validation message
        let mut w = churnkit_core::agg::codec::Writer::new();
        w.u64(2);
        for (t, d, c) in [(30.0, 1, 0), (1.0, 1, 0)] {
            w.f64(t);
            w.u64(d);
            w.u64(c);
        }
        w.finish()
    };
    for bytes in [vec![1u8], vec![0u8], unsorted] {
        let expected = SurvivalSummary::decode(&bytes).unwrap_err().to_string();
        assert!(
            expected.starts_with("survival_summary: invalid input: "),
            "{expected}"
        );
        check_err!(
            &ctx,
            &format!("SELECT survival_at({}, 1)", hex(&bytes)),
            expected.clone()
        );
        check_err!(
            &ctx,
            &format!("SELECT median_lifetime({})", hex(&bytes)),
            expected.clone()
        );
        check_err!(
            &ctx,
            &format!("SELECT survival_curve({})", hex(&bytes)),
            expected
        );
    }
    let e = any_error(&ctx, "SELECT survival_agg('x', true)").await;
    assert!(
        e.contains("survival_agg: argument tenure_days must be a number"),
        "{e}"
    );
}
