//! The generator's model: a realistic, deterministic synthetic SaaS data set.
//!
//! Accounts sign up over the history (growing), on three plans; each follows
//! one of four trajectories — healthy, onboarding drop-off, declining then
//! churning (with a reason), expanding — which shapes its product usage
//! (weekday seasonality, key actions), its monthly MRR (expansions,
//! contractions) and its support tickets. Every account draws from its own
//! random stream derived from (seed, account_id), so the data set is the same
//! for a seed whatever the batch sizes, and generating more accounts keeps
//! the first ones unchanged.

use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder,
    TimestampMicrosecondBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::record_batch::RecordBatch;
use std::sync::Arc;

pub const DAY: i64 = 86_400_000_000;
const HOUR: i64 = 3_600_000_000;
/// Rows per events batch handed to the sink.
pub const BATCH_ROWS: usize = 65_536;

#[derive(Debug, Clone)]
pub struct GenConfig {
    pub accounts: u64,
    /// Days of history before `end`.
    pub days: i64,
    pub seed: u64,
    /// µs since 1970 UTC: the "today" of the data set (exclusive).
    pub end: i64,
    /// Multiplies the event rate (1.0 = about 3 events per active account-day).
    pub scale: f64,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            accounts: 2_000,
            days: 540,
            seed: 42,
            end: 1_719_792_000_000_000, /* 2024-07-01 */
            scale: 1.0,
        }
    }
}

