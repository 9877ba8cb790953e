"""The hostile-input catalogue: SQL a hostile or careless user
might send, each with its expected outcome, in Postgres and in DataFusion
(`churnkit sql`), and command lines for the CLI.

A case is one of
  Sql(sql, expect, pg=..., df=...)     one SELECT of one value; `sql` runs in both
                                        engines, or `pg`/`df` give the engine's own text
                                        (None = that engine does not run it)
  Bytes(type, hex, accessor, expect)   crafted binary summary: Postgres reads it with
                                        COPY ... (FORMAT binary) into a column of the
                                        type, then runs the accessor on it; DataFusion
                                        passes X'hex' to the accessor
  Pg(sql, expect)                       Postgres only (summary text input, setup(),
                                        record_churn(), refresh(), privileges ...)
  Cli(args, expect_exit, stderr)        a `churnkit` command line; files named {dir}/...
                                        are made by the runner (see FILES)

Expected outcomes:
  err(sqlstate, prefix)   an error whose message starts with `prefix` (DataFusion: the same
                          words, after its "Execution error: " prefix); `sqlstate` is checked
                          in Postgres
  NULL                    one row, NULL
  val(text)               one row with this value (floats to 1e-9, timestamps as instants,
                          arrays element-wise)

Placeholders in SQL, expanded per engine: {inf} {ninf} (±infinity in Postgres; in
DataFusion the i64 extremes of a microsecond timestamp, which churnkit reads as
±infinity too), {min} {max} (the first and last instant churnkit computes with),
{past} {future} (one microsecond outside them). Every case must keep the
server alive and never reach a panic; the runner checks both after every case.
"""

from dataclasses import dataclass, field


@dataclass
class Err:
    sqlstate: str
    prefix: str


@dataclass
class Val:
    text: str


class _Null:
    def __repr__(self):
        return "NULL"


NULL = _Null()


def err(sqlstate, prefix):
    return Err(sqlstate, prefix)


def val(text):
    return Val(str(text))


@dataclass
class Sql:
    sql: str
    expect: object
    pg: object = "same"
    df: object = "same"
    # a different expectation per engine, when the engines differ by design (documented)
    expect_df: object = "same"


@dataclass
class Bytes:
    type: str
    hex: str
    accessor: str  # with {s} for the summary
    expect: object
    accessor_df: object = None  # DataFusion's own spelling, when it differs


@dataclass
class Pg:
    sql: str
    expect: object
    setup: str = ""  # statements run first, in the same transaction


@dataclass
class Cli:
    args: list
    exit: int
    stderr: str
    files: dict = field(default_factory=dict)


def T(s):
    return f"CAST('{s}' AS TIMESTAMPTZ)"


NAN = "CAST('NaN' AS DOUBLE PRECISION)"
INF = "CAST('Infinity' AS DOUBLE PRECISION)"
NINF = "CAST('-Infinity' AS DOUBLE PRECISION)"
NULLF = "CAST(NULL AS DOUBLE PRECISION)"

CASES = []


def add(*cs):
    CASES.extend(cs)


# ---------------------------------------------------------------- scalar functions
# engagement_score(active_minutes, active_days, key_actions, period_days [, weights [, targets]])
ES = ["active_minutes", "active_days", "key_actions", "period_days"]
ES_OK = ["600", "15", "30", "30"]
for i, name in enumerate(ES):
    for bad, why in ((NAN, "nan"), (INF, "inf"), (NINF, "-inf"), ("-1", "neg")):
        args = list(ES_OK)
        args[i] = bad
        add(Sql(f"SELECT engagement_score({', '.join(args)})", err("22023", f"engagement_score: invalid {name}")))
    args = list(ES_OK)
    args[i] = NULLF
    add(Sql(f"SELECT engagement_score({', '.join(args)})", NULL))
add(
    Sql("SELECT engagement_score(600, 15, 30, 0)", err("22023", "engagement_score: invalid period_days")),
    Sql("SELECT engagement_score(600, 31, 30, 30)", err("22023", "engagement_score: invalid active_days")),
    Sql("SELECT engagement_score(1e308, 15, 30, 30)", val(100)),
    Sql("SELECT engagement_score(0, 0, 0, 1e308)", val(0)),
    Sql("SELECT engagement_score(0, 0, 0, 4.9e-324)", val(0)),
    Sql("SELECT engagement_score(600, 15, 30, 30)", val(90)),
)
for i, name in enumerate(["weight_time", "weight_frequency", "weight_depth"]):
    for bad in (NAN, INF, "-0.5"):
        w = ["0.3", "0.4", "0.3"]
        w[i] = bad
        add(Sql(f"SELECT engagement_score(600, 15, 30, 30, {', '.join(w)})", err("22023", f"engagement_score: invalid {name}")))
add(Sql("SELECT engagement_score(600, 15, 30, 30, 0, 0, 0)", err("22023", "engagement_score: invalid weight")))
for i, name in enumerate(["target_minutes_per_day", "target_active_ratio", "target_actions_per_day"]):
    for bad in (NAN, INF, "0", "-1"):
        t = ["30", "0.5", "1"]
        t[i] = bad
        add(Sql(f"SELECT engagement_score(600, 15, 30, 30, 0.3, 0.4, 0.3, {', '.join(t)})",
                err("22023", f"engagement_score: invalid {name}")))
add(Sql("SELECT engagement_score(600, 15, 30, 30, 0.3, 0.4, 0.3, 30, 1.5, 1)", err("22023", "engagement_score: invalid target_active_ratio")))

# health_score(scores[], weights[])
add(
    Sql("SELECT health_score(ARRAY[80.0, 60.0], ARRAY[1.0])", err("22023", "health_score: invalid weights")),
    Sql("SELECT health_score(ARRAY[80.0], ARRAY[-1.0])", err("22023", "health_score: invalid weights")),
    Sql(f"SELECT health_score(ARRAY[80.0], ARRAY[{NAN}])", err("22023", "health_score: invalid weights")),
    Sql(f"SELECT health_score(ARRAY[80.0], ARRAY[{INF}])", err("22023", "health_score: invalid weights")),
    Sql(f"SELECT health_score(ARRAY[{NAN}], ARRAY[1.0])", err("22023", "health_score: invalid scores")),
    Sql(f"SELECT health_score(ARRAY[{INF}], ARRAY[1.0])", err("22023", "health_score: invalid scores")),
    Sql("SELECT health_score(ARRAY[100.0000001], ARRAY[1.0])", err("22023", "health_score: invalid scores")),
    Sql("SELECT health_score(ARRAY[-0.0000001], ARRAY[1.0])", err("22023", "health_score: invalid scores")),
    Sql("SELECT health_score(ARRAY[80.0, NULL], ARRAY[1.0, 1.0])", val(80)),
    Sql("SELECT health_score(ARRAY[80.0, NULL], ARRAY[0.0, 1.0])", NULL),
    Sql("SELECT health_score(ARRAY[80.0, 60.0], ARRAY[1.0, NULL])", err("22023", "health_score: invalid weights")),
    Sql("SELECT health_score(ARRAY[80.0], ARRAY[0.0])", err("22023", "health_score: invalid weights")),
    Sql("SELECT health_score(ARRAY[80.0], ARRAY[1e308])", val(80)),
    Sql("SELECT health_score(ARRAY[80.0, 40.0], ARRAY[1e308, 1e308])", val(60)),
    Sql("SELECT health_score(ARRAY[80.0], ARRAY[4.9e-324])", val(80)),
    Sql(f"SELECT health_score(CAST(NULL AS DOUBLE PRECISION[]), ARRAY[1.0])", NULL),
    Sql(f"SELECT health_score(ARRAY[80.0], CAST(NULL AS DOUBLE PRECISION[]))", NULL),
    Sql("SELECT health_score(CAST(ARRAY[] AS DOUBLE PRECISION[]), CAST(ARRAY[] AS DOUBLE PRECISION[]))", NULL),
    Sql("SELECT health_score(ARRAY[0.0, 100.0], ARRAY[1.0, 1.0])", val(50)),
)

