-- churnkit.churn_risk_stage (docs/functions.md): first matching rule of
-- churned, lapsed, onboarding, dormant, renewal_due, declining, active.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- Base account, as of 2024-06-01: signed up 2024-01-01, renewal 2024-12-01
-- (beyond the 60-day window), active yesterday, not churned, flat trend.
-- Each row changes one input to hit a rule or the µs on either side of it.
CREATE TEMP TABLE risk_case (
    n int, label text,
    as_of timestamptz, signed_up_at timestamptz, renewal_at timestamptz,
    last_active_at timestamptz, churned_at timestamptz, activity_trend float8);
INSERT INTO risk_case
SELECT n, label,
       coalesce(as_of, '2024-06-01 00:00+00'),
       coalesce(signed_up_at, '2024-01-01 00:00+00'),
       CASE WHEN renewal_at = '-infinity' THEN NULL ELSE coalesce(renewal_at, '2024-12-01 00:00+00') END,
       CASE WHEN last_active_at = '-infinity' THEN NULL ELSE coalesce(last_active_at, '2024-05-31 00:00+00') END,
       churned_at,
       CASE WHEN activity_trend = 'NaN' THEN NULL ELSE coalesce(activity_trend, 0) END
FROM (VALUES
    -- '-infinity' / 'NaN' below mean "NULL" for renewal_at, last_active_at, activity_trend
    (1,  'base',                                 NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz, NULL::float8),
    (2,  'churned_at = as_of',                   NULL, NULL, NULL, NULL, '2024-06-01 00:00+00', NULL),
    (3,  'churned_at 1 µs after as_of',          NULL, NULL, NULL, NULL, '2024-06-01 00:00:00.000001+00', NULL),
    (4,  'renewal_at 1 µs before as_of',         NULL, NULL, '2024-05-31 23:59:59.999999+00', NULL, NULL, NULL),
    (5,  'renewal_at = as_of',                   NULL, NULL, '2024-06-01 00:00+00', NULL, NULL, NULL),
    (6,  'signed up 30 days - 1 µs ago',         NULL, '2024-05-02 00:00:00.000001+00', NULL, NULL, NULL, NULL),
    (7,  'signed up exactly 30 days ago',        NULL, '2024-05-02 00:00+00', NULL, NULL, NULL, NULL),
    (8,  'never active',                         NULL, NULL, NULL, '-infinity', NULL, NULL),
    (9,  'last active exactly 14 days ago',      NULL, NULL, NULL, '2024-05-18 00:00+00', NULL, NULL),
    (10, 'last active 14 days - 1 µs ago',       NULL, NULL, NULL, '2024-05-18 00:00:00.000001+00', NULL, NULL),
    (11, 'renewal in exactly 60 days',           NULL, NULL, '2024-07-31 00:00+00', NULL, NULL, NULL),
    (12, 'renewal in 60 days + 1 µs',            NULL, NULL, '2024-07-31 00:00:00.000001+00', NULL, NULL, NULL),
    (13, 'trend -0.30',                          NULL, NULL, NULL, NULL, NULL, -0.30),
    (14, 'trend -0.29',                          NULL, NULL, NULL, NULL, NULL, -0.29),
    (15, 'no trend, no renewal date',            NULL, NULL, '-infinity', NULL, NULL, 'NaN'),
    (16, 'signed up in the future',              '2024-06-01 00:00+00', '2024-07-01 00:00+00', NULL, NULL, NULL, NULL),
    (17, 'future activity',                      NULL, NULL, NULL, '2024-06-10 00:00+00', NULL, NULL),
    (18, 'churned before signing up',            NULL, NULL, NULL, NULL, '2023-01-01 00:00+00', NULL)
) AS v(n, label, as_of, signed_up_at, renewal_at, last_active_at, churned_at, activity_trend);

SELECT n, label,
       churnkit.churn_risk_stage(as_of, signed_up_at, renewal_at, last_active_at, churned_at, activity_trend) AS stage
FROM risk_case ORDER BY n;

