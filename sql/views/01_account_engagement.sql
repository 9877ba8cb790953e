-- Product usage of every account over the 30 days before as_of(): events, active days, minutes, key actions, users, the 0-100 engagement score and the 14-day activity trend. One row per account that signed up before as_of().
-- account_id: The account (input_accounts.account_id).
-- events_30d: Events in the last 30 days, [as_of() - 30 days, as_of()).
-- active_days_30d: Distinct UTC days with at least one event in the last 30 days (capped at 30: when as_of() is not at midnight UTC the window touches 31 calendar days).
-- active_minutes_30d: Sum of the events' duration_seconds in the last 30 days, in minutes.
-- key_actions_30d: Events with is_key_action = true in the last 30 days.
-- active_users_30d: Distinct users with at least one event in the last 30 days.
-- engagement_score: 0-100 engagement of the last 30 days from active minutes, active days and key actions (engagement_score with the default weights and targets); 0 when the account had no events.
-- activity_trend: Events in the last 14 days compared with the 14 days before: (recent - prior) / prior, so -0.45 means down 45%; NULL when the prior 14 days had no events.
-- first_active_at: The account's first event; NULL when it never had one.
-- last_active_at: The account's last event before as_of(); NULL when it never had one.

WITH last_30_days AS (
    -- 30 days = 720 hours: exact 24-hour days, whatever the session's TimeZone
    SELECT account_id,
           count(*) AS events,
           count(DISTINCT user_id) AS active_users,
           engagement_agg(occurred_at, duration_seconds, is_key_action) AS engagement
    FROM input_events
    WHERE occurred_at >= as_of() - INTERVAL '720 hours'
      AND occurred_at < as_of()
    GROUP BY account_id
),
usage_30d AS (
    SELECT account_id,
           events,
           active_users,
           least(active_days(engagement), 30) AS active_days,
           active_minutes(engagement) AS active_minutes,
           key_actions(engagement) AS key_actions
    FROM last_30_days
),
history AS (
    SELECT account_id,
           min(occurred_at) AS first_active_at,
           max(occurred_at) AS last_active_at,
           activity_trend(occurred_at, as_of(), 14) AS activity_trend
    FROM input_events
    WHERE occurred_at < as_of()
    GROUP BY account_id
)
SELECT a.account_id,
       COALESCE(u.events, 0) AS events_30d,
       COALESCE(u.active_days, 0) AS active_days_30d,
       COALESCE(u.active_minutes, 0) AS active_minutes_30d,
       COALESCE(u.key_actions, 0) AS key_actions_30d,
       COALESCE(u.active_users, 0) AS active_users_30d,
       COALESCE(engagement_score(u.active_minutes, u.active_days, u.key_actions, 30), 0) AS engagement_score,
       h.activity_trend,
       h.first_active_at,
       h.last_active_at
FROM input_accounts AS a
LEFT JOIN usage_30d AS u ON u.account_id = a.account_id
LEFT JOIN history AS h ON h.account_id = a.account_id
WHERE a.signed_up_at < as_of()