/// SplitMix64: tiny, fast, and fixed forever (the data set of a seed must not
/// change with a library upgrade).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn for_account(seed: u64, account: u64, stream: u64) -> Self {
        let mut r = Rng(seed
            ^ account.wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next();
        r
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Uniform integer in [lo, hi].
    pub fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + i64::try_from(self.next() % (hi - lo + 1).unsigned_abs()).expect("below hi - lo + 1")
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    pub fn normal(&mut self) -> f64 {
        let u1 = self.f().max(1e-12);
        let u2 = self.f();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
    /// Poisson-distributed count (Knuth for small means, normal approximation above 30).
    pub fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        if mean > 30.0 {
            return (mean + mean.sqrt() * self.normal()).round().max(0.0) as u64;
        }
        let l = (-mean).exp();
        let mut k = 0;
        let mut p = 1.0;
        loop {
            p *= self.f();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
    pub fn pick<'a, T>(&mut self, items: &'a [(T, f64)]) -> &'a T {
        let total: f64 = items.iter().map(|x| x.1).sum();
        let mut x = self.f() * total;
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        &items[items.len() - 1].0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trajectory {
    Healthy,
    DropOff,
    Declining,
    Expanding,
}

const EVENT_NAMES: [(&str, f64, bool); 8] = [
    ("login", 30.0, false),
    ("view_dashboard", 25.0, false),
    ("search", 12.0, false),
    ("api_call", 10.0, false),
    ("update_settings", 5.0, false),
    ("create_report", 9.0, true),
    ("export_data", 5.0, true),
    ("invite_user", 4.0, true),
];

const ADJECTIVES: [&str; 16] = [
    "Blue", "Bright", "Quantum", "North", "Silver", "Rapid", "Clear", "Green", "Iron", "Nimble",
    "Solar", "Urban", "Vivid", "Atlas", "Prime", "Crimson",
];
const NOUNS: [&str; 16] = [
    "Analytics",
    "Logistics",
    "Health",
    "Foods",
    "Robotics",
    "Media",
    "Labs",
    "Finance",
    "Systems",
    "Retail",
    "Energy",
    "Studios",
    "Networks",
    "Travel",
    "Bio",
    "Works",
];

/// One generated account (the `accounts` input of DESIGN §4).
#[derive(Debug, Clone)]
pub struct Account {
    pub account_id: i64,
    pub name: String,
    pub signed_up_at: i64,
    pub plan: &'static str,
    pub mrr: f64,
    pub seats_purchased: i64,
    pub renewal_at: i64,
    pub churned_at: Option<i64>,
    pub churn_reason: Option<&'static str>,
    pub trajectory: Trajectory,
    users: i64,
    base_mrr: f64,
    /// End of activity (churn or the end of the data set).
    active_until: i64,
    /// For declining accounts: when usage starts to fall.
    decline_from: i64,
}

impl GenConfig {
    pub fn start(&self) -> i64 {
        self.end - self.days * DAY
    }

    pub fn account(&self, id: u64) -> Account {
        let mut r = Rng::for_account(self.seed, id, 0);
        let start = self.start();
        // more signups later in the history (a growing business)
        let day = (self.days as f64 * r.f().powf(0.7)) as i64;
        let signed_up_at = start + day * DAY + 8 * HOUR + r.int(0, 10 * 3600) * 1_000_000;
        let (plan, base_mrr, seats) = match *r.pick(&[(0u8, 0.6), (1, 0.3), (2, 0.1)]) {
            0 => (
                "starter",
                [49.0, 99.0, 149.0, 199.0][r.int(0, 3) as usize],
                r.int(2, 10),
            ),
            1 => (
                "pro",
                [299.0, 499.0, 799.0, 999.0][r.int(0, 3) as usize],
                r.int(10, 50),
            ),
            _ => ("enterprise", (r.int(15, 60) * 100) as f64, r.int(50, 300)),
        };
        let trajectory = *r.pick(&[
            (Trajectory::Healthy, 0.55),
            (Trajectory::DropOff, 0.12),
            (Trajectory::Declining, 0.18),
            (Trajectory::Expanding, 0.15),
        ]);
        let annual = plan != "starter" && r.chance(0.7);
        let term = if annual { 365 } else { 30 };
        let (churn_at, reason): (Option<i64>, Option<&'static str>) = match trajectory {
            Trajectory::DropOff => (
                Some(signed_up_at + r.int(25, 75) * DAY),
                Some(*r.pick(&[
                    ("poor onboarding", 5.0),
                    ("missing features", 2.0),
                    ("price", 1.0),
                ])),
            ),
            Trajectory::Declining => (
                Some(signed_up_at + r.int(90, 600) * DAY),
                Some(*r.pick(&[
                    ("switched to competitor", 4.0),
                    ("price", 3.0),
                    ("missing features", 3.0),
                    ("low usage", 3.0),
                    ("business closed", 1.0),
                ])),
            ),
            Trajectory::Healthy if r.chance(0.04) => (
                Some(signed_up_at + r.int(60, 700) * DAY),
                Some("business closed"),
            ),
            _ => (None, None),
        };
        let churned_at = churn_at.filter(|&c| c < self.end);
        let active_until = churned_at.unwrap_or(self.end);
        let lifetime = active_until - signed_up_at;
        let decline_from = signed_up_at + (lifetime as f64 * r.f().mul_add(0.3, 0.4)) as i64;
        // next renewal after the end of the data (or at churn)
        let anchor = churned_at.unwrap_or(self.end);
        let terms = ((anchor - signed_up_at) as f64 / (term as f64 * DAY as f64))
            .ceil()
            .max(1.0) as i64;
        let renewal_at = signed_up_at + terms * term * DAY;
        let users = (seats as f64 * r.f().mul_add(0.6, 0.3)).ceil().max(1.0) as i64;
        let name = format!(
            "{} {} {}",
            ADJECTIVES[r.int(0, 15) as usize],
            NOUNS[r.int(0, 15) as usize],
            id
        );
        let mut a = Account {
            account_id: i64::try_from(id).expect("account ids are small"),
            name,
            signed_up_at,
            plan,
            mrr: 0.0,
            seats_purchased: seats,
            renewal_at,
            churned_at,
            churn_reason: churned_at.and(reason),
            trajectory,
            users,
            base_mrr,
            active_until,
            decline_from,
        };
        a.mrr = if churned_at.is_some() {
            0.0
        } else {
            self.monthly_mrr(&a).last().map_or(base_mrr, |m| m.1)
        };
        a
    }

    /// Activity level (0..1) of an account at a time.
    fn intensity(&self, a: &Account, t: i64) -> f64 {
        let age_days = (t - a.signed_up_at) as f64 / DAY as f64;
        match a.trajectory {
            Trajectory::Healthy => 0.65,
            Trajectory::DropOff => {
                if age_days < 12.0 {
                    0.6
                } else {
                    0.04
                }
            }
            Trajectory::Declining => {
                if t < a.decline_from {
                    0.7
                } else {
                    let span = (a.active_until - a.decline_from).max(DAY) as f64;
                    0.7 - 0.65 * ((t - a.decline_from) as f64 / span)
                }
            }
            Trajectory::Expanding => (0.35 + age_days / 400.0).min(0.95),
        }
    }

    /// Events of one account, in time order, handed to `f(occurred_at, user_id, event_index, duration)`.
    pub fn events(&self, a: &Account, mut f: impl FnMut(i64, i64, usize, Option<f64>)) {
        let mut r = Rng::for_account(self.seed, a.account_id as u64, 1);
        let first_day = a.signed_up_at.div_euclid(DAY);
        let last_day = (a.active_until - 1).div_euclid(DAY);
        let weights: Vec<(usize, f64)> = EVENT_NAMES
            .iter()
            .enumerate()
            .map(|(i, e)| (i, e.1))
            .collect();
        let users_factor = (a.users as f64).sqrt();
        let mut times: Vec<i64> = Vec::new();
        for day in first_day..=last_day {
            let t = day * DAY;
            let weekday = (day + 3).rem_euclid(7); // 0 = Monday
            let season = if weekday >= 5 { 0.25 } else { 1.0 };
            let mean = self.scale * 1.6 * users_factor * self.intensity(a, t) * season;
            let n = r.poisson(mean);
            times.clear();
            for _ in 0..n {
                let hour = (14.0 + 2.5 * r.normal()).clamp(0.0, 23.99);
                let ts = t + (hour * HOUR as f64) as i64;
                if ts >= a.signed_up_at && ts < a.active_until {
                    times.push(ts);
                }
            }
            times.sort_unstable();
            for &ts in &times {
                let user = a.account_id * 1000 + r.int(0, a.users - 1);
                let ev = *r.pick(&weights);
                let duration = if r.chance(0.05) {
                    None
                } else {
                    Some((r.normal() * 0.9 + 4.2).exp().min(7200.0).round())
                };
                f(ts, user, ev, duration);
            }
        }
    }

    /// (month start day number, mrr) for every month the account paid.
    pub fn monthly_mrr(&self, a: &Account) -> Vec<(i64, f64)> {
        let mut r = Rng::for_account(self.seed, a.account_id as u64, 2);
        let mut out = Vec::new();
        let (mut y, mut m) = ym(a.signed_up_at);
        let (ey, em) = ym(a.active_until - 1);
        let mut mrr = a.base_mrr;
        while (y, m) <= (ey, em) {
            let month_start = churnkit_core::time::days_from_civil(y, m, 1);
            if !out.is_empty() {
                let t = month_start * DAY;
                match a.trajectory {
                    Trajectory::Expanding if r.chance(0.18) => {
                        mrr = (mrr * (1.1 + 0.2 * r.f())).round()
                    }
                    Trajectory::Declining if t > a.decline_from && r.chance(0.2) => {
                        mrr = (mrr * (0.7 + 0.2 * r.f())).round().max(29.0)
                    }
                    Trajectory::Healthy if r.chance(0.03) => mrr = (mrr * 1.2).round(),
                    _ => {}
                }
            }
            out.push((month_start, mrr));
            if m == 12 {
                y += 1;
                m = 1;
            } else {
                m += 1;
            }
        }
        out
    }

    /// Support tickets: (opened_at, first_response_at, resolved_at).
    pub fn tickets(&self, a: &Account) -> Vec<(i64, Option<i64>, Option<i64>)> {
        let mut r = Rng::for_account(self.seed, a.account_id as u64, 3);
        let months = ((a.active_until - a.signed_up_at) / (30 * DAY)).max(1);
        let rate = match a.trajectory {
            Trajectory::Declining | Trajectory::DropOff => 0.9,
            _ => 0.4,
        } * (a.users as f64).sqrt()
            / 2.0;
        let n = r.poisson(rate * months as f64);
        let mut out = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let opened = a.signed_up_at + (r.f() * (a.active_until - a.signed_up_at) as f64) as i64;
            let response = opened + ((r.normal() * 1.1 + 1.2).exp() * HOUR as f64) as i64;
            let first_response = (response < self.end).then_some(response);
            let resolved = first_response
                .map(|f| f + ((r.normal() * 1.0 + 2.5).exp() * HOUR as f64) as i64)
                .filter(|&t| t < self.end);
            out.push((opened, first_response, resolved));
        }
        out.sort_unstable_by_key(|t| t.0);
        out
    }
}

fn ym(ts: i64) -> (i64, u32) {
    let (y, m, _) = churnkit_core::time::civil_from_days(ts.div_euclid(DAY));
    (y, m)
}

fn ts_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

pub fn events_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("account_id", DataType::Int64, false),
        Field::new("user_id", DataType::Int64, false),
        Field::new("occurred_at", ts_type(), false),
        Field::new("event_name", DataType::Utf8, false),
        Field::new("duration_seconds", DataType::Float64, true),
        Field::new("is_key_action", DataType::Boolean, false),
    ]))
}