# health_tier(score [, good_at [, poor_below]])
add(
    Sql(f"SELECT health_tier({NAN})", err("22023", "health_tier: invalid score")),
    Sql(f"SELECT health_tier({INF})", val("good")),
    Sql(f"SELECT health_tier({NINF})", val("poor")),
    Sql("SELECT health_tier(-5)", val("poor")),
    Sql("SELECT health_tier(1e308)", val("good")),
    Sql(f"SELECT health_tier({NULLF})", NULL),
    Sql("SELECT health_tier(50, 40, 70)", err("22023", "health_tier: invalid")),
    Sql(f"SELECT health_tier(50, {NAN}, 40)", err("22023", "health_tier: invalid good_at")),
    Sql(f"SELECT health_tier(50, 70, {NAN})", err("22023", "health_tier: invalid poor_below")),
    Sql(f"SELECT health_tier(50, {INF}, 40)", err("22023", "health_tier: invalid good_at")),
    Sql(f"SELECT health_tier(50, 70, {NINF})", err("22023", "health_tier: invalid poor_below")),
    Sql("SELECT health_tier(70, 70, 70)", val("good")),
    Sql("SELECT health_tier(69.99999, 70, 70)", val("poor")),
    Sql(f"SELECT health_tier(50, {NULLF}, 40)", NULL),
)

# churn_risk_stage(as_of, signed_up_at, renewal_at, last_active_at, churned_at [, trend, onboarding, renewal_window, dormant])
CRS = ["as_of", "signed_up_at", "renewal_at", "last_active_at", "churned_at"]
CRS_OK = [T("2024-06-01"), T("2024-01-01"), T("2025-01-01"), T("2024-05-30"), "NULL"]
for i, name in enumerate(CRS):
    for ph in ("{inf}", "{ninf}", "{past}", "{future}"):
        args = list(CRS_OK)
        args[i] = ph
        add(Sql(f"SELECT churn_risk_stage({', '.join(args)})", err("22008", f"churn_risk_stage: invalid {name}")))
add(
    Sql(f"SELECT churn_risk_stage({', '.join(CRS_OK)})", val("active")),
    Sql(f"SELECT churn_risk_stage({', '.join(CRS_OK)}, -0.3)", val("declining")),
    Sql(f"SELECT churn_risk_stage({', '.join(CRS_OK)}, {NAN})", err("22023", "churn_risk_stage: invalid activity_trend")),
    Sql(f"SELECT churn_risk_stage({', '.join(CRS_OK)}, {NINF})", val("declining")),
    Sql(f"SELECT churn_risk_stage({', '.join(CRS_OK)}, {INF})", val("active")),
    Sql(f"SELECT churn_risk_stage({', '.join(CRS_OK)}, NULL, -1)", err("22023", "churn_risk_stage: invalid onboarding_days")),
    Sql(f"SELECT churn_risk_stage({', '.join(CRS_OK)}, NULL, 30, -1)", err("22023", "churn_risk_stage: invalid renewal_window_days")),
    Sql(f"SELECT churn_risk_stage({', '.join(CRS_OK)}, NULL, 30, 60, -14)", err("22023", "churn_risk_stage: invalid dormant_days")),
    Sql(f"SELECT churn_risk_stage({', '.join(CRS_OK)}, NULL, 2147483647, 2147483647, 2147483647)", val("onboarding")),
    Sql(f"SELECT churn_risk_stage({', '.join(CRS_OK)}, NULL, 0, 0, 0)", val("dormant")),
    Sql(f"SELECT churn_risk_stage({T('2024-06-01')}, NULL, NULL, NULL, NULL)", NULL),
    Sql(f"SELECT churn_risk_stage(NULL, {T('2024-01-01')}, NULL, NULL, NULL)", NULL),
    Sql(f"SELECT churn_risk_stage({', '.join(CRS_OK)}, NULL, NULL)", NULL),
    Sql(f"SELECT churn_risk_stage({{max}}, {{min}}, {{max}}, {{min}}, NULL)", val("dormant")),
    Sql(f"SELECT churn_risk_stage({{max}}, {{min}}, NULL, {{max}}, {{min}})", val("churned")),
    Sql(f"SELECT churn_risk_stage({{min}}, {{max}}, NULL, NULL, NULL)", val("onboarding")),
    Sql(f"SELECT churn_risk_stage({{max}}, {{max}}, NULL, {{max}}, NULL, NULL, 2147483647, 2147483647, 2147483647)", val("onboarding")),
)

# cohort_period(cohort_start, ts, granularity [, time_zone])
for g, why in (("'fortnight'", ""), ("''", ""), ("'month;DROP TABLE x'", ""), ("'mon'", ""), ("'months'", ""),
               ("'day\\n'", ""), ("repeat('x', 100000)", "")):
    add(Sql(f"SELECT cohort_period({T('2024-01-01')}, {T('2024-02-01')}, {g})", err("22023", "cohort_period: invalid granularity")))
add(
    Sql(f"SELECT cohort_period({T('2024-01-01')}, {T('2024-02-01')}, ' MONTH ')", val(1)),
    Sql(f"SELECT cohort_period({T('2024-01-01')}, {T('2024-02-01')}, NULL)", NULL),
    Sql(f"SELECT cohort_period({T('2024-03-01')}, {T('2024-01-01')}, 'month')", val(-2)),
)
for ph in ("{inf}", "{ninf}", "{past}", "{future}"):
    add(Sql(f"SELECT cohort_period({ph}, {T('2024-01-01')}, 'month')", err("22008", "cohort_period: invalid cohort_start")),
        Sql(f"SELECT cohort_period({T('2024-01-01')}, {ph}, 'day')", err("22008", "cohort_period: invalid ts")),
        Sql(f"SELECT cohort_period({T('2024-01-01')}, {ph}, 'day', 'Europe/Berlin')", err("22008", "cohort_period: invalid ts")))
for g, v in (("day", "-107374182"), ("week", "-15339169"), ("month", "-3529470"), ("quarter", "-1176490"), ("year", "-294118")):
    # from the last instant to the first: the widest span there is; no overflow in any unit
    add(Sql(f"SELECT cohort_period({{max}}, {{min}}, '{g}') < 0", val("true")))
for g in ("day", "week", "month", "quarter", "year"):
    add(Sql(f"SELECT cohort_period({{min}}, {{max}}, '{g}', 'Pacific/Kiritimati') > 0", val("true")))
for z in ("'Mars/Olympus_Mons'", "''", "' '", "'UTC; DROP TABLE x'", "'../../../../etc/passwd'", "repeat('A', 100000)",
          "'Europe/'", "'+99:00'"):
    add(Sql(f"SELECT cohort_period({T('2024-01-01')}, {T('2024-02-01')}, 'month', {z})", err("22023", "cohort_period: invalid time_zone")))
add(
    Sql(f"SELECT cohort_period({T('2024-01-15')}, {T('2024-01-31T23:30:00Z')}, 'month', 'europe/berlin')", val(1)),
    Sql(f"SELECT cohort_period({T('2024-01-15')}, {T('2024-01-31T23:30:00Z')}, 'month', NULL)", NULL),
)

# mrr_movement(previous, current, was_customer_before)
for a, b, name in (("-1", "10", "previous_mrr"), ("10", "-1", "current_mrr"), (NAN, "10", "previous_mrr"), ("10", NAN, "current_mrr"),
                   (INF, "10", "previous_mrr"), ("10", INF, "current_mrr"), (NINF, "10", "previous_mrr"), ("10", "-0.000001", "current_mrr")):
    add(Sql(f"SELECT mrr_movement({a}, {b}, true)", err("22023", f"mrr_movement: invalid {name}")))
