-- churnkit.business_hours_between(start, "end", time_zone 'UTC', day_start '09:00', day_end '17:00')
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- 2024-01-08 is a Monday, 2024-01-12 a Friday
SELECT n, start, "end", churnkit.business_hours_between(start, "end") AS hours
FROM (VALUES
    (1, '2024-01-08 10:00+00'::timestamptz, '2024-01-08 12:30+00'::timestamptz), -- 2.5
    (2, '2024-01-08 07:00+00', '2024-01-08 20:00+00'),   -- 8: clipped to 09:00-17:00
    (3, '2024-01-08 16:00+00', '2024-01-09 10:00+00'),   -- 1 + 1
    (4, '2024-01-12 16:00+00', '2024-01-15 10:00+00'),   -- Friday 16:00 -> Monday 10:00: 1 + 1
    (5, '2024-01-13 09:00+00', '2024-01-14 17:00+00'),   -- a weekend: 0
    (6, '2024-01-08 00:00+00', '2024-01-22 00:00+00'),   -- two weeks: 80
    (7, '2024-01-08 10:00+00', '2024-01-08 10:00+00'),   -- 0
    (8, '2024-01-08 17:00+00', '2024-01-09 09:00+00'),   -- overnight: 0
    (9, '2024-01-08 09:00:00.000001+00', '2024-01-08 09:00:00.000002+00'), -- 1 µs = 1/3600e6 h
    (10, '2023-12-29 12:00+00', '2024-01-02 12:00+00')   -- Fri 5 h + Mon 8 h + Tue 3 h = 16 (holidays are not excluded)
) AS t(n, start, "end")
ORDER BY n;

-- time zones and custom working days
SELECT churnkit.business_hours_between('2024-01-08 13:00+00', '2024-01-08 23:00+00', 'America/New_York') AS new_york,     -- 8 (09:00-17:00 EST = 14:00-22:00 UTC)
       churnkit.business_hours_between('2024-01-08 13:00+00', '2024-01-08 23:00+00')                     AS utc,          -- 4
       churnkit.business_hours_between('2024-01-08 00:00+00', '2024-01-09 00:00+00', 'UTC', '08:30', '12:00') AS morning, -- 3.5
       churnkit.business_hours_between('2024-01-08 00:00+00', '2024-01-15 00:00+00', 'UTC', '00:00', '24:00') AS all_day, -- 120
       churnkit.business_hours_between('2024-01-08 00:00+00', '2024-01-09 00:00+00', 'UTC', '09:00:30', '17:00') AS seconds, -- 7h59m30s
       churnkit.business_hours_between('2024-04-01 00:00+00', '2024-04-02 00:00+00', 'Europe/Berlin') AS berlin_summer, -- 8 (07:00-15:00 UTC)
       churnkit.business_hours_between('2024-04-01 00:00+00', '2024-04-01 12:00+00', 'europe/berlin') AS berlin_morning, -- 5 (07:00-12:00 UTC)
       churnkit.business_hours_between('2024-01-08 00:00+00', '2024-01-08 12:00+00', ' utc ', ' 10:00 ', '11:00') AS trimmed; -- 1

-- across a DST change: New York moves from EST (UTC-5) to EDT (UTC-4) on
-- Sunday 2024-03-10, so Friday 16:00 local = 21:00 UTC, Monday 10:00 local = 14:00 UTC
SELECT churnkit.business_hours_between('2024-03-08 21:00+00', '2024-03-11 14:00+00', 'America/New_York') AS across_dst; -- Fri 16-17 EST + Mon 9-10 EDT = 2

-- named arguments: "end" is a reserved word, so it must be quoted
SELECT churnkit.business_hours_between(start => '2024-01-08 08:00+00', "end" => '2024-01-08 19:00+00', day_end => '18:00') AS named, -- 9
       -- Tokyo = UTC+9: Mon 21:00 -> Tue 21:00 local, 08:00-17:00 on Tuesday = 9
       churnkit.business_hours_between("end" => '2024-01-09 12:00+00', start => '2024-01-08 12:00+00',
                                       time_zone => 'Asia/Tokyo', day_start => '08:00') AS named_reordered;
SELECT regress.outcome($$ SELECT churnkit.business_hours_between(start => now(), end => now()) $$) AS unquoted_end;

-- STRICT, defaults included
SELECT churnkit.business_hours_between(NULL, '2024-01-08') IS NULL                       AS null_start,
       churnkit.business_hours_between('2024-01-08', NULL) IS NULL                       AS null_end,
       churnkit.business_hours_between('2024-01-08', '2024-01-09', NULL) IS NULL         AS null_zone,
       churnkit.business_hours_between('2024-01-08', '2024-01-09', 'UTC', NULL) IS NULL  AS null_day_start,
       churnkit.business_hours_between('2024-01-08', '2024-01-09', 'UTC', '09:00', NULL) IS NULL AS null_day_end,
       churnkit.business_hours_between('2024-01-09', '2024-01-08', 'Mars/Base', NULL) IS NULL AS null_beats_invalid;