-- the first matching rule wins
SELECT churnkit.churn_risk_stage('2024-06-01', '2024-06-01', '2020-01-01', NULL, '2020-01-01', -1) AS all_rules,       -- churned
       churnkit.churn_risk_stage('2024-06-01', '2024-06-01', '2020-01-01', NULL, NULL, -1)         AS no_churn,        -- lapsed
       churnkit.churn_risk_stage('2024-06-01', '2024-06-01', NULL, NULL, NULL, -1)                 AS no_renewal,      -- onboarding
       churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL, -1)                 AS onboarded,       -- dormant
       churnkit.churn_risk_stage('2024-06-01', '2024-01-01', '2024-06-15', '2024-05-31', NULL, -1) AS active_renewing, -- renewal_due
       churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, -1)         AS active_falling;  -- declining

-- defaults (30, 60, 14) vs explicit thresholds
SELECT churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-25', NULL)                 AS defaults,         -- active
       churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-25', NULL, NULL, 30, 60, 14) AS explicit,       -- active
       churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-25', NULL, 0.5, 0, 0, 0)    AS zero_thresholds;  -- dormant

-- named arguments: one threshold changed, the others defaulted
SELECT churnkit.churn_risk_stage(as_of => '2024-06-01', signed_up_at => '2024-01-01', renewal_at => NULL,
                                 last_active_at => '2024-05-25', churned_at => NULL,
                                 dormant_days => 7) AS dormant_after_7_days,                     -- dormant (exactly 7 days)
       churnkit.churn_risk_stage(as_of => '2024-06-01', signed_up_at => '2024-01-01', renewal_at => NULL,
                                 last_active_at => '2024-05-25', churned_at => NULL,
                                 dormant_days => 8) AS dormant_after_8_days,                     -- active
       churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL,
                                 onboarding_days => 200) AS long_onboarding,                     -- onboarding until 2024-07-19
       churnkit.churn_risk_stage('2024-06-01', '2024-01-01', '2024-12-01', '2024-05-31', NULL,
                                 renewal_window_days => 183) AS wide_renewal_window,             -- renewal_due (exactly 183 days)
       churnkit.churn_risk_stage('2024-06-01', '2024-01-01', '2024-12-01', '2024-05-31', NULL,
                                 renewal_window_days => 182) AS narrower_window,                 -- active
       churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL,
                                 activity_trend => -0.5) AS trend_named;                         -- declining

-- NOT strict: NULL as_of, signed_up_at or a threshold gives NULL (before any
-- check of the other arguments); other NULLs skip their rule.
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.churn_risk_stage(NULL, '2024-01-01', NULL, '2024-05-31', NULL)$$),
    (2,  $$churnkit.churn_risk_stage('2024-06-01', NULL, NULL, '2024-05-31', NULL)$$),
    (3,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, NULL, NULL)$$),
    (4,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, NULL, 30, NULL)$$),
    (5,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, NULL, 30, 60, NULL)$$),
    (6,  $$churnkit.churn_risk_stage(NULL, NULL, NULL, NULL, NULL)$$),
    (7,  $$churnkit.churn_risk_stage(NULL, '2024-01-01', NULL, NULL, NULL, 'NaN', -1, -1, -1)$$),
    (8,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL, NULL, -1, -1, NULL)$$),
    (9,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, NULL, NULL)$$),
    (10, $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, NULL)$$)
) AS t(n, call)
ORDER BY n;

-- every error: SQLSTATE 22023
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, NULL, -1)$$),
    (2,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, NULL, 30, -1)$$),
    (3,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, NULL, 30, 60, -1)$$),
    (4,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, 'NaN')$$),
    (5,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, NULL, dormant_days => -2147483648)$$),
    -- thresholds are checked before the trend, even for a churned account
    (6,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, '2020-01-01', 'NaN', -1)$$),
    (7,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, NULL, '2020-01-01', 'NaN')$$)
) AS t(n, call)
ORDER BY n;

