//! `window_funnel(window, occurred_at, steps [, mode])` (ClickHouse `windowFunnel()`).

use crate::{any_error, check, check_err, ctx, query};

pub const ONBOARDING: &str = "CREATE TABLE onboarding AS SELECT * FROM (VALUES \
    (1, '2024-01-01T10:00:00Z', 'signup'), (1, '2024-01-03T10:00:00Z', 'invite'), (1, '2024-01-20T10:00:00Z', 'first_report'), \
    (2, '2024-01-05T10:00:00Z', 'first_report'), (2, '2024-01-01T10:00:00Z', 'signup'), (2, '2024-01-02T10:00:00Z', 'invite'), \
    (3, '2024-01-02T10:00:00Z', 'invite'), \
    (4, NULL, 'invite'), (4, '2024-01-09T10:00:00Z', 'signup'), (4, '2024-01-09T11:00:00Z', 'page_view'), \
    (5, NULL, 'signup')) AS v(user_id, ts, event)";

const STEPS: &str = "[event = 'signup', event = 'invite', event = 'first_report']";

#[tokio::test]
async fn levels_per_user_with_an_interval_or_seconds() {
    let ctx = ctx();
    query(&ctx, ONBOARDING).await;
    // user 5 has only a NULL-ts row: an empty group, level 0 (as ClickHouse)
    check!(
        &ctx,
        &format!(
            "SELECT user_id, window_funnel(INTERVAL '7 days', ts, {STEPS}) AS week, \
             window_funnel(INTERVAL '30 days', ts, {STEPS}) AS month, \
             window_funnel(INTERVAL '1 day 12 hours', ts, {STEPS}) AS day_and_half, \
             window_funnel(129600, ts, {STEPS}) AS seconds, window_funnel(129599.5, ts, {STEPS}) AS just_under, \
             window_funnel(INTERVAL '0 seconds', ts, {STEPS}) AS zero \
             FROM onboarding GROUP BY user_id ORDER BY user_id"
        ),
        [
            "+---------+------+-------+--------------+---------+------------+------+",
            "| user_id | week | month | day_and_half | seconds | just_under | zero |",
            "+---------+------+-------+--------------+---------+------------+------+",
            "| 1       | 2    | 3     | 1            | 1       | 1          | 1    |",
            "| 2       | 3    | 3     | 2            | 2       | 2          | 1    |",
            "| 3       | 0    | 0     | 0            | 0       | 0          | 0    |",
            "| 4       | 1    | 1     | 1            | 1       | 1          | 1    |",
            "| 5       | 0    | 0     | 0            | 0       | 0          | 0    |",
            "+---------+------+-------+--------------+---------+------------+------+",
        ]
    );
}

#[tokio::test]
async fn modes() {
    let ctx = ctx();
    // A, B, D, C with steps A, B, C: strict_order stops at D; A, B, B, C:
    // strict_deduplication stops at the repeated B; A and B at the same instant:
    // strict_increase refuses B
    query(
        &ctx,
        "CREATE TABLE e AS SELECT * FROM (VALUES \
         (1, 1, 'A'), (1, 2, 'B'), (1, 3, 'D'), (1, 4, 'C'), \
         (2, 1, 'A'), (2, 2, 'B'), (2, 3, 'B'), (2, 4, 'C'), \
         (3, 1, 'A'), (3, 1, 'B'), (3, 5, 'C')) AS v(s, t, ev)",
    )
    .await;
    let f = |mode: &str| {
        format!("window_funnel(100, to_timestamp_seconds(t), [ev = 'A', ev = 'B', ev = 'C']{mode})")
    };
    check!(
        &ctx,
        &format!(
            "SELECT s, {} AS none, {} AS empty_mode, {} AS strict_order, {} AS dedup, {} AS increase, {} AS all_modes FROM e GROUP BY s ORDER BY s",
            f(""),
            f(", ''"),
            f(", 'strict_order'"),
            f(", 'STRICT_DEDUPLICATION'"),
            f(", ' strict_increase '"),
            f(", 'strict_order,strict_deduplication,strict_increase'")
        ),
        [
            "+---+------+------------+--------------+-------+----------+-----------+",
            "| s | none | empty_mode | strict_order | dedup | increase | all_modes |",
            "+---+------+------------+--------------+-------+----------+-----------+",
            "| 1 | 3    | 3          | 2            | 3     | 3        | 2         |",
            "| 2 | 3    | 3          | 3            | 2     | 3        | 2         |",
            "| 3 | 3    | 3          | 3            | 3     | 1        | 1         |",
            "+---+------+------------+--------------+-------+----------+-----------+",
        ]
    );
}