add(
    Sql("SELECT mrr_movement(0, 1e308, false)", val("new")),
    Sql("SELECT mrr_movement(1e308, 0, true)", val("churn")),
    Sql("SELECT mrr_movement(NULL, 10, false)", val("new")),
    Sql("SELECT mrr_movement(10, NULL, true)", val("churn")),
    Sql("SELECT mrr_movement(NULL, NULL, true)", NULL),
    Sql("SELECT mrr_movement(10, 10, NULL)", val("retained")),
    Sql("SELECT mrr_movement(0, 10, NULL)", val("new")),
    Sql("SELECT mrr_movement(-0.0, 10, true)", val("reactivation")),
)

# business_hours_between(start, end [, time_zone [, day_start [, day_end]]])
BH = f"{T('2024-01-01')}, {T('2024-01-02')}"
add(
    Sql(f"SELECT business_hours_between({T('2024-01-02')}, {T('2024-01-01')})", err("22023", "business_hours_between: invalid end")),
    Sql(f"SELECT business_hours_between({BH}, 'Nowhere/City')", err("22023", "business_hours_between: invalid time_zone")),
    Sql(f"SELECT business_hours_between({BH}, repeat('Z', 100000))", err("22023", "business_hours_between: invalid time_zone")),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '17:00', '09:00')", err("22023", "business_hours_between: invalid day_end")),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '09:00', '09:00')", err("22023", "business_hours_between: invalid day_end")),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '09:00', '24:00:01')", err("22023", "business_hours_between: invalid day_end")),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '25:00', '26:00')", err("22023", "business_hours_between: invalid day_start")),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '9am')", err("22023", "business_hours_between: invalid day_start")),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '')", err("22023", "business_hours_between: invalid day_start")),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '-1:00')", err("22023", "business_hours_between: invalid day_start")),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '09:60')", err("22023", "business_hours_between: invalid day_start")),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '09:00:60')", err("22023", "business_hours_between: invalid day_start")),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '09:00:00.5')", err("22023", "business_hours_between: invalid day_start")),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '0009:00')", err("22023", "business_hours_between: invalid day_start")),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '09:00', '17:00 ')", val(8)),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', '00:00', '24:00')", val(24)),
    Sql(f"SELECT business_hours_between({BH}, NULL)", NULL),
    Sql(f"SELECT business_hours_between({BH}, 'UTC', NULL)", NULL),
    Sql(f"SELECT business_hours_between({T('2024-01-01')}, NULL)", NULL),
    Sql(f"SELECT business_hours_between({T('2024-01-01')}, {T('2024-01-01')})", val(0)),
    # elapsed time across a DST change inside the window (Cairo: 00:00 -> 01:00, then 24:00 -> 23:00)
    Sql(f"SELECT business_hours_between({T('2023-04-27T22:00:00Z')}, {T('2023-04-28T21:00:00Z')}, 'Africa/Cairo', '00:00', '24:00')", val(23)),
    Sql(f"SELECT business_hours_between({T('2023-10-25T21:00:00Z')}, {T('2023-10-26T22:00:00Z')}, 'Africa/Cairo', '00:00', '24:00')", val(25)),
    Sql(f"SELECT business_hours_between({T('2023-04-27T22:00:00Z')}, {T('2023-04-28T21:00:00Z')}, 'Africa/Cairo')", val(8)),
    # the widest span there is
    Sql("SELECT business_hours_between({min}, {max}) > 0", val("true")),
    Sql("SELECT business_hours_between({min}, {max}, 'Australia/Lord_Howe', '00:00', '24:00') > 0", val("true")),
)
for ph in ("{inf}", "{ninf}", "{past}", "{future}"):
    add(Sql(f"SELECT business_hours_between({ph}, {T('2024-01-01')})", err("22008", "business_hours_between: invalid start")),
        Sql(f"SELECT business_hours_between({T('2024-01-01')}, {ph})", err("22008", "business_hours_between: invalid end")))

# ---------------------------------------------------------------- aggregates
def rows(values, cols):
    return f"(VALUES {', '.join(values)}) AS v({cols})"


def ev(cols, *tuples):
    """VALUES of SQL snippets: ev('ts, g', (J10, M)) -> (VALUES (CAST(...), 'month')) AS v(ts, g)"""
    return rows(["(" + ", ".join(t) + ")" for t in tuples], cols)


J01, J02, J10, J11, F01, F02, F10 = (T(d) for d in ("2024-01-01", "2024-01-02", "2024-01-10", "2024-01-11",
                                                    "2024-02-01", "2024-02-02", "2024-02-10"))
M, W, Y, D = "'month'", "'week'", "'year'", "'day'"
ONE_TS = ev("ts", (J10,))