pub fn accounts_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("account_id", DataType::Int64, false),
        Field::new("name", DataType::Utf8, false),
        Field::new("signed_up_at", ts_type(), false),
        Field::new("plan", DataType::Utf8, false),
        Field::new("mrr", DataType::Float64, false),
        Field::new("seats_purchased", DataType::Int64, false),
        Field::new("renewal_at", ts_type(), true),
        Field::new("churned_at", ts_type(), true),
        Field::new("churn_reason", DataType::Utf8, true),
    ]))
}

pub fn mrr_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("account_id", DataType::Int64, false),
        Field::new("month", DataType::Date32, false),
        Field::new("mrr", DataType::Float64, false),
    ]))
}

pub fn tickets_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("account_id", DataType::Int64, false),
        Field::new("opened_at", ts_type(), false),
        Field::new("first_response_at", ts_type(), true),
        Field::new("resolved_at", ts_type(), true),
    ]))
}

/// The four tables, streamed: `sink(table_name, batch)` is called with
/// batches of at most [`BATCH_ROWS`] rows, accounts first.
pub fn generate(
    cfg: &GenConfig,
    mut sink: impl FnMut(&str, RecordBatch) -> datafusion::error::Result<()>,
) -> datafusion::error::Result<GenStats> {
    let mut stats = GenStats::default();
    let accounts: Vec<Account> = (1..=cfg.accounts).map(|id| cfg.account(id)).collect();
    for chunk in accounts.chunks(BATCH_ROWS) {
        let mut id = Int64Builder::new();
        let mut name = StringBuilder::new();
        let mut su = TimestampMicrosecondBuilder::new().with_timezone("UTC");
        let mut plan = StringBuilder::new();
        let mut mrr = Float64Builder::new();
        let mut seats = Int64Builder::new();
        let mut ren = TimestampMicrosecondBuilder::new().with_timezone("UTC");
        let mut ch = TimestampMicrosecondBuilder::new().with_timezone("UTC");
        let mut reason = StringBuilder::new();
        for a in chunk {
            id.append_value(a.account_id);
            name.append_value(&a.name);
            su.append_value(a.signed_up_at);
            plan.append_value(a.plan);
            mrr.append_value(a.mrr);
            seats.append_value(a.seats_purchased);
            ren.append_value(a.renewal_at);
            ch.append_option(a.churned_at);
            reason.append_option(a.churn_reason);
        }
        let cols: Vec<ArrayRef> = vec![
            Arc::new(id.finish()),
            Arc::new(name.finish()),
            Arc::new(su.finish()),
            Arc::new(plan.finish()),
            Arc::new(mrr.finish()),
            Arc::new(seats.finish()),
            Arc::new(ren.finish()),
            Arc::new(ch.finish()),
            Arc::new(reason.finish()),
        ];
        stats.accounts += chunk.len() as u64;
        sink("accounts", RecordBatch::try_new(accounts_schema(), cols)?)?;
    }

    let mut eb = EventsBuilder::default();
    for a in &accounts {
        let mut err = None;
        cfg.events(a, |ts, user, ev, dur| {
            eb.push(a.account_id, user, ts, ev, dur);
            if eb.len == BATCH_ROWS {
                stats.events += eb.len as u64;
                if let Err(e) = eb.flush().and_then(|b| sink("events", b)) {
                    err.get_or_insert(e);
                }
            }
        });
        if let Some(e) = err {
            return Err(e);
        }
    }
    if eb.len > 0 {
        stats.events += eb.len as u64;
        sink("events", eb.flush()?)?;
    }

    let (mut id, mut month, mut mrr) = (
        Int64Builder::new(),
        Date32Builder::new(),
        Float64Builder::new(),
    );
    for a in &accounts {
        for (m, v) in cfg.monthly_mrr(a) {
            id.append_value(a.account_id);
            month.append_value(m as i32);
            mrr.append_value(v);
            stats.mrr_rows += 1;
        }
    }
    sink(
        "mrr",
        RecordBatch::try_new(
            mrr_schema(),
            vec![
                Arc::new(id.finish()),
                Arc::new(month.finish()),
                Arc::new(mrr.finish()),
            ],
        )?,
    )?;

    let mut id = Int64Builder::new();
    let mut op = TimestampMicrosecondBuilder::new().with_timezone("UTC");
    let mut fr = TimestampMicrosecondBuilder::new().with_timezone("UTC");
    let mut rs = TimestampMicrosecondBuilder::new().with_timezone("UTC");
    for a in &accounts {
        for (o, f, r) in cfg.tickets(a) {
            id.append_value(a.account_id);
            op.append_value(o);
            fr.append_option(f);
            rs.append_option(r);
            stats.tickets += 1;
        }
    }
    sink(
        "tickets",
        RecordBatch::try_new(
            tickets_schema(),
            vec![
                Arc::new(id.finish()),
                Arc::new(op.finish()),
                Arc::new(fr.finish()),
                Arc::new(rs.finish()),
            ],
        )?,
    )?;
    Ok(stats)
}

