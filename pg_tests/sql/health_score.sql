-- churnkit.health_score(scores float8[], weights float8[]) (docs/functions.md)
SET client_min_messages = warning;
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, YMD';
\set SHOW_CONTEXT never
\pset null '<NULL>'

-- weighted mean of the present scores; a NULL score is a missing measure and
-- its weight is dropped (renormalised), it does not drag the score down
SELECT churnkit.health_score('{80,NULL,60}', '{1,5,1}') AS missing_middle, -- (80+60)/2 = 70
       churnkit.health_score('{90,30}', '{3,1}')        AS weighted,       -- (270+30)/4 = 75
       churnkit.health_score('{0,100}', '{1,1}')        AS bounds,         -- 50
       churnkit.health_score('{100}', '{1e-300}')       AS tiny_weight;    -- 100

-- the scorecard: engagement, support, sentiment (missing), seat utilisation, payment
-- (27 + 16 + 7.5 + 15) / 0.8 = 81.875
SELECT churnkit.health_score(ARRAY[90, 80, NULL, 50, 100]::float8[],
                             ARRAY[0.3, 0.2, 0.2, 0.15, 0.15]) AS scorecard;

-- NULL when there is nothing to average
SELECT churnkit.health_score('{NULL,NULL}', '{1,1}') IS NULL AS all_missing,
       churnkit.health_score('{}', '{}') IS NULL              AS empty,
       churnkit.health_score('{50,NULL}', '{0,1}') IS NULL    AS present_weight_zero;

-- STRICT on the arrays
SELECT churnkit.health_score(NULL, '{1}') IS NULL AS null_scores,
       churnkit.health_score('{1}', NULL) IS NULL AS null_weights;

-- named arguments
SELECT churnkit.health_score(weights => '{1,3}', scores => '{20,60}') AS named; -- (20+180)/4 = 50

-- every error: SQLSTATE 22023
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.health_score('{1}', '{1,2}')$$),
    (2,  $$churnkit.health_score('{1,2}', '{}')$$),
    (3,  $$churnkit.health_score('{1}', '{-1}')$$),
    (4,  $$churnkit.health_score('{1}', '{NULL}')$$),
    (5,  $$churnkit.health_score('{NULL,2}', '{1,NULL}')$$),
    (6,  $$churnkit.health_score('{1,NULL}', '{0,0}')$$),
    (7,  $$churnkit.health_score('{101}', '{1}')$$),
    (8,  $$churnkit.health_score('{50,-0.5}', '{1,1}')$$)
) AS t(n, call)
ORDER BY n;

-- odd inputs
SELECT n, call, regress.outcome('SELECT ' || call) AS outcome
FROM (VALUES
    (1,  $$churnkit.health_score('{NaN}', '{1}')$$),
    (2,  $$churnkit.health_score('{Infinity}', '{1}')$$),
    (3,  $$churnkit.health_score('{-Infinity}', '{1}')$$),
    (4,  $$churnkit.health_score('{1}', '{Infinity}')$$),
    (5,  $$churnkit.health_score('{NULL}', '{NaN}')$$),
    (6,  $$churnkit.health_score('{50,50}', '{1e308,1e308}')$$),
    (7,  $$churnkit.health_score('{50,50}', '{1e300,1e300}')$$),
    (8,  $$churnkit.health_score('{-0}', '{1}')$$),
    (9,  $$churnkit.health_score('{NULL}', '{-0}')$$),
    -- a multi-dimensional array is an error naming the argument; other
    -- lower bounds than 1 are read in order
    (10, $$churnkit.health_score('{{80,70},{NULL,60}}', '{{1,1},{5,1}}')$$),
    (11, $$churnkit.health_score('{{80,60}}', '{1,3}')$$),
    (12, $$churnkit.health_score('[0:1]={80,60}', '{1,3}')$$),
    (14, $$churnkit.health_score('{80,60}', '{{1,3}}')$$),
    (15, $$churnkit.health_score('[5:6]={80,60}', '[-1:0]={1,3}')$$),
    (13, $$churnkit.health_score(array_fill(50::float8, ARRAY[100000]), array_fill(1::float8, ARRAY[100000]))$$)
) AS t(n, call)
ORDER BY n;

-- with columns, per row and over a GROUP BY
CREATE TEMP TABLE scorecard (account text, segment text, engagement float8, support float8, nps float8);
INSERT INTO scorecard VALUES
    ('acme', 'smb', 90, 70, NULL),
    ('globex', 'smb', 40, NULL, 20),
    ('initech', 'enterprise', NULL, NULL, NULL),
    ('umbrella', 'enterprise', 65, 85, 75);
SELECT account,
       churnkit.health_score(ARRAY[engagement, support, nps], '{0.5,0.3,0.2}') AS health
FROM scorecard ORDER BY account;
-- acme (45+21)/0.8 = 82.5, globex (20+4)/0.7 = 34.285714286, initech NULL,
-- umbrella 32.5+25.5+15 = 73
SELECT segment,
       churnkit.health_score(ARRAY[avg(engagement), avg(support), avg(nps)], '{0.5,0.3,0.2}') AS health
FROM scorecard GROUP BY segment ORDER BY segment;
-- enterprise: the averages are those of umbrella = 73;
-- smb: avg 65, 70, 20 -> 32.5 + 21 + 4 = 57.5

SELECT 1 AS alive;