add(
    # engagement_agg(occurred_at, duration_seconds, is_key_action)
    Sql(f"SELECT active_days(engagement_agg(ts, d, k)) FROM {ev('ts, d, k', (T('2024-01-01T10:00:00Z'), '60.0', 'true'))}", val(1)),
    Sql(f"SELECT active_days(engagement_agg(ts, d, k)) FROM {ev('ts, d, k', (J01, '60.0', 'true'))} WHERE false", NULL),
    Sql(f"SELECT active_days(engagement_agg(ts, d, k)) FROM {ev('ts, d, k', ('CAST(NULL AS TIMESTAMPTZ)', '1.0', 'true'))}", NULL),
    Sql(f"SELECT engagement_agg(ts, d, k) IS NULL FROM {ev('ts, d, k', ('{inf}', '1.0', 'true'))}", err("22008", "engagement_agg: invalid occurred_at")),
    Sql(f"SELECT engagement_agg(ts, d, k) IS NULL FROM {ev('ts, d, k', ('{ninf}', '1.0', 'true'))}", err("22008", "engagement_agg: invalid occurred_at")),
    Sql(f"SELECT engagement_agg(ts, d, k) IS NULL FROM {ev('ts, d, k', ('{future}', '1.0', 'true'))}", err("22008", "engagement_agg: invalid occurred_at")),
    Sql(f"SELECT engagement_agg(ts, d, k) IS NULL FROM {ev('ts, d, k', (J01, '-1.0', 'true'))}", err("22023", "engagement_agg: invalid duration_seconds")),
    Sql(f"SELECT engagement_agg(ts, d, k) IS NULL FROM {ev('ts, d, k', (J01, NAN, 'true'))}", err("22023", "engagement_agg: invalid duration_seconds")),
    Sql(f"SELECT engagement_agg(ts, d, k) IS NULL FROM {ev('ts, d, k', (J01, INF, 'true'))}", err("22023", "engagement_agg: invalid duration_seconds")),
    Sql(f"SELECT active_minutes(engagement_agg(ts, d, k)) FROM {ev('ts, d, k', (J01, '1e308', 'true'), (J02, '1e308', 'true'))}",
        err("22023", "engagement_agg: invalid duration_seconds: the group's total of seconds exceeds")),
    Sql(f"SELECT active_minutes(engagement_agg(ts, d, k)) FROM {ev('ts, d, k', (J01, NULLF, 'CAST(NULL AS BOOLEAN)'))}", val(0)),
    Sql(f"SELECT key_actions(engagement_agg(ts, d, k)) FROM {ev('ts, d, k', (J01, '1.0', 'CAST(NULL AS BOOLEAN)'), (J01, '1.0', 'true'))}", val(1)),
    Sql(f"SELECT last_active_at(engagement_agg(ts, d, k)) FROM {ev('ts, d, k', ('{min}', '0.0', 'false'), ('{max}', '0.0', 'false'))}",
        val("294246-12-31 23:59:59.999999+00"), expect_df=val("+294246-12-31T23:59:59.999999Z")),
    Sql(f"SELECT active_days(engagement_agg(ts, d, k)) FROM {ev('ts, d, k', ('{min}', '0.0', 'false'), ('{max}', '0.0', 'false'))}", val(2)),
    # activity_agg(occurred_at, granularity)
    Sql(f"SELECT cohort_start(activity_agg(ts, g)) FROM {ev('ts, g', (J10, repr('fortnight')))}", err("22023", "activity_agg: invalid granularity")),
    Sql(f"SELECT cohort_start(activity_agg(ts, g)) FROM {ev('ts, g', (J10, M), (J11, W))}", err("22023", "activity_agg: invalid granularity")),
    Sql(f"SELECT cohort_start(activity_agg(ts, g)) FROM {ev('ts, g', (J10, 'NULL'))}", NULL),
    Sql(f"SELECT cohort_start(activity_agg(ts, g)) FROM {ev('ts, g', ('{inf}', M))}", err("22008", "activity_agg: invalid occurred_at")),
    Sql(f"SELECT cohort_start(activity_agg(ts, g)) FROM {ev('ts, g', ('{past}', Y))}", err("22008", "activity_agg: invalid occurred_at")),
    Sql(f"SELECT cohort_start(activity_agg(ts, g)) FROM {ev('ts, g', ('{min}', W))}", val("4714-11-24 00:00:00+00 BC"),
        expect_df=val("-4713-11-24T00:00:00Z")),
    Sql(f"SELECT cohort_start(activity_agg(ts, g)) FROM {ev('ts, g', ('{max}', Y))}", val("294246-01-01 00:00:00+00"),
        expect_df=val("+294246-01-01T00:00:00Z")),
    Sql(f"SELECT is_active(activity_agg(ts, g), 2147483647) FROM {ev('ts, g', ('{min}', D))}", val("false")),
    Sql(f"SELECT is_active(activity_agg(ts, g), -2147483648) FROM {ev('ts, g', ('{max}', D))}", val("false")),
    Sql(f"SELECT is_active(activity_agg(ts, g), NULL) FROM {ev('ts, g', (J10, D))}", NULL),
    Sql(f"SELECT lifecycle_state(activity_agg(ts, g), {{inf}}) FROM {ev('ts, g', (J10, D))}", err("22008", "lifecycle_state: invalid period_start")),
    Sql(f"SELECT lifecycle_state(activity_agg(ts, g), {{past}}) FROM {ev('ts, g', (J10, D))}", err("22008", "lifecycle_state: invalid period_start")),
    Sql(f"SELECT lifecycle_state(activity_agg(ts, g), {{min}}) FROM {ev('ts, g', (J10, D))}", NULL),
    Sql(f"SELECT lifecycle_state(activity_agg(ts, g), {{max}}) FROM {ev('ts, g', (J10, D))}", NULL),
    Sql(f"SELECT lifecycle_state(activity_agg(ts, g), {T('2024-01-11')}) FROM {ev('ts, g', (J10, D))}", val("dormant")),
    Sql(f"SELECT lifecycle_state(activity_agg(ts, g), {{ninf}}) FROM {ev('ts, g', (J10, D))}", err("22008", "lifecycle_state: invalid period_start")),
    Sql(f"SELECT lifecycle_state(activity_agg(ts, g), {{future}}) FROM {ev('ts, g', (J10, D))}", err("22008", "lifecycle_state: invalid period_start")),
    Sql(f"SELECT lifecycle_state(activity_agg(ts, g), NULL) FROM {ev('ts, g', (J10, D))}", NULL),
    # retention_counts(activity [, mode])
    Sql(f"SELECT retention_counts(a, 'sometimes') FROM (SELECT activity_agg(ts, 'month') AS a FROM {ONE_TS}) AS s", err("22023", "retention_counts: invalid mode")),
    Sql(f"SELECT retention_counts(a, '') FROM (SELECT activity_agg(ts, 'month') AS a FROM {ONE_TS}) AS s", err("22023", "retention_counts: invalid mode")),
    Sql(f"SELECT retention_counts(a, NULL) FROM (SELECT activity_agg(ts, 'month') AS a FROM {ONE_TS}) AS s", NULL),
    Sql(f"SELECT retention_counts(a, 'bounded') FROM (SELECT activity_agg(ts, 'month') AS a FROM {ONE_TS}) AS s", err("22023", "retention_counts: invalid mode: unknown mode 'bounded' (expected classic or unbounded)")),
    Sql(f"SELECT retention_counts(a, 'unbounded') FROM (SELECT activity_agg(ts, 'month') AS a FROM {ONE_TS}) AS s", val("{1}")),
    Sql(f"SELECT retention_counts(a, m) FROM (SELECT activity_agg(ts, 'month') AS a, m FROM {ev('ts, m', (J10, repr('classic')), (F10, repr('unbounded')))} GROUP BY m) AS s",
        err("22023", "retention_counts: invalid mode")),
    Sql(f"SELECT retention_counts(a) FROM (SELECT activity_agg(ts, g) AS a FROM {ev('ts, g', (J10, M), (F10, W))} GROUP BY g) AS s",
        err("22023", "retention_counts: invalid activity")),
    Sql(f"SELECT retention_counts(a) FROM (SELECT activity_agg(ts, 'day') AS a FROM {ev('ts', ('{min}',), ('{max}',))}) AS s",
        err("22023", "retention_counts: invalid activity: spans 109192569 periods (at most 100000")),
    Sql(f"SELECT retention_counts(a) FROM (SELECT activity_agg(ts, 'month') AS a FROM {ONE_TS} WHERE false) AS s", NULL),
    # retention(conditions[])
    Sql("SELECT retention(c) FROM (VALUES (ARRAY[true, false, true])) AS v(c)", val("{1,0,1}")),
    Sql("SELECT retention(c) FROM (VALUES (CAST(ARRAY[] AS BOOLEAN[]))) AS v(c)", err("22023", "retention: invalid conditions")),
    Sql("SELECT retention(c) FROM (VALUES (ARRAY[true, false]), (ARRAY[true, false, true])) AS v(c)", err("22023", "retention: invalid conditions")),
    Sql("SELECT retention(c) FROM (VALUES (ARRAY[true, NULL, true])) AS v(c)", val("{1,0,1}")),
    Sql("SELECT retention(c) FROM (VALUES (ARRAY[false, true, true])) AS v(c)", val("{0,0,0}")),
    Sql("SELECT retention(c) FROM (VALUES (CAST(NULL AS BOOLEAN[]))) AS v(c)", NULL),
    Sql("SELECT retention(c) FROM (SELECT array_agg(true) AS c FROM generate_series(1, 100000)) AS v", err("22023", "retention: invalid conditions")),
    # window_funnel(window, occurred_at, steps[] [, mode])
    Sql(f"SELECT window_funnel(INTERVAL '-1 day', ts, ARRAY[true]) FROM {ONE_TS}", err("22023", "window_funnel: invalid window")),
    Sql(f"SELECT window_funnel(INTERVAL '1 month', ts, ARRAY[true]) FROM {ONE_TS}", err("22023", "window_funnel: invalid window")),
    Sql(f"SELECT window_funnel(INTERVAL '1 day', ts, ARRAY[true], 'strict_typo') FROM {ONE_TS}", err("22023", "window_funnel: invalid mode")),
    Sql(f"SELECT window_funnel(INTERVAL '1 day', ts, ARRAY[true], 'strict_order,,strict_order') FROM {ONE_TS}", val(1)),
    Sql(f"SELECT window_funnel(INTERVAL '1 day', ts, ARRAY[true], 'strict_order;strict_increase') FROM {ONE_TS}", err("22023", "window_funnel: invalid mode")),
    Sql(f"SELECT window_funnel(INTERVAL '1 day', ts, CAST(ARRAY[] AS BOOLEAN[])) FROM {ONE_TS}", err("22023", "window_funnel: invalid steps")),
    Sql(f"SELECT window_funnel(INTERVAL '1 day', ts, s) FROM {ev('ts, s', (J10, 'ARRAY[true]'), (J11, 'ARRAY[true, true]'))}", err("22023", "window_funnel: invalid steps")),
    Sql(f"SELECT window_funnel(INTERVAL '1 day', ts, s) FROM (SELECT {J10} AS ts, array_agg(true) AS s FROM generate_series(1, 100000)) AS v", err("22023", "window_funnel: invalid steps")),
    Sql(f"SELECT window_funnel(w, ts, ARRAY[true]) FROM {ev('w, ts', ('INTERVAL ' + repr('1 day'), J10), ('INTERVAL ' + repr('2 days'), J11))}", err("22023", "window_funnel: invalid window")),
    Sql(f"SELECT window_funnel(INTERVAL '1 day', ts, ARRAY[true]) FROM {ev('ts', ('{inf}',))}", err("22008", "window_funnel: invalid occurred_at")),
    Sql(f"SELECT window_funnel(INTERVAL '1 day', ts, ARRAY[true]) FROM {ONE_TS} WHERE false", val(0)),
    Sql(f"SELECT window_funnel(INTERVAL '1 day', ts, ARRAY[true, NULL]) FROM {ONE_TS}", val(1)),
    Sql(f"SELECT window_funnel(INTERVAL '1 day', ts, ARRAY[true, true]) FROM {ev('ts', ('{min}',), ('{max}',))}", val(2)),
    Sql(f"SELECT window_funnel(INTERVAL '100000000 days', ts, ARRAY[ts = {{min}}, ts = {{max}}]) FROM {ev('ts', ('{min}',), ('{max}',))}", val(1)),
    Sql(f"SELECT window_funnel(INTERVAL '2000000000 days', ts, ARRAY[ts = {{min}}, ts = {{max}}]) FROM {ev('ts', ('{min}',), ('{max}',))}", err("22023", "window_funnel: invalid window: out of range")),
    # the widest window there is (i64 microseconds): 106,751,991 days
    Sql(f"SELECT window_funnel(INTERVAL '106751991 days', ts, ARRAY[ts = {{min}}, ts = {{min}} + INTERVAL '1 day']) FROM {ev('ts', ('{min}',), ('{min}',))}", val(1)),
    Sql(f"SELECT window_funnel(NULL, ts, ARRAY[true]) FROM {ONE_TS}", val(0)),
    # activity_trend(occurred_at, as_of, window_days)
    Sql(f"SELECT activity_trend(ts, {F01}, 0) FROM {ONE_TS}", err("22023", "activity_trend: invalid window_days")),
    Sql(f"SELECT activity_trend(ts, {F01}, -2147483648) FROM {ONE_TS}", err("22023", "activity_trend: invalid window_days")),
    Sql(f"SELECT activity_trend(ts, {F01}, 2147483647) FROM {ONE_TS}", NULL),
    Sql(f"SELECT activity_trend(ts, {{max}}, 2147483647) FROM {ev('ts', ('{min}',))}", NULL),
    Sql(f"SELECT activity_trend(ts, a, 14) FROM {ev('ts, a', (J10, F01), (J11, F02))}", err("22023", "activity_trend: invalid as_of")),
    Sql(f"SELECT activity_trend(ts, {F01}, w) FROM {ev('ts, w', (J10, '14'), (J11, '7'))}", err("22023", "activity_trend: invalid window_days")),
    Sql(f"SELECT activity_trend(ts, {{inf}}, 14) FROM {ONE_TS}", err("22008", "activity_trend: invalid as_of")),
    Sql(f"SELECT activity_trend(ts, {F01}, 14) FROM {ev('ts', ('{ninf}',))}", err("22008", "activity_trend: invalid occurred_at")),
    Sql(f"SELECT activity_trend(ts, NULL, 14) FROM {ONE_TS}", NULL),
    # survival_agg(tenure_days, churned), survival_at, median_lifetime, survival_curve
    Sql("SELECT median_lifetime(survival_agg(t, c)) FROM (VALUES (-1.0, true)) AS v(t, c)", err("22023", "survival_agg: invalid tenure_days")),
    Sql(f"SELECT median_lifetime(survival_agg(t, c)) FROM (VALUES ({NAN}, true)) AS v(t, c)", err("22023", "survival_agg: invalid tenure_days")),
    Sql(f"SELECT median_lifetime(survival_agg(t, c)) FROM (VALUES ({INF}, true)) AS v(t, c)", err("22023", "survival_agg: invalid tenure_days")),
    Sql("SELECT median_lifetime(survival_agg(t, c)) FROM (VALUES (1e308, true)) AS v(t, c)", val("1e+308")),
    Sql("SELECT median_lifetime(survival_agg(t, c)) FROM (VALUES (5.0, CAST(NULL AS BOOLEAN))) AS v(t, c)", NULL),
    Sql(f"SELECT median_lifetime(survival_agg(t, c)) FROM (VALUES ({NULLF}, true)) AS v(t, c)", NULL),
    Sql("SELECT median_lifetime(survival_agg(t, c)) FROM (VALUES (5.0, false)) AS v(t, c)", NULL),
    Sql("SELECT median_lifetime(survival_agg(t, c)) FROM (VALUES (-0.0, true)) AS v(t, c)", val(0)),
    Sql("SELECT survival_at(survival_agg(t, c), -1) FROM (VALUES (5.0, true)) AS v(t, c)", val(1)),
    Sql(f"SELECT survival_at(survival_agg(t, c), {NAN}) FROM (VALUES (5.0, true)) AS v(t, c)", err("22023", "survival_at: invalid days")),
    Sql(f"SELECT survival_at(survival_agg(t, c), {INF}) FROM (VALUES (5.0, true)) AS v(t, c)", val(0)),
    Sql("SELECT survival_at(survival_agg(t, c), NULL) FROM (VALUES (5.0, true)) AS v(t, c)", NULL),
    Sql("SELECT survival_at(survival_agg(t, c), 4.9e-324) FROM (VALUES (0.0, true)) AS v(t, c)", val(0)),
    Sql("SELECT median_lifetime(survival_agg(CAST(i AS DOUBLE PRECISION), true)) FROM generate_series(1, 20000) AS g(i)", val(10000)),
    Sql("SELECT survival_at(survival_agg(CAST(i AS DOUBLE PRECISION), i % 2 = 0), 20000) FROM generate_series(1, 20000) AS g(i)", val(0)),
    Sql("SELECT count(*) FROM survival_curve((SELECT survival_agg(t, c) FROM (VALUES (1.0, true), (2.0, false), (3.0, true)) AS v(t, c)))", val(3),
        df="SELECT array_length(survival_curve(survival_agg(t, c))) FROM (VALUES (1.0, true), (2.0, false), (3.0, true)) AS v(t, c)"),
    Sql("SELECT count(*) FROM survival_curve((SELECT survival_agg(t, c) FROM (VALUES (1.0, true)) AS v(t, c) WHERE false))", val(0),
        df="SELECT array_length(survival_curve(s)) FROM (SELECT survival_agg(t, c) AS s FROM (VALUES (1.0, true)) AS v(t, c) WHERE false) AS q",
        expect_df=NULL),
)
# dates and timestamps before 1677 through the view SQL's idioms (DataFusion's casts
# to TIMESTAMP and AT TIME ZONE stay in microseconds: no nanosecond overflow)
D1600 = "CAST(CAST('1600-02-10' AS DATE) AS TIMESTAMP) AT TIME ZONE 'UTC'"
add(
    Sql("SELECT CAST(CAST('1500-01-01' AS DATE) AS TIMESTAMP) AT TIME ZONE 'UTC'", val("1500-01-01 00:00:00+00")),
    Sql("SELECT CAST(CAST('2500-01-01' AS DATE) AS TIMESTAMP) AT TIME ZONE 'UTC'", val("2500-01-01 00:00:00+00")),
    Sql(f"SELECT CAST(cohort_start(activity_agg(ts, 'month')) AT TIME ZONE 'UTC' AS DATE) FROM (SELECT {D1600} AS ts) AS v", val("1600-02-01")),
    Sql(f"SELECT lifecycle_state(activity_agg(ts, 'month'), CAST(CAST('1600-02-01' AS DATE) AS TIMESTAMP) AT TIME ZONE 'UTC') FROM (SELECT {D1600} AS ts) AS v",
        val("new")),
    Sql(f"SELECT cohort_period({D1600}, CAST(CAST('2024-02-10' AS DATE) AS TIMESTAMP) AT TIME ZONE 'UTC', 'year')", val(424)),
)