#[tokio::test]
async fn nulls_and_empty_groups() {
    // rows with a NULL ts, steps, window or mode are skipped; NULL step elements are false
    check!(
        "SELECT g, window_funnel(w, ts, s, m) AS level FROM (VALUES \
         (1, 10, '2024-01-01T00:00:00Z', [true, false], ''), (1, 10, '2024-01-01T00:00:05Z', [NULL, true], ''), \
         (2, 10, '2024-01-01T00:00:00Z', [true, false], ''), (2, 10, '2024-01-01T00:00:05Z', CAST(NULL AS BOOLEAN[]), ''), \
         (3, 10, '2024-01-01T00:00:00Z', [true, false], ''), (3, NULL, '2024-01-01T00:00:05Z', [false, true], ''), \
         (4, 10, '2024-01-01T00:00:00Z', [true, false], ''), (4, 10, '2024-01-01T00:00:05Z', [false, true], NULL), \
         (5, 10, NULL, [true, false], '')) AS v(g, w, ts, s, m) GROUP BY g ORDER BY g",
        [
            "+---+-------+",
            "| g | level |",
            "+---+-------+",
            "| 1 | 2     |",
            "| 2 | 1     |",
            "| 3 | 1     |",
            "| 4 | 1     |",
            "| 5 | 0     |",
            "+---+-------+",
        ]
    );
    // no rows at all, and a group emptied by FILTER: 0, never NULL
    check!(
        "SELECT window_funnel(INTERVAL '1 day', ts, [true]) AS no_rows FROM (VALUES (TIMESTAMP '2024-01-01')) AS v(ts) WHERE ts > TIMESTAMP '2025-01-01'",
        ["+---------+", "| no_rows |", "+---------+", "| 0       |", "+---------+"]
    );
    check!(
        "SELECT g, window_funnel(INTERVAL '1 day', ts, [true]) FILTER (WHERE g = 1) AS level FROM (VALUES (1, TIMESTAMP '2024-01-01'), (2, TIMESTAMP '2024-01-01')) AS v(g, ts) GROUP BY g ORDER BY g",
        ["+---+-------+", "| g | level |", "+---+-------+", "| 1 | 1     |", "| 2 | 0     |", "+---+-------+"]
    );
}

#[tokio::test]
async fn errors_carry_the_core_message() {
    let one = "FROM (VALUES (TIMESTAMP '2024-01-01')) AS v(ts)";
    check_err!(
        &format!("SELECT window_funnel(INTERVAL '1 month', ts, [true]) {one}"),
        "window_funnel: invalid window: months are not a fixed length"
    );
    check_err!(
        &format!("SELECT window_funnel(INTERVAL '1 year 2 days', ts, [true]) {one}"),
        "window_funnel: invalid window: months are not a fixed length"
    );
    check_err!(
        &format!("SELECT window_funnel(INTERVAL '-1 day', ts, [true]) {one}"),
        "window_funnel: invalid window: must not be negative"
    );
    check_err!(
        &format!("SELECT window_funnel(-5, ts, [true]) {one}"),
        "window_funnel: invalid window: must not be negative"
    );
    check_err!(
        &format!("SELECT window_funnel('NaN'::double, ts, [true]) {one}"),
        "window_funnel: invalid window: NaN is not a finite number of seconds"
    );
    check_err!(
        &format!("SELECT window_funnel(1e300, ts, [true]) {one}"),
        "window_funnel: invalid window: out of range"
    );
    check_err!(
        &format!("SELECT window_funnel(INTERVAL '200000000 days', ts, [true]) {one}"),
        "window_funnel: invalid window: out of range"
    );
    check_err!(
        &format!("SELECT window_funnel(INTERVAL '1 day', ts, [true], 'x') {one}"),
        "window_funnel: invalid mode: unknown mode 'x' (expected strict_order, strict_deduplication or strict_increase, comma-separated)"
    );
    check_err!(
        "SELECT window_funnel(INTERVAL '1 day', ts, s) FROM (VALUES (TIMESTAMP '2024-01-01')) AS v(ts), (SELECT CAST(make_array() AS BOOLEAN[]) AS s)",
        "window_funnel: invalid steps: has 0 elements (expected 1 to 32)"
    );
    let many = vec!["true"; 33].join(", ");
    check_err!(
        &format!("SELECT window_funnel(INTERVAL '1 day', ts, [{many}]) {one}"),
        "window_funnel: invalid steps: has 33 elements (expected 1 to 32)"
    );
    // the order of the checks: window first, then mode, then the steps
    check_err!(
        &format!("SELECT window_funnel(INTERVAL '1 month', ts, [{many}], 'x') {one}"),
        "window_funnel: invalid window: months are not a fixed length"
    );
    check_err!(
        &format!("SELECT window_funnel(INTERVAL '-1 day', ts, [{many}], 'x') {one}"),
        "window_funnel: invalid mode: unknown mode 'x' (expected strict_order, strict_deduplication or strict_increase, comma-separated)"
    );
    check_err!(
        &format!("SELECT window_funnel(INTERVAL '-1 day', ts, [{many}]) {one}"),
        "window_funnel: invalid window: must not be negative"
    );
    // parameters that differ within a group
    let two = "FROM (VALUES (1, TIMESTAMP '2024-01-01', 'A'), (2, TIMESTAMP '2024-01-02', 'B')) AS v(i, ts, ev)";
    check_err!(
        &format!("SELECT window_funnel(i, ts, [ev = 'A']) {two}"),
        "window_funnel: invalid window: must be the same for every row of a group"
    );
    check_err!(
        &format!("SELECT window_funnel(10, ts, CASE WHEN i = 1 THEN [true] ELSE [true, false] END) {two}"),
        "window_funnel: invalid steps: must be the same for every row of a group"
    );
    check_err!(
        &format!("SELECT window_funnel(10, ts, [true], CASE WHEN i = 1 THEN '' ELSE 'strict_order' END) {two}"),
        "window_funnel: invalid mode: must be the same for every row of a group"
    );
    let ctx = ctx();
    let e = any_error(
        &ctx,
        "SELECT window_funnel('1 day', TIMESTAMP '2024-01-01', [true])",
    )
    .await;
    assert!(
        e.contains(
            "window_funnel: argument window must be an interval or a number of seconds, got Utf8"
        ),
        "{e}"
    );
    let e = any_error(&ctx, "SELECT window_funnel(1, TIMESTAMP '2024-01-01')").await;
    assert!(
        e.contains("window_funnel expects 3 or 4 arguments, got 2"),
        "{e}"
    );
}
