-- The summary types engagement_summary, activity, survival_summary
-- (docs/aggregates.md): text form (core's JSON), binary form (core's
-- versioned bytes), storage in tables, dump/restore as text, re-reading.
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- the text form is core's JSON (keys sorted, timestamps ISO-8601 UTC):
-- 2 events, 90 s (a NULL duration is 0 s), 1 key action (NULL is false),
-- one UTC day
SELECT churnkit.engagement_agg(ts, d, k)::text AS engagement
FROM (VALUES ('2024-01-31 23:30:00+00'::timestamptz, 90::float8, true),
             ('2024-01-31 00:00:00+00', NULL, NULL)) AS v(ts, d, k);
SELECT churnkit.activity_agg(ts, 'month')::text AS activity
FROM (VALUES ('2024-01-31 23:30:00+00'::timestamptz), ('2023-11-14 08:00:00+00')) AS v(ts);
SELECT churnkit.survival_agg(t, c)::text AS survival
FROM (VALUES (30::float8, true), (0.5, false)) AS v(t, c);

-- ... and reads back: any key order and white space, printed canonically
SELECT '{ "version": 1, "events": 2, "active_seconds": 90, "key_actions": 1,
          "first_active_at": "2024-01-31T00:00:00Z", "last_active_at": "2024-01-31T23:30:00Z",
          "active_days": ["2024-01-31"] }'::churnkit.engagement_summary AS engagement;
SELECT '{"periods":["2023-11-01","2024-01-01"],"granularity":"month","version":1}'::churnkit.activity AS activity;
SELECT '{"version":1,"tenures":[[0.5,0,1],[30,1,0]]}'::churnkit.survival_summary AS survival;
-- timestamps with fractional seconds, and a date alone (midnight UTC)
SELECT '{"version":1,"events":1,"active_seconds":0,"key_actions":0,"first_active_at":"2024-02-29T12:00:00.000001Z",
         "last_active_at":"2024-02-29T12:00:00.000001Z","active_days":["2024-02-29"]}'::churnkit.engagement_summary AS fraction,
       '{"version":1,"events":1,"active_seconds":0,"key_actions":0,"first_active_at":"2024-02-29",
         "last_active_at":"2024-02-29","active_days":["2024-02-29"]}'::churnkit.engagement_summary AS date_only;
-- a summary of zero events is valid text (never produced by engagement_agg,
-- which returns NULL for an empty group)
SELECT s, churnkit.active_days(s), churnkit.key_actions(s), churnkit.last_active_at(s)
FROM (SELECT '{"version":1,"events":0,"active_seconds":0,"key_actions":0,"first_active_at":null,
               "last_active_at":null,"active_days":[]}'::churnkit.engagement_summary AS s) AS t;

-- text -> value -> text is the identity, for every granularity too
SELECT g, churnkit.activity_agg(ts, g)::text AS activity,
       churnkit.activity_agg(ts, g)::text::churnkit.activity::text = churnkit.activity_agg(ts, g)::text AS round_trip
FROM (VALUES ('2023-12-31 23:59:59+00'::timestamptz), ('2024-01-01 00:00:00+00'), ('2024-02-29 12:00:00+00')) AS v(ts),
     unnest(ARRAY['day', 'week', 'month', 'quarter', 'year']) AS g
GROUP BY g ORDER BY min(array_position(ARRAY['day', 'week', 'month', 'quarter', 'year'], g));