# every accessor on NULL is NULL
for acc in ("active_days({s})", "active_minutes({s})", "key_actions({s})", "last_active_at({s})", "engagement_score({s}, 30)"):
    add(Sql(f"SELECT {acc.format(s='s')} FROM (SELECT engagement_agg(ts, 1.0, true) AS s FROM {ONE_TS} WHERE false) AS q", NULL))
for acc in ("cohort_start({s})", "is_active({s}, 0)", f"lifecycle_state({{s}}, {T('2024-01-01')})"):
    add(Sql(f"SELECT {acc.format(s='s')} FROM (SELECT activity_agg(ts, 'month') AS s FROM {ONE_TS} WHERE false) AS q", NULL))
for acc in ("survival_at({s}, 3)", "median_lifetime({s})"):
    add(Sql(f"SELECT {acc.format(s='s')} FROM (SELECT survival_agg(t, true) AS s FROM (VALUES (1.0)) AS v(t) WHERE false) AS q", NULL))
# engagement_score(summary, period_days)
for pd, exp in (("0", err("22023", "engagement_score: invalid period_days")), ("-1", err("22023", "engagement_score: invalid period_days")),
                (NAN, err("22023", "engagement_score: invalid period_days")), (INF, err("22023", "engagement_score: invalid period_days")),
                ("NULL", NULL), ("0.5", err("22023", "engagement_score: invalid active_days"))):
    add(Sql(f"SELECT engagement_score(engagement_agg(ts, 60.0, true), {pd}) FROM {ONE_TS}", exp))