#[derive(Debug, Default, Clone, Copy)]
pub struct GenStats {
    pub accounts: u64,
    pub events: u64,
    pub mrr_rows: u64,
    pub tickets: u64,
}

#[derive(Default)]
struct EventsBuilder {
    account: Int64Builder,
    user: Int64Builder,
    ts: TimestampMicrosecondBuilder,
    name: StringBuilder,
    duration: Float64Builder,
    key: BooleanBuilder,
    len: usize,
}

impl EventsBuilder {
    fn push(&mut self, account: i64, user: i64, ts: i64, ev: usize, duration: Option<f64>) {
        self.account.append_value(account);
        self.user.append_value(user);
        self.ts.append_value(ts);
        self.name.append_value(EVENT_NAMES[ev].0);
        self.duration.append_option(duration);
        self.key.append_value(EVENT_NAMES[ev].2);
        self.len += 1;
    }

    fn flush(&mut self) -> datafusion::error::Result<RecordBatch> {
        self.len = 0;
        let ts = self.ts.finish().with_timezone("UTC");
        Ok(RecordBatch::try_new(
            events_schema(),
            vec![
                Arc::new(self.account.finish()),
                Arc::new(self.user.finish()),
                Arc::new(ts),
                Arc::new(self.name.finish()),
                Arc::new(self.duration.finish()),
                Arc::new(self.key.finish()),
            ],
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_plausible() {
        let cfg = GenConfig {
            accounts: 300,
            ..GenConfig::default()
        };
        let mut counts = std::collections::HashMap::new();
        let stats = generate(&cfg, |t, b| {
            *counts.entry(t.to_string()).or_insert(0usize) += b.num_rows();
            Ok(())
        })
        .unwrap();
        assert_eq!(stats.accounts, 300);
        assert!(stats.events > 10_000, "{stats:?}");
        assert!(stats.tickets > 100 && stats.mrr_rows > 300, "{stats:?}");
        assert_eq!(counts["events"] as u64, stats.events);
        // same seed, same data; the first accounts do not depend on how many are generated
        let a = cfg.account(17);
        let b = GenConfig {
            accounts: 5,
            ..cfg.clone()
        }
        .account(17);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let churned = (1..=300)
            .filter(|&i| cfg.account(i).churned_at.is_some())
            .count();
        assert!((20..150).contains(&churned), "{churned} churned");
        for i in 1..=300 {
            let a = cfg.account(i);
            assert!(a.signed_up_at >= cfg.start() && a.signed_up_at < cfg.end);
            assert!(a
                .churned_at
                .is_none_or(|c| c > a.signed_up_at && c < cfg.end));
            assert_eq!(a.churn_reason.is_some(), a.churned_at.is_some());
            let mut last = i64::MIN;
            cfg.events(&a, |ts, _, _, d| {
                assert!(ts >= last && ts >= a.signed_up_at && ts < a.active_until);
                assert!(d.is_none_or(|d| d >= 0.0));
                last = ts;
            });
        }
    }
}