-- bad text: SQLSTATE 22023 and core's message, naming the type
SELECT n, input, regress.outcome(format('SELECT %L::churnkit.%s', input, typ)) AS outcome
FROM (VALUES
    (1,  'engagement_summary', 'x'),
    (2,  'engagement_summary', '[]'),
    (3,  'engagement_summary', '{}'),
    (4,  'engagement_summary', '{"version":2}'),
    (5,  'engagement_summary', '{"version":1,"events":1}'),
    (6,  'engagement_summary', '{"version":1,"events":0,"active_seconds":0,"key_actions":0,"first_active_at":null,"last_active_at":null,"active_days":[],"extra":1}'),
    (7,  'engagement_summary', '{"version":1,"events":1,"active_seconds":-1,"key_actions":0,"first_active_at":"2024-01-01","last_active_at":"2024-01-01","active_days":["2024-01-01"]}'),
    (8,  'engagement_summary', '{"version":1,"events":1,"active_seconds":0,"key_actions":2,"first_active_at":"2024-01-01","last_active_at":"2024-01-01","active_days":["2024-01-01"]}'),
    (9,  'engagement_summary', '{"version":1,"events":1,"active_seconds":0,"key_actions":0,"first_active_at":"2024-01-01","last_active_at":"2024-01-01","active_days":["2024-01-02"]}'),
    (10, 'engagement_summary', '{"version":1,"events":1,"active_seconds":0,"key_actions":0,"first_active_at":"2024-02-30","last_active_at":"2024-01-01","active_days":["2024-01-01"]}'),
    (11, 'activity',           '{"version":1,"granularity":"fortnight","periods":["2024-01-01"]}'),
    (12, 'activity',           '{"version":1,"granularity":"month","periods":["2024-01-02"]}'),
    (13, 'activity',           '{"version":1,"granularity":"month","periods":[]}'),
    (14, 'activity',           '{"version":1,"granularity":"week","periods":["2024-01-08","2024-01-01"]}'),
    (15, 'survival_summary',   '{"version":1,"tenures":[[30,1,0],[1,1,0]]}'),
    (16, 'survival_summary',   '{"version":1,"tenures":[[-1,1,0]]}'),
    (17, 'survival_summary',   '{"version":1,"tenures":[[1,0,0]]}'),
    (18, 'survival_summary',   '{"version":1,"tenures":[[1,1]]}'),
    (19, 'survival_summary',   '')
) AS t(n, typ, input)
ORDER BY n;

-- as an analyst sees it
SELECT '{"version":1}'::churnkit.activity;

-- the binary form (send/receive, COPY BINARY) is core's encoding: format
-- version 1, then the fields (events 2, active seconds 90.0 as a
-- little-endian double, key actions 1, first/last flag 1, ...)
SELECT churnkit.engagement_summary_send(churnkit.engagement_agg(ts, d, k)) AS bytes
FROM (VALUES ('2024-01-31 23:30:00+00'::timestamptz, 90::float8, true),
             ('2024-01-31 00:00:00+00', NULL, NULL)) AS v(ts, d, k);
-- granularity code 2 (month), then the periods (count, first, gaps)
SELECT churnkit.activity_send('{"version":1,"granularity":"month","periods":["1970-01-01","1970-03-01"]}') AS bytes;
SELECT churnkit.survival_summary_send('{"version":1,"tenures":[]}') AS bytes;

-- Summaries stored in a table: one row per account
CREATE TEMP TABLE st_events (account text, occurred_at timestamptz, duration_seconds float8, is_key_action boolean, tenure_days float8, churned boolean);
INSERT INTO st_events VALUES
    ('acme',    '2024-01-05 10:00+00', 120, true,  400, false),
    ('acme',    '2024-02-11 10:00+00', 60,  false, 400, false),
    ('acme',    '2024-02-12 10:00+00', 60,  true,  400, false),
    ('globex',  '2024-01-20 10:00+00', 30,  false, 45,  true),
    ('globex',  '2024-03-02 10:00+00', 30,  false, 45,  true),
    ('initech', '2024-02-01 00:00+00', 0,   true,  10,  true);
CREATE TEMP TABLE st_summaries AS
SELECT account,
       churnkit.engagement_agg(occurred_at, duration_seconds, is_key_action) AS engagement,
       churnkit.activity_agg(occurred_at, 'month') AS activity,
       churnkit.survival_agg(tenure_days, churned) AS survival
FROM st_events GROUP BY account;
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attstorage
FROM pg_attribute a WHERE a.attrelid = 'st_summaries'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SELECT account, engagement, activity, survival FROM st_summaries ORDER BY account;

-- read back with the accessors
SELECT account, churnkit.active_days(engagement) AS days, churnkit.active_minutes(engagement) AS minutes,
       churnkit.key_actions(engagement) AS key_actions, churnkit.last_active_at(engagement) AS last_active,
       churnkit.cohort_start(activity) AS cohort, churnkit.is_active(activity, 1) AS active_month_1,
       churnkit.survival_at(survival, 100) AS s_100
FROM st_summaries ORDER BY account;

-- re-aggregated: retention of the stored activities (January cohort: acme
-- active in January and February, globex in January and March)
SELECT churnkit.cohort_start(activity)::date AS cohort, churnkit.retention_counts(activity) AS counts
FROM st_summaries GROUP BY 1 ORDER BY 1;

-- the stored datum is core's bytes behind a varlena header (1 byte when
-- short); nothing else
SELECT account, pg_column_size(engagement) = octet_length(churnkit.engagement_summary_send(engagement)) + 1 AS engagement_is_core_bytes,
       pg_column_size(activity) = octet_length(churnkit.activity_send(activity)) + 1 AS activity_is_core_bytes