# ---------------------------------------------------------------- crafted binary summaries
BIG = "85808080808080808001"  # the varint of 2^63 + 5
# engagement_summary v1: version, varints (events, active_seconds as f64 bits?, ...) -- see core/src/agg
# Each decoder sees empty, truncated, wrong-version, trailing-garbage and overlong inputs.
for typ, accs in (("engagement_summary", ["active_days({s})", "key_actions({s})", "last_active_at({s})", "engagement_score({s}, 30)", "active_minutes({s})"]),
                  ("activity", ["cohort_start({s})", "is_active({s}, 1)", f"lifecycle_state({{s}}, {T('2024-01-01')})"]),
                  ("survival_summary", ["median_lifetime({s})", "survival_at({s}, 1)"])):
    for hx, what in (("", "empty"), ("00", "version 0"), ("02", "version 2"), ("ff", "version 255"), ("01", "truncated"),
                     ("01" + "ff" * 12, "overlong varint"), ("01" + "80" * 64, "endless continuation")):
        add(Bytes(typ, hx, accs[len(CASES) % len(accs)], err("22023", f"{typ}: invalid input")))
add(
    # year 0 is 1 BC: Postgres prints "0001-02-01 ... BC", DataFusion "0000-02-01T00:00:00Z"
    Bytes("activity", "01020102", "extract(epoch FROM cohort_start({s})) = -62164540800", val("true")),
    Bytes("activity", "0102010200", "cohort_start({s})", err("22023", "activity: invalid input")),
    Bytes("activity", "010401feffffffffffffffff01", "cohort_start({s})", err("22023", "activity: invalid input")),
    Bytes("activity", "0102018200", "cohort_start({s})", err("22023", "activity: invalid input")),
    Bytes("activity", "01090102", "cohort_start({s})", err("22023", "activity: invalid input")),
    Bytes("activity", "0102020200", "cohort_start({s})", err("22023", "activity: invalid input")),
    Bytes("activity", "01020202feffffffffffffffff01", "cohort_start({s})", err("22023", "activity: invalid input")),
    Bytes("activity", "0102020202", "is_active({s}, 2)", val("true")),
    Bytes("activity", "010200", "cohort_start({s})", err("22023", "activity: invalid input")),
    Bytes("activity", "0102ffffffff0f", "cohort_start({s})", err("22023", "activity: invalid input")),
    Bytes("survival_summary", "0100", "median_lifetime({s})", NULL),
    # counts above 2^63 - 1 (only a crafted summary has them): the same error in both
    # engines, never a wrapped negative number
    Bytes("engagement_summary", "01" + BIG + "0000000000205e40" + BIG + "018080f3f5d18c88068080dde9c1a3890602d2b4021e",
          "key_actions({s})", err("22023", "key_actions: invalid engagement_summary: count 9223372036854775813 is out of range for bigint")),
    Bytes("engagement_summary", "01" + BIG + "0000000000205e40" + BIG + "018080f3f5d18c88068080dde9c1a3890602d2b4021e",
          "active_days({s})", val(2)),
    Bytes("survival_summary", "0101" + "0000000000003e40" + BIG + "00",
          "(SELECT count(*) FROM churnkit.survival_curve({s}))",
          err("22023", "survival_curve: invalid survival_summary: count 9223372036854775813 is out of range for bigint"),
          accessor_df="array_length(survival_curve({s}))"),
    Bytes("survival_summary", "01ffffffffffffffffff01", "median_lifetime({s})", err("22023", "survival_summary: invalid input")),
)


# ---------------------------------------------------------------- types the functions do not take
add(
    Sql("SELECT cohort_start(CAST(42 AS BIGINT))", err("42883", "function"), df=None),
    Sql("SELECT cohort_start(42)", err("", "Function 'cohort_start' user-defined coercion failed with: Error during planning: "
                                            "cohort_start: argument activity must be a churnkit summary (Binary), got Int64"), pg=None),
    Sql("SELECT active_days('not a summary')", err("", "Function 'active_days' user-defined coercion failed with: Error during planning: "
                                                    "active_days: argument summary must be a churnkit summary (Binary), got Utf8"), pg=None),
    Sql("SELECT as_of() IS NOT NULL", val("true")),
    Sql("SELECT as_of() <= now()", val("true")),
    Sql("SELECT engagement_score('a', 'b', 'c', 'd')", err("22P02", "invalid input syntax for type double precision"), df=None),
    Sql("SELECT health_score(ARRAY['a'], ARRAY[1.0])", err("42883", "function health_score(text[], numeric[]) does not exist"), df=None),
)

# ---------------------------------------------------------------- Postgres only: summary text input
for typ, text, prefix in (
    ("engagement_summary", "", "engagement_summary: invalid input"),
    ("engagement_summary", "null", "engagement_summary: invalid input"),
    ("engagement_summary", "[" * 100000, "engagement_summary: invalid input"),
    ("engagement_summary", '{"version":1,"version":1}', "engagement_summary: invalid input"),
    ("engagement_summary", '{"version":1e400}', "engagement_summary: invalid input"),
    ("engagement_summary", '{"version":18446744073709551617}', "engagement_summary: invalid input"),
    ("engagement_summary", '{"version":1,"events":18446744073709551616,"active_seconds":0,"key_actions":0,"first_active_at":null,"last_active_at":null,"active_days":[]}', "engagement_summary: invalid input"),
    ("engagement_summary", '{"version":1,"events":1,"active_seconds":"NaN","key_actions":0,"first_active_at":"2024-01-01","last_active_at":"2024-01-01","active_days":["2024-01-01"]}', "engagement_summary: invalid input"),
    ("engagement_summary", '{"version":1,"events":1,"active_seconds":0,"key_actions":0,"first_active_at":"2024-01-02","last_active_at":"2024-01-01","active_days":["2024-01-01"]}', "engagement_summary: invalid input"),
    ("engagement_summary", '{"version":1,"events":1,"active_seconds":0,"key_actions":0,"first_active_at":"2024-01-01","last_active_at":"2024-01-01","active_days":["2024-01-01","2024-01-01"]}', "engagement_summary: invalid input"),
    ("engagement_summary", '{"version":1,"events":1,"active_seconds":0,"key_actions":0,"first_active_at":"2024-01-01\\u0000","last_active_at":"2024-01-01","active_days":["2024-01-01"]}', "engagement_summary: invalid input"),
    ("engagement_summary", '{"version":1,"events":1,"active_seconds":0,"key_actions":0,"first_active_at":"294277-01-01","last_active_at":"294277-01-01","active_days":["294277-01-01"]}', "engagement_summary: invalid input"),
    ("activity", '{"version":1,"granularity":"month","periods":["2024-01-01","2024-01-01"]}', "activity: invalid input"),
    ("activity", '{"version":1,"granularity":"month","periods":["2024-02-01","2024-01-01"]}', "activity: invalid input"),
    ("activity", '{"version":1,"granularity":"week","periods":["2024-01-02"]}', "activity: invalid input"),
    ("activity", '{"version":1,"granularity":"month","periods":[20240101]}', "activity: invalid input"),
    ("activity", '{"version":1,"granularity":"month","periods":null}', "activity: invalid input"),
    ("activity", '{"version":1,"granularity":"year","periods":["-9999999-01-01"]}', "activity: invalid input"),
    ("survival_summary", '{"version":1,"tenures":[[-1,1,0]]}', "survival_summary: invalid input"),
    ("survival_summary", '{"version":1,"tenures":[[1,0,0]]}', "survival_summary: invalid input"),
    ("survival_summary", '{"version":1,"tenures":[[2,1,0],[1,1,0]]}', "survival_summary: invalid input"),
    ("survival_summary", '{"version":1,"tenures":[[1e999,1,0]]}', "survival_summary: invalid input"),
    ("survival_summary", '{"version":1,"tenures":[[1,1]]}', "survival_summary: invalid input"),
    ("survival_summary", '{"version":1,"tenures":[[1,9223372036854775807,9223372036854775807],[2,9223372036854775807,0]]}', "survival_summary: invalid input"),
):
    add(Pg(f"SELECT $x${text}$x$::churnkit.{typ}::text", err("22023", prefix)))