-- every error: SQLSTATE 22023
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.business_hours_between('2024-01-08 10:00+00', '2024-01-08 09:59:59.999999+00')$$),
    (2,  $$churnkit.business_hours_between('2024-01-08', '2024-01-09', 'UTC', '17:00', '09:00')$$),
    (3,  $$churnkit.business_hours_between('2024-01-08', '2024-01-09', 'UTC', '09:00', '09:00')$$),
    (4,  $$churnkit.business_hours_between('2024-01-08', '2024-01-09', 'UTC', '9am', '17:00')$$),
    (5,  $$churnkit.business_hours_between('2024-01-08', '2024-01-09', 'UTC', '09:00', '24:01')$$),
    (6,  $$churnkit.business_hours_between('2024-01-08', '2024-01-09', 'UTC', '09:60', '10:00')$$),
    (7,  $$churnkit.business_hours_between('2024-01-08', '2024-01-09', 'UTC', '', '17:00')$$),
    (8,  $$churnkit.business_hours_between('2024-01-08', '2024-01-09', 'UTC', '09:00', '17:00:60')$$),
    (9,  $$churnkit.business_hours_between('2024-01-08', '2024-01-09', 'UTC', '9:00', '1:00:00:00')$$),
    (10, $$churnkit.business_hours_between('2024-01-08', '2024-01-09', 'Nowhere/City')$$),
    (11, $$churnkit.business_hours_between('2024-01-08', '2024-01-09', 'CET+1')$$),
    -- parameters are checked first: time zone, day_start, day_end, then "end" < start
    (12, $$churnkit.business_hours_between('2024-01-09', '2024-01-08', 'Nowhere/City', 'x', 'y')$$),
    (13, $$churnkit.business_hours_between('2024-01-09', '2024-01-08', 'UTC', 'x', 'y')$$),
    (14, $$churnkit.business_hours_between('2024-01-09', '2024-01-08', 'UTC', '09:00', 'y')$$)
) AS t(n, call)
ORDER BY n;

-- odd inputs: infinite and extreme timestamps
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.business_hours_between('-infinity', 'infinity')$$),
    (2,  $$churnkit.business_hours_between('infinity', 'infinity')$$),
    (3,  $$churnkit.business_hours_between('-infinity', '-infinity')$$),
    (4,  $$churnkit.business_hours_between('infinity', '-infinity')$$),
    (5,  $$churnkit.business_hours_between('-infinity', '2024-01-08', 'Europe/Berlin')$$),
    (6,  $$churnkit.business_hours_between('2024-01-08', 'infinity', 'Europe/Berlin')$$),
    (7,  $$churnkit.business_hours_between('4713-01-01 00:00+00 BC', '2000-01-01 00:00+00')$$),
    (8,  $$churnkit.business_hours_between('2000-01-01 00:00+00', '294276-12-31 23:59:59+00')$$),
    (9,  $$churnkit.business_hours_between('4713-01-01 00:00+00 BC', '294276-12-31 23:59:59+00', 'UTC', '00:00', '24:00')$$),
    (10, $$churnkit.business_hours_between('4713-01-01 00:00+00 BC', '2000-01-01 00:00+00', 'Europe/Berlin')$$),
    (11, $$churnkit.business_hours_between('2000-01-01 00:00+00', '294276-12-31 23:59:59+00', 'America/New_York')$$)
) AS t(n, call)
ORDER BY n;

-- support SLAs: first-response time per ticket, time zone and hours from columns
CREATE TEMP TABLE tickets (id int, team_zone text, day_start text, day_end text,
                           opened_at timestamptz, first_response_at timestamptz);
INSERT INTO tickets VALUES
    (1, 'Europe/Berlin',    '09:00', '17:00', '2024-01-08 07:30+00', '2024-01-08 10:00+00'), -- 08:30-11:00 CET: 2
    (2, 'America/New_York', '09:00', '17:00', '2024-01-12 21:00+00', '2024-01-15 15:00+00'), -- Fri 16:00 EST -> Mon 10:00: 2
    (3, 'UTC',              '08:00', '20:00', '2024-01-08 19:00+00', '2024-01-09 09:00+00'), -- 1 + 1
    (4, 'Europe/Berlin',    '09:00', '17:00', '2024-01-13 10:00+00', '2024-01-15 09:00+00'), -- Sat -> Mon 10:00 CET: 1
    (5, 'Asia/Kolkata',     '09:30', '18:30', '2024-01-08 03:00+00', '2024-01-08 05:00+00'); -- 08:30-10:30 IST: 1
SELECT id, team_zone,
       churnkit.business_hours_between(opened_at, first_response_at, team_zone, day_start, day_end) AS response_hours,
       churnkit.business_hours_between(opened_at, first_response_at, team_zone, day_start, day_end) <= 2 AS within_2_business_hours
FROM tickets ORDER BY id;
SELECT team_zone, avg(churnkit.business_hours_between(opened_at, first_response_at, team_zone)) AS avg_hours
FROM tickets GROUP BY team_zone ORDER BY team_zone;

-- the session TimeZone does not change the default UTC working day
SET TimeZone = 'America/Los_Angeles';
SELECT churnkit.business_hours_between('2024-01-08 08:00+00', '2024-01-08 18:00+00') AS utc_day_in_la_session; -- 8
SET TimeZone = 'UTC';

SELECT 1 AS alive;
