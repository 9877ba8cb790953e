-- First-response SLA of every support ticket opened before as_of(): met when support first answered within 24 hours AND within 2 business hours (Monday-Friday 09:00-17:00 UTC). One row per ticket.
-- account_id: The account that opened the ticket.
-- opened_at: When the ticket was opened.
-- first_response_at: Support's first response, when it came before as_of(); NULL while the ticket waits for one.
-- resolved_at: When the ticket was resolved, if before as_of(); NULL otherwise.
-- hours_to_first_response: Hours from opening to the first response (a response recorded before the opening counts as 0); NULL while open.
-- business_hours_to_first_response: Business hours (Monday-Friday 09:00-17:00 UTC) from opening to the first response; NULL while open.
-- met_24h: First response within 24 hours. For an open ticket: false once 24 hours have passed, NULL (not decided yet) before.
-- met_2_business_hours: First response within 2 business hours. For an open ticket: false once 2 business hours have passed, NULL (not decided yet) before.
-- sla_met: Both rules met: true; either missed: false; NULL while not decided yet (an open ticket still within both limits).
-- open: No first response yet (as of as_of()).

WITH tickets AS (
    -- what was known at as_of(): responses and resolutions at or after it have not happened yet
    SELECT account_id,
           opened_at,
           CASE WHEN first_response_at < as_of() THEN first_response_at END AS first_response_at,
           CASE WHEN resolved_at < as_of() THEN resolved_at END AS resolved_at,
           CASE WHEN first_response_at >= as_of() THEN NULL
                WHEN first_response_at < opened_at THEN opened_at   -- recorded before the opening (clock skew): immediate
                ELSE first_response_at
           END AS responded_at
    FROM input_tickets
    WHERE opened_at < as_of()
),
response_times AS (
    SELECT account_id,
           opened_at,
           first_response_at,
           resolved_at,
           (date_part('epoch', responded_at) - date_part('epoch', opened_at)) / 3600 AS hours_to_first_response,
           business_hours_between(opened_at, responded_at) AS business_hours_to_first_response,
           -- for the open tickets: how long they have been waiting
           opened_at < as_of() - INTERVAL '24 hours' AS waited_24h,
           business_hours_between(opened_at, as_of()) > 2 AS waited_2_business_hours
    FROM tickets
),
rules AS (
    SELECT account_id,
           opened_at,
           first_response_at,
           resolved_at,
           hours_to_first_response,
           business_hours_to_first_response,
           CASE WHEN first_response_at IS NOT NULL THEN hours_to_first_response <= 24
                WHEN waited_24h THEN false
           END AS met_24h,
           CASE WHEN first_response_at IS NOT NULL THEN business_hours_to_first_response <= 2
                WHEN waited_2_business_hours THEN false
           END AS met_2_business_hours
    FROM response_times
)
SELECT account_id,
       opened_at,
       first_response_at,
       resolved_at,
       hours_to_first_response,
       business_hours_to_first_response,
       met_24h,
       met_2_business_hours,
       met_24h AND met_2_business_hours AS sla_met,   -- false if either is false, NULL if undecided
       first_response_at IS NULL AS open
FROM rules