add(
    Pg("SELECT churnkit.activity_agg_trans(NULL, now(), 'month')", err("42883", "function")),
    Pg("SELECT churnkit.engagement_agg_final(NULL)", err("42883", "function")),
    Pg("SELECT churnkit.engagement_score('{\"version\":1,\"events\":0,\"active_seconds\":0,\"key_actions\":0,\"first_active_at\":null,\"last_active_at\":null,\"active_days\":[]}'::churnkit.engagement_summary, 30)", val(0)),
    Pg("SELECT churnkit._base_type(0)", NULL),
    Pg("SELECT churnkit._family_types('nonsense')", NULL),
    Pg("SELECT count(*) FROM churnkit.input_contract()", val(22)),
)
# the input contract is a function in both engines (DataFusion: churnkit sql's table function)
add(
    Sql("SELECT count(*) FROM input_contract()", val(22)),
    Sql("SELECT count(*) FROM input_contract(1)", err("42883", "function input_contract(integer) does not exist"),
        expect_df=err("", "input_contract: invalid arguments: takes none (got 1)")),
    Pg("SELECT count(*) = count(DISTINCT name) FROM churnkit.warehouse_view_keys()", val("true")),
    Pg("SELECT churnkit.as_of() IS NOT NULL", val("true")),
    Pg("SELECT count(*) > 0 FROM churnkit.warehouse_views()", val("true")),
)

# ---------------------------------------------------------------- Postgres only: setup(), record_churn(), refresh()
# The runner creates hostile.events / hostile.accounts (valid, 3 accounts) and runs setup() on them once.
add(
    Pg("SELECT churnkit.setup(NULL, 'hostile.accounts')", err("22023", "setup: invalid events")),
    Pg("SELECT churnkit.setup('hostile.events', NULL)", err("22023", "setup: invalid accounts")),
    Pg("SELECT churnkit.setup('hostile.events', 'hostile.accounts', materialize => NULL)", err("22023", "setup: invalid materialize")),
    Pg("SELECT churnkit.setup('hostile.no_such_table', 'hostile.accounts')", err("42P01", "relation")),
    Pg("SELECT churnkit.setup('hostile.events', 'hostile.events')", err("22023", "setup: invalid accounts")),
    Pg("SELECT churnkit.setup('hostile.accounts', 'hostile.accounts')", err("22023", "setup: invalid events")),
    Pg("SELECT churnkit.setup('hostile.events_text', 'hostile.accounts')", err("22023", "setup: invalid events")),
    Pg("SELECT churnkit.setup('hostile.events', 'hostile.accounts', key_events => ARRAY[NULL])", err("22023", "setup: invalid key_events")),
    Pg("SELECT churnkit.setup('hostile.events', 'hostile.accounts', key_events => ARRAY[['a'], ['b']])", err("22023", "setup: invalid key_events")),
    Pg("SELECT churnkit.setup('hostile.events', 'hostile.accounts', key_events => ARRAY[]::text[])", err("22023", "setup: invalid key_events")),
    Pg("SELECT churnkit.setup('hostile.events', 'hostile.accounts', mrr => 'hostile.accounts')", err("22023", "setup: invalid mrr")),
    Pg("SELECT churnkit.setup('hostile.events', 'hostile.accounts', tickets => 'hostile.events')", err("22023", "setup: invalid tickets")),
    Pg("SELECT churnkit.setup('pg_catalog.pg_class', 'hostile.accounts')", err("22023", "setup: invalid events")),
    Pg("SELECT churnkit.setup('hostile.\"ev; DROP TABLE hostile.accounts; --\"', 'hostile.accounts') IS NOT NULL", val("true")),
    Pg("SELECT churnkit.setup('hostile.events', 'hostile.accounts') IS NOT NULL", val("true")),
    Pg("SELECT count(*) FROM churnkit.account_health", val(3)),
    Pg("SELECT churnkit.record_churn(NULL, 'price', NULL, now())", err("22023", "record_churn: invalid account_id")),
    Pg("SELECT churnkit.record_churn(1, 'price', NULL, NULL)", err("22023", "record_churn: invalid churned_at")),
    Pg("SELECT churnkit.record_churn(1, 'price', NULL, 'infinity')", err("22008", "record_churn: invalid churned_at: infinity is not a point in time")),
    Pg("SELECT churnkit.record_churn(1, 'price', NULL, '-infinity')", err("22008", "record_churn: invalid churned_at: -infinity is not a point in time")),
    Pg("SELECT churnkit.record_churn(1, 'price', NULL, '294276-12-31 23:59:59+00')", err("22008", "record_churn: invalid churned_at: timestamp out of range")),
    Pg("SELECT (churnkit.record_churn(1, 'price', NULL, '294246-12-31 23:59:59.999999+00')).tenure_days > 1e8", val("true")),
    Pg("SELECT churnkit.record_churn(999999, 'price', NULL, '2024-03-01')", err("22023", "record_churn: invalid account_id")),
    Pg("SELECT churnkit.record_churn(-9223372036854775808, 'price', NULL, '2024-03-01')", err("22023", "record_churn: invalid account_id")),
    Pg("SELECT churnkit.record_churn(1, 'price', NULL, '2019-01-01')", err("22023", "record_churn: invalid churned_at")),
    Pg("SELECT length((churnkit.record_churn(1, repeat('r', 100000), repeat('d', 1000000), '2024-03-01')).detail)", val(1000000)),
    Pg("SELECT (churnkit.record_churn(2, E'\\u00e9\\u2028\\n\\t''; DROP TABLE churnkit.churn_events; --', NULL, '2024-03-01')).reason LIKE '%DROP TABLE%'", val("true")),
    Pg("SELECT churnkit.record_churn(3, 'price', NULL, '2024-03-01')", err("22023", "record_churn: invalid churned_at: account 3 already has a churn recorded at"),
       setup="SELECT churnkit.record_churn(3, 'price', NULL, '2024-03-01')"),
    Pg("SELECT count(*) FROM churnkit.churn_events", val(2),
       setup="SELECT churnkit.record_churn(3, 'price', NULL, '2024-03-01'); SELECT churnkit.record_churn(3, 'product', NULL, '2024-04-01')"),
    Pg("SELECT churnkit.refresh() IS NOT NULL", val("true")),
    Pg("SELECT churnkit.refresh() IS NOT NULL", val("true"), setup="SELECT churnkit.refresh()"),
    Pg("SELECT churnkit.refresh() IS NOT NULL", err("42501", ""), setup="SET LOCAL ROLE churnkit_reader"),
    Pg("SELECT churnkit.setup('hostile.events', 'hostile.accounts')", err("42501", ""), setup="SET LOCAL ROLE churnkit_reader"),
    Pg("SELECT churnkit.record_churn(1, 'x', NULL, '2024-03-01')", err("42501", ""), setup="SET LOCAL ROLE churnkit_reader"),
    Pg("INSERT INTO churnkit.churn_events VALUES (1) RETURNING 1", err("42501", ""), setup="SET LOCAL ROLE churnkit_reader"),
    Pg("SELECT count(*) FROM churnkit.account_health", err("42501", ""), setup="SET LOCAL ROLE hostile_nobody"),
    Pg("SELECT churnkit.engagement_score(600, 15, 30, 30)", val(90), setup="SET LOCAL ROLE hostile_nobody"),
    Pg("CREATE TABLE churnkit.sneaky (i int) ", err("42501", ""), setup="SET LOCAL ROLE churnkit_admin"),
    Pg("SELECT churnkit.setup('hostile.events', 'hostile.accounts') IS NOT NULL", err("42501", ""), setup="SET LOCAL ROLE hostile_nobody"),
    Pg("SELECT cardinality(churnkit.refresh())", val(0), setup="SELECT churnkit.setup('hostile.events', 'hostile.accounts', materialize => false)"),
)