FROM st_summaries ORDER BY account;

-- dump and restore as text (what pg_dump does): identical values
CREATE TEMP TABLE st_text (account text, engagement text, activity text, survival text);
INSERT INTO st_text SELECT account, engagement::text, activity::text, survival::text FROM st_summaries;
CREATE TEMP TABLE st_restored (account text, engagement churnkit.engagement_summary, activity churnkit.activity, survival churnkit.survival_summary);
INSERT INTO st_restored
SELECT account, engagement::churnkit.engagement_summary, activity::churnkit.activity, survival::churnkit.survival_summary
FROM st_text;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE r.engagement::text = s.engagement::text AND r.activity::text = s.activity::text
                          AND r.survival::text = s.survival::text) AS identical
FROM st_summaries s JOIN st_restored r USING (account);

-- COPY in text format (pg_dump's format) and in binary format, round trip
-- through a file written by the server
SELECT regress.run(format($q$COPY st_summaries TO PROGRAM %L$q$,
                          'cat > /tmp/churnkit_regress_' || pg_backend_pid() || '.txt')) AS copy_text_out;
CREATE TEMP TABLE st_copy_text (LIKE st_summaries);
SELECT regress.run(format($q$COPY st_copy_text FROM PROGRAM %L$q$,
                          'cat /tmp/churnkit_regress_' || pg_backend_pid() || '.txt && rm -f /tmp/churnkit_regress_' || pg_backend_pid() || '.txt')) AS copy_text_in;
SELECT regress.run(format($q$COPY st_summaries TO PROGRAM %L (FORMAT binary)$q$,
                          'cat > /tmp/churnkit_regress_' || pg_backend_pid() || '.bin')) AS copy_binary_out;
CREATE TEMP TABLE st_copy_binary (LIKE st_summaries);
SELECT regress.run(format($q$COPY st_copy_binary FROM PROGRAM %L (FORMAT binary)$q$,
                          'cat /tmp/churnkit_regress_' || pg_backend_pid() || '.bin && rm -f /tmp/churnkit_regress_' || pg_backend_pid() || '.bin')) AS copy_binary_in;
SELECT r.copy, count(*) AS rows,
       count(*) FILTER (WHERE r.engagement::text = s.engagement::text AND r.activity::text = s.activity::text
                          AND r.survival::text = s.survival::text) AS identical
FROM st_summaries s
JOIN (SELECT 'text' AS copy, * FROM st_copy_text UNION ALL SELECT 'binary', * FROM st_copy_binary) AS r USING (account)
GROUP BY r.copy ORDER BY r.copy;

-- binary input is validated like text input: the binary form of a bytea is
-- its raw bytes, so a bytea column written with COPY BINARY can be read
-- into a summary column
CREATE TEMP TABLE st_raw (b bytea);
-- a valid activity: version 1, month (code 2), one period, zig-zag 2 =
-- month index 1 (core counts months from January of year 0: February 0000)
INSERT INTO st_raw VALUES ('\x01020102'::bytea);
SELECT regress.run(format($q$COPY st_raw TO PROGRAM %L (FORMAT binary)$q$,
                          'cat > /tmp/churnkit_regress_' || pg_backend_pid() || '.raw')) AS copy_out;
CREATE TEMP TABLE st_raw_activity (a churnkit.activity);
SELECT regress.run(format($q$COPY st_raw_activity FROM PROGRAM %L (FORMAT binary)$q$,
                          'cat /tmp/churnkit_regress_' || pg_backend_pid() || '.raw')) AS copy_in;
SELECT a FROM st_raw_activity;
TRUNCATE st_raw;
INSERT INTO st_raw VALUES ('\x0102010200'::bytea);   -- one byte too many
SELECT regress.run(format($q$COPY st_raw TO PROGRAM %L (FORMAT binary)$q$,
                          'cat > /tmp/churnkit_regress_' || pg_backend_pid() || '.raw')) AS copy_out;
SELECT regress.run(format($q$COPY st_raw_activity FROM PROGRAM %L (FORMAT binary)$q$,
                          'cat /tmp/churnkit_regress_' || pg_backend_pid() || '.raw && rm -f /tmp/churnkit_regress_' || pg_backend_pid() || '.raw')) AS copy_in;
-- 0.2.0 (CHANGELOG.md): binary input is exactly as strict as text input. A "year"
-- activity of period 2^62 (no timestamp has it; 0.1.0 took it and gave a
-- wrapped cohort_start of 2091-11-10) and a varint written in two bytes
-- (0.1.0 took it: its bytes would not read back the same) are refused.
TRUNCATE st_raw;
INSERT INTO st_raw VALUES ('\x010401feffffffffffffffff01'::bytea);
SELECT regress.run(format($q$COPY st_raw TO PROGRAM %L (FORMAT binary)$q$,
                          'cat > /tmp/churnkit_regress_' || pg_backend_pid() || '.raw')) AS copy_out;
SELECT regress.run(format($q$COPY st_raw_activity FROM PROGRAM %L (FORMAT binary)$q$,
                          'cat /tmp/churnkit_regress_' || pg_backend_pid() || '.raw')) AS copy_in;
TRUNCATE st_raw;
INSERT INTO st_raw VALUES ('\x0102018200'::bytea);
SELECT regress.run(format($q$COPY st_raw TO PROGRAM %L (FORMAT binary)$q$,
                          'cat > /tmp/churnkit_regress_' || pg_backend_pid() || '.raw')) AS copy_out;
SELECT regress.run(format($q$COPY st_raw_activity FROM PROGRAM %L (FORMAT binary)$q$,
                          'cat /tmp/churnkit_regress_' || pg_backend_pid() || '.raw && rm -f /tmp/churnkit_regress_' || pg_backend_pid() || '.raw')) AS copy_in;
-- what 0.1.0 stored for activity_agg('-infinity', 'week') reads back from
-- its text form (a pg_dump of it restores), and its cohort start is 22008
SELECT a::text::churnkit.activity::text = a::text AS round_trip,
       regress.outcome(format($q$SELECT churnkit.cohort_start(%L::churnkit.activity)$q$, a)) AS cohort_start
FROM (VALUES ('{"granularity":"week","periods":["-290308-12-15"],"version":1}'::churnkit.activity)) AS v(a);
SELECT regress.outcome($$ SELECT churnkit.activity_agg('-infinity'::timestamptz, 'week') $$);

-- large summaries are stored compressed / out of line and read back whole
CREATE TEMP TABLE st_large AS
SELECT churnkit.engagement_agg(ts, 1, false) AS s
FROM generate_series('2000-01-01'::timestamptz, '2029-12-31', '1 day') AS ts;
SELECT churnkit.active_days(s) AS days, pg_column_size(s) < octet_length(churnkit.engagement_summary_send(s)) AS compressed
FROM st_large;

-- 0.2.0 (CHANGELOG.md): equality, ordering and hashing (0.1.0 had no operators, so
-- DISTINCT, UNION and GROUP BY on a summary failed). Equal values are equal
-- (a summary read back from its text form included); the order is that of
-- the binary encodings
-- (the operators live in schema churnkit: qualified, or with churnkit on
-- the search_path; DISTINCT, GROUP BY and UNION find them without)
SELECT count(*) FILTER (WHERE activity OPERATOR(churnkit.=) activity) AS equal_to_itself,
       count(*) FILTER (WHERE activity OPERATOR(churnkit.=) activity::text::churnkit.activity) AS equal_to_its_text,
       count(*) FILTER (WHERE engagement OPERATOR(churnkit.<>) engagement) AS unequal_to_itself
FROM st_summaries;
SELECT count(*) AS rows, count(DISTINCT activity) AS distinct_activities,
       count(DISTINCT engagement) AS distinct_engagement, count(DISTINCT survival) AS distinct_survival
FROM (SELECT * FROM st_summaries UNION ALL SELECT * FROM st_summaries) t;
SELECT count(*) AS union_rows FROM (SELECT activity FROM st_summaries UNION SELECT activity FROM st_summaries) u;
SELECT count(*) AS groups FROM (SELECT survival, count(*) FROM st_summaries GROUP BY survival) g;
SET enable_hashagg = off;
SELECT count(*) AS sorted_groups FROM (SELECT engagement, count(*) FROM st_summaries GROUP BY engagement) g;
RESET enable_hashagg;
SET search_path = churnkit, public;
SELECT a = b AS eq, a < b AS lt, a > b AS gt, activity_cmp(a, b) AS cmp, a = a AS same
FROM (VALUES ('{"granularity":"month","periods":["2024-01-01"],"version":1}'::activity,
              '{"granularity":"month","periods":["2024-02-01"],"version":1}'::activity)) v(a, b);
RESET search_path;

SELECT 1 AS alive;
