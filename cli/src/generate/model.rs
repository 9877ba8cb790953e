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
    /// The physical order of the events table.
    pub order: EventOrder,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            accounts: 2_000,
            days: 540,
            seed: 42,
            end: 1_719_792_000_000_000, /* 2024-07-01 */
            scale: 1.0,
            order: EventOrder::Time,
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
    /// An index drawn with probability proportional to `weights[i]`.
    pub fn pick_index(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.f() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
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
        let mut days = self.account_events(a);
        while days.next_day(self, a, &mut f) {}
    }

    /// The events of one account, one day at a time.
    pub fn account_events(&self, a: &Account) -> AccountEvents {
        AccountEvents {
            r: Rng::for_account(self.seed, a.account_id as u64, 1),
            day: a.signed_up_at.div_euclid(DAY),
            last_day: (a.active_until - 1).div_euclid(DAY),
            times: Vec::new(),
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

/// The events of one account, day by day, drawn from the account's own
/// random stream: the same events whatever order the accounts' days are
/// interleaved in ([`EventOrder`]).
pub struct AccountEvents {
    r: Rng,
    /// The next day to emit (day number since 1970).
    day: i64,
    last_day: i64,
    times: Vec<i64>,
}

impl AccountEvents {
    /// The day [`next_day`](Self::next_day) emits next; `None` when the
    /// account has no more days.
    pub fn day(&self) -> Option<i64> {
        (self.day <= self.last_day).then_some(self.day)
    }

    /// Hand the events of the next day, in time order, to
    /// `f(occurred_at, user_id, event_index, duration)`; `false` when there
    /// was no day left.
    pub fn next_day(
        &mut self,
        cfg: &GenConfig,
        a: &Account,
        f: &mut impl FnMut(i64, i64, usize, Option<f64>),
    ) -> bool {
        let Some(day) = self.day() else {
            return false;
        };
        self.day += 1;
        let r = &mut self.r;
        let weights = EVENT_NAMES.map(|e| e.1);
        let t = day * DAY;
        let weekday = (day + 3).rem_euclid(7); // 0 = Monday
        let season = if weekday >= 5 { 0.25 } else { 1.0 };
        let users_factor = (a.users as f64).sqrt();
        let mean = cfg.scale * 1.6 * users_factor * cfg.intensity(a, t) * season;
        let n = r.poisson(mean);
        self.times.clear();
        for _ in 0..n {
            let hour = (14.0 + 2.5 * r.normal()).clamp(0.0, 23.99);
            let ts = t + (hour * HOUR as f64) as i64;
            if ts >= a.signed_up_at && ts < a.active_until {
                self.times.push(ts);
            }
        }
        self.times.sort_unstable();
        for &ts in &self.times {
            let user = a.account_id * 1000 + r.int(0, a.users - 1);
            let ev = r.pick_index(&weights);
            let duration = if r.chance(0.05) {
                None
            } else {
                Some((r.normal() * 0.9 + 4.2).exp().min(7200.0).round())
            };
            f(ts, user, ev, duration);
        }
        true
    }
}

/// The physical order of the generated events table. The rows are the same
/// in every order; only their sequence differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum EventOrder {
    /// Each account's events together, in time order, accounts by id.
    Account,
    /// By time, accounts interleaved, as an append-only event table is kept
    /// (ties: by account id).
    #[default]
    Time,
    /// A seeded random permutation, as rows merged from unordered sources
    /// (held in memory while generating: about 40 bytes per event).
    Random,
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

    write_events(cfg, &accounts, &mut stats, &mut sink)?;

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

/// The events of every account, in `cfg.order`, as batches of at most
/// [`BATCH_ROWS`] rows.
fn write_events(
    cfg: &GenConfig,
    accounts: &[Account],
    stats: &mut GenStats,
    sink: &mut impl FnMut(&str, RecordBatch) -> datafusion::error::Result<()>,
) -> datafusion::error::Result<()> {
    let mut eb = EventsBuilder::default();
    let mut emit = |eb: &mut EventsBuilder, row: EventRow| -> datafusion::error::Result<()> {
        eb.push(row);
        if eb.len == BATCH_ROWS {
            stats.events += eb.len as u64;
            sink("events", eb.flush()?)?;
        }
        Ok(())
    };
    match cfg.order {
        EventOrder::Account => {
            for a in accounts {
                let mut err = Ok(());
                cfg.events(a, |ts, user, ev, dur| {
                    if err.is_ok() {
                        err = emit(&mut eb, EventRow::new(a.account_id, user, ts, ev, dur));
                    }
                });
                err?;
            }
        }
        EventOrder::Time | EventOrder::Random => {
            // every account's days in step: day d of all accounts, then d + 1
            let mut streams: Vec<AccountEvents> =
                accounts.iter().map(|a| cfg.account_events(a)).collect();
            let mut day = streams.iter().filter_map(AccountEvents::day).min();
            let mut today: Vec<EventRow> = Vec::new();
            let mut all: Vec<EventRow> = Vec::new();
            while let Some(d) = day {
                today.clear();
                let mut next: Option<i64> = None;
                for (s, a) in streams.iter_mut().zip(accounts) {
                    if s.day() == Some(d) {
                        s.next_day(cfg, a, &mut |ts, user, ev, dur| {
                            today.push(EventRow::new(a.account_id, user, ts, ev, dur));
                        });
                    }
                    if let Some(n) = s.day() {
                        next = Some(next.map_or(n, |m: i64| m.min(n)));
                    }
                }
                // stable: equal timestamps keep account order, then the account's own order
                today.sort_by_key(|e| e.occurred_at);
                if cfg.order == EventOrder::Time {
                    for &row in &today {
                        emit(&mut eb, row)?;
                    }
                } else {
                    all.extend_from_slice(&today);
                }
                day = next;
            }
            if cfg.order == EventOrder::Random {
                let mut r = Rng::for_account(cfg.seed, 0, 3);
                for i in (1..all.len()).rev() {
                    let j = (r.next() % (i as u64 + 1)) as usize;
                    all.swap(i, j);
                }
                for row in all {
                    emit(&mut eb, row)?;
                }
            }
        }
    }
    if eb.len > 0 {
        stats.events += eb.len as u64;
        sink("events", eb.flush()?)?;
    }
    Ok(())
}

/// One generated event (`event` indexes the event names).
#[derive(Debug, Clone, Copy)]
struct EventRow {
    account_id: i64,
    user_id: i64,
    occurred_at: i64,
    duration: Option<f64>,
    event: u8,
}

impl EventRow {
    fn new(
        account_id: i64,
        user_id: i64,
        occurred_at: i64,
        event: usize,
        duration: Option<f64>,
    ) -> Self {
        EventRow {
            account_id,
            user_id,
            occurred_at,
            duration,
            event: event as u8,
        }
    }
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
    fn push(&mut self, e: EventRow) {
        let ev = usize::from(e.event);
        self.account.append_value(e.account_id);
        self.user.append_value(e.user_id);
        self.ts.append_value(e.occurred_at);
        self.name.append_value(EVENT_NAMES[ev].0);
        self.duration.append_option(e.duration);
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

    /// The rows of the events table, in file order, as comparable tuples.
    fn event_rows(cfg: &GenConfig) -> Vec<(i64, i64, i64, String, Option<u64>, bool)> {
        use datafusion::arrow::array::{
            Array as _, AsArray, BooleanArray, Float64Array, Int64Array, StringArray,
        };
        use datafusion::arrow::datatypes::TimestampMicrosecondType;
        let mut rows = Vec::new();
        generate(cfg, |t, b| {
            if t == "events" {
                let c = |i| b.column(i).as_any();
                let acc = c(0).downcast_ref::<Int64Array>().unwrap();
                let user = c(1).downcast_ref::<Int64Array>().unwrap();
                let ts = b.column(2).as_primitive::<TimestampMicrosecondType>();
                let name = c(3).downcast_ref::<StringArray>().unwrap();
                let dur = c(4).downcast_ref::<Float64Array>().unwrap();
                let key = c(5).downcast_ref::<BooleanArray>().unwrap();
                for i in 0..b.num_rows() {
                    let d = (!dur.is_null(i)).then(|| dur.value(i).to_bits());
                    rows.push((
                        acc.value(i),
                        user.value(i),
                        ts.value(i),
                        name.value(i).to_string(),
                        d,
                        key.value(i),
                    ));
                }
            }
            Ok(())
        })
        .unwrap();
        rows
    }

    #[test]
    fn every_order_has_the_same_rows() {
        let at = |order| GenConfig {
            accounts: 120,
            days: 90,
            order,
            ..GenConfig::default()
        };
        let by_account = event_rows(&at(EventOrder::Account));
        let by_time = event_rows(&at(EventOrder::Time));
        let random = event_rows(&at(EventOrder::Random));
        assert!(by_account.len() > 5_000, "{}", by_account.len());
        // account order: accounts ascending, each in time order
        assert!(by_account
            .windows(2)
            .all(|w| (w[0].0, w[0].2) <= (w[1].0, w[1].2)));
        // time order: timestamps ascending, accounts interleaved
        assert!(by_time.windows(2).all(|w| w[0].2 <= w[1].2));
        assert!(by_time.windows(2).filter(|w| w[0].0 > w[1].0).count() > 1_000);
        // random: neither
        assert!(random.windows(2).filter(|w| w[0].2 > w[1].2).count() > random.len() / 3);
        assert_ne!(random, by_time);
        // the same rows, and the same permutation for a seed
        let sorted = |mut v: Vec<_>| {
            v.sort();
            v
        };
        assert_eq!(sorted(by_time.clone()), sorted(by_account.clone()));
        assert_eq!(sorted(random.clone()), sorted(by_account));
        assert_eq!(random, event_rows(&at(EventOrder::Random)));
        // the default is time order
        assert_eq!(GenConfig::default().order, EventOrder::Time);
    }

    /// The data set of a seed is fixed forever (in account order, the
    /// layout of 0.1.0): a fingerprint of its events.
    #[test]
    fn the_events_of_a_seed_do_not_change() {
        let rows = event_rows(&GenConfig {
            accounts: 40,
            days: 60,
            order: EventOrder::Account,
            ..GenConfig::default()
        });
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for r in &rows {
            for b in format!("{r:?}").bytes() {
                h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        assert_eq!((rows.len(), h), (2191, 8_900_510_926_218_382_254));
    }
}