# ---------------------------------------------------------------- CLI
GOOD = {"accounts.csv": "account_id,name,signed_up_at,plan,mrr,seats_purchased\n1,a,2024-01-01T00:00:00Z,pro,100,5\n",
        "events.csv": "account_id,user_id,occurred_at,event_name,duration_seconds,is_key_action\n1,7,2024-02-01T10:00:00Z,login,60,true\n"}


def run_case(extra_files=None, args=None, exit=1, stderr=""):
    """`churnkit run` on the good files, with some files or options replaced."""
    files = dict(GOOD)
    files.update(extra_files or {})
    opts = {"--events": "{dir}/events.csv", "--accounts": "{dir}/accounts.csv", "--out": "{dir}/out", "--as-of": "2024-02-15"}
    rest = []
    args = list(args or [])
    while args:
        a = args.pop(0)
        if a in opts:
            opts[a] = args.pop(0)
        else:
            rest.append(a)
    base = ["run", "-q"] + [x for kv in opts.items() for x in kv]
    return Cli(base + rest, exit, stderr, files)


add(
    run_case(exit=0),
    run_case({"events.csv": ""}, stderr="churnkit: error:"),
    run_case({"events.csv": "account_id,user_id,occurred_at\n1,7,2024-02-01T10:00:00Z\n"}, stderr="churnkit: error:"),
    run_case({"events.csv": GOOD["events.csv"].replace("2024-02-01T10:00:00Z", "yesterday")}, stderr="churnkit: error:"),
    run_case({"events.csv": GOOD["events.csv"].replace(",60,", ",-60,")}, stderr="churnkit: error:"),
    run_case({"events.csv": GOOD["events.csv"].replace(",60,", ",NaN,")}, stderr="churnkit: error:"),
    run_case({"events.csv": GOOD["events.csv"].replace("1,7,", "x,7,")}, stderr="churnkit: error:"),
    run_case({"events.csv": "\x00\xff\xfe" * 100}, stderr="churnkit: error:"),
    # events before 1677 (DataFusion's nanosecond range): every view computes, as in Postgres
    run_case({"events.csv": GOOD["events.csv"] + "1,8,1500-02-01T10:00:00Z,login,60,true\n"}, exit=0),
    run_case({"accounts.csv": GOOD["accounts.csv"].replace("2024-01-01T00:00:00Z", "294277-01-01T00:00:00Z")}, stderr="churnkit: error:"),
    run_case(args=["--as-of", "not a time"], exit=2, stderr="--as-of"),
    run_case(args=["--as-of", "294277-01-01"], exit=2, stderr="--as-of"),
    run_case(args=["--as-of", ""], exit=2, stderr="--as-of"),
    run_case(args=["--format", "xlsx"], exit=2, stderr="--format"),
    run_case(args=["--key-events", ""], exit=2, stderr="--key-events"),
    run_case(args=["--key-events", " , ,"], exit=2, stderr="--key-events"),
    run_case(args=["--key-events", "login"], exit=0),
    run_case(args=["--mrr", "{dir}/missing.parquet"], stderr="churnkit: error:"),
    run_case(args=["--tickets", "{dir}"], stderr="churnkit: error:"),
    run_case({"events.txt": "x"}, args=["--events", "{dir}/events.txt"], stderr="churnkit: error:"),
    run_case({"events.parquet": "PAR1 not really"}, args=["--events", "{dir}/events.parquet"], stderr="churnkit: error:"),
    run_case({"out": "a file, not a directory"}, stderr="churnkit: error:"),
    Cli(["run", "--events", "{dir}/events.csv", "--out", "{dir}/out"], 2, "--accounts", GOOD),
    Cli(["sql", "SELECT 1 +"], 1, "churnkit: error:"),
    Cli(["sql", ""], 1, "churnkit: error:"),
    Cli(["sql", "--table", "noequals", "SELECT 1"], 2, "--table"),
    Cli(["sql", "--table", "t={dir}/missing.csv", "SELECT 1"], 1, "churnkit: error:"),
    Cli(["sql", "--table", "t={dir}/accounts.csv", "--table", "t={dir}/accounts.csv", "SELECT 1"], 1, "churnkit: error:", GOOD),
    Cli(["sql", "--format", "yaml", "SELECT 1"], 2, "--format"),
    Cli(["sql", "--as-of", "infinity", "SELECT as_of()"], 2, "--as-of"),
    Cli(["sql", "SELECT cohort_start(X'010401feffffffffffffffff01')"], 1, "churnkit: error: Execution error: activity: invalid input"),
    Cli(["sql", "COPY (SELECT 1) TO '/etc/churnkit-hostile'"], 1, "churnkit: error:"),
    Cli(["sql", "--format", "csv", "SELECT to_timestamp_micros(9223371244799999999) AS t"], 0, ""),
    Cli(["sql", "--format", "json", "SELECT to_timestamp_seconds(9223372036854775807) AS t"], 1, "churnkit: error: column t: a timestamp beyond the year 294246"),
    Cli(["sql", "--format", "table", "SELECT last_active_at(engagement_agg(to_timestamp_micros(9223371244799999999), 1, true))"], 0, ""),
    Cli(["generate", "--accounts=-1", "--out", "{dir}/g"], 2, "--accounts"),
    Cli(["generate", "--accounts", "100000001", "--out", "{dir}/g"], 2, "--accounts"),
    Cli(["generate", "--accounts", "3", "--days", "10", "--end", "9999-12-31", "--out", "{dir}/g"], 0, ""),
    Cli(["generate", "--end", "294246-12-31", "--out", "{dir}/g"], 2, "--end"),
    Cli(["generate", "--end", "1899-12-31", "--out", "{dir}/g"], 2, "--end"),
    Cli(["generate", "--accounts", "0", "--out", "{dir}/g"], 2, "--accounts"),
    Cli(["generate", "--days", "0", "--out", "{dir}/g"], 2, "--days"),
    Cli(["generate", "--scale", "NaN", "--out", "{dir}/g"], 2, "--scale"),
    Cli(["generate", "--scale=-1", "--out", "{dir}/g"], 2, "--scale"),
    Cli(["generate", "--scale", "1e9", "--out", "{dir}/g"], 2, "--scale"),
    Cli(["generate", "--end", "2024-02-30", "--out", "{dir}/g"], 2, "--end"),
    Cli(["generate", "--format", "xml", "--out", "{dir}/g"], 2, "--format"),
    Cli(["demo", "--accounts", "0", "--out", "{dir}/d"], 2, "--accounts"),
    Cli(["nonsense"], 2, "nonsense"),
)