-- odd inputs: infinite and extreme timestamps and thresholds, infinite trends
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.churn_risk_stage('infinity', '-infinity', NULL, NULL, NULL)$$),
    (2,  $$churnkit.churn_risk_stage('infinity', '-infinity', NULL, 'infinity', NULL)$$),
    (3,  $$churnkit.churn_risk_stage('-infinity', '-infinity', NULL, NULL, NULL)$$),
    (4,  $$churnkit.churn_risk_stage('-infinity', '2024-01-01', NULL, NULL, NULL)$$),
    (5,  $$churnkit.churn_risk_stage('infinity', '2024-01-01', 'infinity', 'infinity', 'infinity')$$),
    (6,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', '-infinity', NULL, NULL)$$),
    (7,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '-infinity', NULL)$$),
    (8,  $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', '-infinity')$$),
    (9,  $$churnkit.churn_risk_stage('294276-12-31 23:59:59+00', '4713-01-01 00:00+00 BC', '294276-12-31 23:59:59+00', '4713-01-01 00:00+00 BC', NULL)$$),
    (10, $$churnkit.churn_risk_stage('294276-12-31 23:59:59+00', '4713-01-01 00:00+00 BC', NULL, '294276-12-31 23:59:59+00', NULL)$$),
    (11, $$churnkit.churn_risk_stage('4713-01-01 00:00+00 BC', '4713-01-01 00:00+00 BC', NULL, NULL, NULL, NULL, 0, 0, 0)$$),
    (12, $$churnkit.churn_risk_stage('294276-12-31 23:59:59+00', '4713-01-01 00:00+00 BC', NULL, '2024-05-31', NULL, NULL, 2147483647, 2147483647, 2147483647)$$),
    (13, $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, '-infinity')$$),
    (14, $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', NULL, '2024-05-31', NULL, 'infinity')$$),
    (15, $$churnkit.churn_risk_stage('2024-06-01', '2024-01-01', '2024-07-01', '2024-05-31', NULL, NULL, 2147483647, 2147483647, 2147483647)$$)
) AS t(n, call)
ORDER BY n;

-- the session TimeZone does not matter (instants are compared)
SET TimeZone = 'Pacific/Kiritimati';
SELECT n, churnkit.churn_risk_stage(as_of, signed_up_at, renewal_at, last_active_at, churned_at, activity_trend) AS stage
FROM risk_case WHERE n IN (6, 7, 9, 10, 11, 12) ORDER BY n;
SET TimeZone = 'UTC';

-- in GROUP BY: stage distribution; thresholds from a column
CREATE TEMP TABLE accounts (id int, segment text, signed_up_at timestamptz, renewal_at timestamptz,
                            last_active_at timestamptz, churned_at timestamptz, trend float8, dormant_days int);
INSERT INTO accounts VALUES
    (1, 'smb',        '2024-05-20', '2025-05-20', '2024-05-31', NULL,         NULL,  14),
    (2, 'smb',        '2023-01-01', '2024-06-20', '2024-05-31', NULL,         0.1,   14),
    (3, 'smb',        '2023-01-01', '2025-01-01', '2024-05-10', NULL,         NULL,  14),
    (4, 'enterprise', '2022-01-01', '2025-01-01', '2024-05-10', NULL,         NULL,  30),
    (5, 'enterprise', '2022-01-01', '2025-01-01', '2024-05-31', NULL,         -0.45, 30),
    (6, 'enterprise', '2022-01-01', '2024-03-01', '2024-02-20', '2024-03-01', NULL,  30),
    (7, 'enterprise', '2022-01-01', '2024-05-01', '2024-05-31', NULL,         NULL,  30);
SELECT id, churnkit.churn_risk_stage('2024-06-01', signed_up_at, renewal_at, last_active_at, churned_at,
                                     trend, dormant_days => dormant_days) AS stage
FROM accounts ORDER BY id;
SELECT churnkit.churn_risk_stage('2024-06-01', signed_up_at, renewal_at, last_active_at, churned_at,
                                 trend, dormant_days => dormant_days) AS stage,
       count(*) AS accounts
FROM accounts GROUP BY 1 ORDER BY 2 DESC, 1;

SELECT 1 AS alive;
