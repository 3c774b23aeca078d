-- The floor of the month-end benchmark (scripts/bench-month-end.sh): one hand-written SQL
-- statement computing a region's bill lines for a month — every institution's charged bed-days,
-- delivered visit items and family-care days priced under the policy version in force each day
-- (docs/settlement.md: the checks in order, the weekly frequency of items, the daily cap or flat
-- amount, the fund's share half up to the fen, the monthly cap) — and writing them into
-- `floor_lines`, a plain table of one row per line (the columns and indexes bill lines had before
-- they were packed; `bill_id` holds the institution's id). It leaves out what the generated city
-- does not have: monitoring findings confirmed, caregivers barred and late corrections.
-- psql variables: region (uuid), first and last (the month's days).
DROP TABLE IF EXISTS floor_lines;
CREATE TABLE floor_lines (
  id uuid PRIMARY KEY, bill_id uuid NOT NULL, line_no integer NOT NULL, insured_person_id uuid NOT NULL,
  care_mode varchar(16) NOT NULL, scheme varchar(16) NOT NULL, level integer, service_on date NOT NULL,
  source varchar(16) NOT NULL, source_id uuid NOT NULL, item varchar(16), times integer, policy_version_id uuid,
  rule varchar(20), claimed_fen bigint NOT NULL, allowed_fen bigint NOT NULL, fund_fen bigint NOT NULL,
  rejection varchar(24), deducted_fen bigint NOT NULL DEFAULT 0, deduction_reason varchar(300),
  sampled boolean NOT NULL DEFAULT false, adjusts_bill_id uuid, adjusts_line_no integer, explanation text NOT NULL
);
CREATE UNIQUE INDEX ON floor_lines (bill_id, line_no);
CREATE INDEX ON floor_lines (insured_person_id, service_on);
\timing on
INSERT INTO floor_lines (id, bill_id, line_no, insured_person_id, care_mode, scheme, level, service_on, source,
  source_id, item, times, policy_version_id, rule, claimed_fen, allowed_fen, fund_fen, rejection, deducted_fen,
  sampled, explanation)
WITH policies AS MATERIALIZED (
  SELECT id, version, effective_from, document::jsonb AS doc FROM policy_versions
  WHERE region_id = :'region' AND effective_from <= :'last'
),
rates AS MATERIALIZED (
  SELECT p.id AS policy_id, x.n - 1 AS rate_row, x.r->>'mode' AS mode, x.r->'schemes' AS schemes,
    x.r->'levels' AS levels, (x.r->>'tier')::int AS tier, x.r->>'basis' AS basis,
    round((x.r->>'amount')::numeric * 100)::bigint AS amount_fen, (x.r->>'fund_share')::numeric AS share,
    round((x.r->>'monthly_cap')::numeric * 100)::bigint AS cap_fen
  FROM policies p, jsonb_array_elements(p.doc->'rates') WITH ORDINALITY AS x(r, n)
),
catalogue AS MATERIALIZED (
  SELECT DISTINCT ON (p.id, c->>'code') p.id AS policy_id, c->>'code' AS code,
    round((c->>'unit_price')::numeric * 100)::bigint AS unit_fen, (c->>'max_per_week')::int AS max_week
  FROM policies p, jsonb_array_elements(p.doc->'catalogue') WITH ORDINALITY AS x(c, n) ORDER BY p.id, c->>'code', n
),
eligible AS MATERIALIZED (
  SELECT p.id AS policy_id, e.key AS mode, l::int AS level
  FROM policies p, jsonb_each(p.doc->'eligibility') e, jsonb_array_elements_text(e.value) l
),
policy_days AS MATERIALIZED (
  SELECT d::date AS day, (SELECT id FROM policies WHERE effective_from <= d::date
    ORDER BY effective_from DESC, version DESC LIMIT 1) AS policy_id
  FROM generate_series(:'first'::date, :'last'::date, interval '1 day') d
),
-- The level certified each day: of the certificates valid that day, the one that took effect last.
levels AS MATERIALIZED (
  SELECT DISTINCT ON (c.insured_person_id, d) c.insured_person_id AS person, d::date AS day, c.level
  FROM certificates c,
    generate_series(greatest(c.effective_on, :'first'), least(c.expires_on, :'last'), interval '1 day') d
  WHERE c.region_id = :'region' AND c.status IN ('active', 'superseded') AND c.effective_on <= :'last'
    AND c.expires_on >= :'first'
  ORDER BY c.insured_person_id, d, c.effective_on DESC, c.issued_at DESC
),
hospital_days AS MATERIALIZED (
  SELECT DISTINCT h.insured_person_id AS person, d::date AS day
  FROM hospitalisations h,
    generate_series(greatest(h.admitted_on, :'first'), least(coalesce(h.discharged_on - 1, :'last'), :'last'),
      interval '1 day') d
  WHERE h.region_id = :'region' AND h.admitted_on <= :'last'
),
visits_of_weeks AS (
  SELECT v.* FROM visits v
  WHERE v.region_id = :'region' AND v.state NOT IN ('scheduled', 'missed')
    AND v.scheduled_on BETWEEN date_trunc('week', :'first'::date)::date AND :'last'
),
items AS (
  -- A done task counts as often as it was planned in the visit, once if it was not planned.
  SELECT DISTINCT ON (v.id, t->>'item') v.id AS visit_id, v.institution_id, v.insured_person_id, v.scheduled_on,
    v.checked_in_at, v.state = 'verified' AS verified, t->>'item' AS code,
    coalesce((SELECT (p->>'times')::int FROM jsonb_array_elements(v.planned_items::jsonb) p
              WHERE p->>'code' = t->>'item' LIMIT 1), 1) AS times,
    (SELECT e->>'code' FROM jsonb_array_elements(v.exceptions::jsonb) e
      WHERE e->>'severity' = 'block' AND e->>'item' = t->>'item' LIMIT 1) AS blocked_by
  FROM visits_of_weeks v, jsonb_array_elements(v.tasks::jsonb) t
  WHERE (t->>'done')::boolean
  ORDER BY v.id, t->>'item'
),
prior AS (
  SELECT institution_id, insured_person_id, code, date_trunc('week', scheduled_on)::date AS week, sum(times) AS n
  FROM items WHERE scheduled_on < :'first' AND verified AND blocked_by IS NULL GROUP BY 1, 2, 3, 4
),
raw AS (
  SELECT s.institution_id, s.insured_person_id AS person, c.service_on AS day, s.care_mode AS mode, 0 AS src,
    'stay' AS source, s.id AS source_id, NULL::timestamptz AS checked_in_at, NULL::text AS item, NULL::int AS times,
    c.amount_fen AS charged, true AS verified, NULL::text AS blocked_by
  FROM stay_charges c JOIN stays s ON s.id = c.stay_id
  WHERE s.region_id = :'region' AND s.admitted_on <= :'last' AND c.service_on BETWEEN :'first' AND :'last'
  UNION ALL
  SELECT institution_id, insured_person_id, scheduled_on, 'home_visit', 1, 'visit', visit_id, checked_in_at, code,
    times, 0, verified, blocked_by
  FROM items WHERE scheduled_on >= :'first'
  UNION ALL
  SELECT p.institution_id, p.insured_person_id, d::date, 'family_care', 2, 'family_care', p.id, NULL, NULL, NULL, 0,
    true, NULL
  FROM care_plans p, generate_series(greatest(p.start_on, :'first'), least(p.end_on, :'last'), interval '1 day') d
  WHERE p.region_id = :'region' AND p.care_mode = 'family_care' AND p.start_on <= :'last' AND p.end_on >= :'first'
),
facts AS (
  SELECT r.*, ip.scheme, ip.died_on, i.hospital_tier, lv.level, hd.day IS NOT NULL AS hospitalised, pd.policy_id
  FROM raw r JOIN insured_persons ip ON ip.id = r.person JOIN institutions i ON i.id = r.institution_id
  JOIN policy_days pd ON pd.day = r.day
  LEFT JOIN levels lv ON lv.person = r.person AND lv.day = r.day
  LEFT JOIN hospital_days hd ON hd.person = r.person AND hd.day = r.day
),
checked AS (
  SELECT f.*, cat.unit_fen, cat.max_week, rt.rate_row, rt.basis, rt.amount_fen, rt.share, rt.cap_fen,
    CASE
      WHEN f.died_on <= f.day THEN 'deceased'
      WHEN f.level IS NULL THEN 'not_certified'
      WHEN f.hospitalised THEN 'hospitalised'
      WHEN NOT f.verified THEN 'visit_not_verified'
      WHEN f.blocked_by IS NOT NULL THEN 'item_blocked'
      WHEN f.policy_id IS NULL THEN 'no_policy'
      WHEN NOT EXISTS (SELECT 1 FROM eligible e WHERE e.policy_id = f.policy_id AND e.mode = f.mode
        AND e.level = f.level) THEN 'not_eligible'
      WHEN f.src = 1 AND cat.code IS NULL THEN 'unknown_item'
      WHEN rt.basis IS NULL THEN 'no_rate'
      WHEN rt.basis IN ('capped_per_day', 'flat_per_day') AND rt.amount_fen IS NULL THEN 'no_rate'
      WHEN rt.basis = 'per_item' AND cat.code IS NULL THEN 'no_rate'
    END AS rejection
  FROM facts f
  LEFT JOIN catalogue cat ON f.src = 1 AND cat.policy_id = f.policy_id AND cat.code = f.item
  LEFT JOIN LATERAL (
    SELECT * FROM rates r
    WHERE r.policy_id = f.policy_id AND r.mode = f.mode
      AND (jsonb_array_length(r.schemes) = 0 OR r.schemes @> to_jsonb(f.scheme)) AND r.levels @> to_jsonb(f.level)
      AND (r.tier IS NULL OR (f.mode = 'hospital_ward' AND r.tier = f.hospital_tier))
    ORDER BY r.tier IS NULL, r.rate_row LIMIT 1
  ) AS rt ON true
),
claimed AS (
  SELECT c.*,
    CASE c.src WHEN 0 THEN c.charged WHEN 1 THEN coalesce(c.unit_fen, 0) * c.times ELSE 0 END AS claimed_fen,
    c.rejection IS NULL AS payable,
    row_number() OVER (PARTITION BY c.institution_id ORDER BY c.person, c.day, c.src, c.checked_in_at NULLS FIRST,
      c.source_id, c.item COLLATE "C") AS line_no
  FROM checked c
),
-- The weekly frequency of items: what a beneficiary's week has used, capped at the item's most.
frequency AS (
  SELECT c.*, coalesce(pr.n, 0) AS prior_n,
    sum(CASE WHEN c.src = 1 AND c.payable THEN c.times ELSE 0 END) OVER (
      PARTITION BY c.institution_id, c.person, c.item, date_trunc('week', c.day) ORDER BY c.line_no) AS cum_times
  FROM claimed c
  LEFT JOIN prior pr ON c.src = 1 AND pr.institution_id = c.institution_id AND pr.insured_person_id = c.person AND pr.code = c.item
    AND pr.week = date_trunc('week', c.day)::date
),
weekly AS (
  SELECT f.*,
    CASE WHEN f.src = 1 AND f.payable THEN
      greatest(f.prior_n, least(f.max_week, f.prior_n + f.cum_times))
      - greatest(f.prior_n, least(f.max_week, f.prior_n + f.cum_times - f.times)) END AS paid_times
  FROM frequency f
),
after_frequency AS (
  SELECT w.*,
    CASE WHEN w.src = 1 AND w.payable THEN w.unit_fen * w.paid_times ELSE w.claimed_fen END AS allowed0,
    CASE WHEN w.src = 1 AND w.payable AND w.paid_times = 0 AND w.times > 0 THEN 'over_frequency' END AS freq_rejection
  FROM weekly w
),
daily AS (
  SELECT a.*, a.payable AND a.freq_rejection IS NULL AS payable2,
    sum(CASE WHEN a.payable AND a.freq_rejection IS NULL THEN a.allowed0 ELSE 0 END) OVER (
      PARTITION BY a.institution_id, a.person, a.day, a.policy_id, a.rate_row ORDER BY a.line_no) AS cum_allowed,
    count(*) FILTER (WHERE a.payable AND a.freq_rejection IS NULL) OVER (
      PARTITION BY a.institution_id, a.person, a.day, a.policy_id, a.rate_row ORDER BY a.line_no) AS nth_of_day
  FROM after_frequency a
),
after_daily AS (
  SELECT d.*,
    CASE
      WHEN NOT d.payable2 THEN 0
      WHEN d.basis = 'capped_per_day'
        THEN least(d.amount_fen, d.cum_allowed) - least(d.amount_fen, d.cum_allowed - d.allowed0)
      WHEN d.basis = 'flat_per_day' THEN CASE WHEN d.nth_of_day = 1 THEN d.amount_fen ELSE 0 END
      ELSE d.allowed0
    END AS allowed1
  FROM daily d
),
shared AS (
  SELECT a.*,
    CASE WHEN a.payable2 AND a.basis = 'capped_per_day' AND a.allowed1 = 0 AND a.allowed0 > 0
      THEN 'over_cap' END AS day_rejection,
    CASE WHEN a.payable2 THEN round(a.allowed1 * a.share)::bigint ELSE 0 END AS fund0
  FROM after_daily a
),
monthly AS (
  SELECT s.*,
    sum(CASE WHEN s.payable2 AND s.day_rejection IS NULL THEN s.fund0 ELSE 0 END) OVER (
      PARTITION BY s.institution_id, s.person, s.policy_id, s.rate_row ORDER BY s.line_no) AS cum_fund
  FROM shared s
),
priced AS (
  SELECT m.*,
    CASE WHEN m.payable2 AND m.day_rejection IS NULL AND m.cap_fen IS NOT NULL
      THEN least(m.cap_fen, m.cum_fund) - least(m.cap_fen, m.cum_fund - m.fund0) ELSE m.fund0 END AS fund1,
    CASE WHEN m.payable2 AND m.day_rejection IS NULL AND m.cap_fen IS NOT NULL AND m.fund0 > 0
      AND m.cap_fen <= m.cum_fund - m.fund0 THEN 'over_cap' END AS month_rejection
  FROM monthly m
)
SELECT gen_random_uuid(), p.institution_id, p.line_no, p.person, p.mode, p.scheme, p.level, p.day, p.source,
  p.source_id, p.item, p.times, p.policy_id, CASE WHEN p.rejection IS NULL THEN p.basis END,
  p.claimed_fen,
  CASE WHEN coalesce(p.rejection, p.freq_rejection, p.day_rejection, p.month_rejection) IS NULL THEN p.allowed1 ELSE 0 END,
  CASE WHEN coalesce(p.rejection, p.freq_rejection, p.day_rejection, p.month_rejection) IS NULL THEN p.fund1 ELSE 0 END,
  coalesce(p.rejection, p.freq_rejection, p.day_rejection, p.month_rejection), 0, false, ''
FROM priced p;
