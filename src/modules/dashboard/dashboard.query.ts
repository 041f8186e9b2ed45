import { DEVIATION_PARTIES } from '../deviation/deviation.constants';
import { DashboardFilters } from './dashboard.types';

/**
 * The overview in one round trip: the filtered reports are read once (a MATERIALIZED CTE with only
 * the columns needed) and every chart is an aggregate over that, returned as JSON columns.
 * Pure: text and parameters only.
 */

export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Reports a lead no longer has to act on: åtgärdad lokalt, eskalerad or avslutad. */
export const DONE_STATUSES = ['atgardad_lokalt', 'strukturellt_hinder', 'avslutad'] as const;
export const OPEN_FOR_DEADLINES = ['ny', 'mottagen', 'under_utredning'] as const;

/** WHERE conditions on `deviation d` for the filters; shared with the barrier queries. */
export function dashboardConditions(filters: DashboardFilters, params: { add(value: unknown): string }): string[] {
  const conditions: string[] = [];
  if (filters.subprojectIds) conditions.push(`d.subproject_id = ANY(${params.add(filters.subprojectIds)}::uuid[])`);
  if (filters.municipalityId) conditions.push(`d.municipality_id = ${params.add(filters.municipalityId)}::uuid`);
  if (filters.category) conditions.push(`d.category = ${params.add(filters.category)}`);
  if (filters.party) conditions.push(`d.parties @> ARRAY[${params.add(filters.party)}]::text[]`);
  // The period is in Swedish days: from 00:00 on `from` to 24:00 on `to`, Stockholm time.
  if (filters.from) conditions.push(`d.reported_at >= (${params.add(filters.from)}::date::timestamp AT TIME ZONE 'Europe/Stockholm')`);
  if (filters.to) conditions.push(`d.reported_at < ((${params.add(filters.to)}::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm')`);
  return conditions;
}

/** Days between two instants; never negative (an import may say it was accepted before it was reported). Callers filter out NULLs: greatest() would turn them into 0. */
const DAYS = (from: string, to: string): string => `greatest(0, extract(epoch FROM (${to} - ${from})) / 86400.0)`;

export function buildDashboardQuery(filters: DashboardFilters): BuiltQuery {
  const params = new Params();
  const conditions = dashboardConditions(filters, params);
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const partyOrder = params.add([...DEVIATION_PARTIES]);
  const done = params.add([...DONE_STATUSES]);
  const open = params.add([...OPEN_FOR_DEADLINES]);
  const sql = `
WITH f AS MATERIALIZED (
  SELECT d.municipality_id, d.subproject_id, d.category, d.parties, d.status, d.reported_at, d.accepted_at,
         CASE WHEN d.status = ANY(${done}::text[]) THEN least(d.resolved_at, d.escalated_at, d.closed_at) END AS done_at
    FROM deviation d
  ${where}
),
heat AS (
  SELECT municipality_id, category, count(*)::int AS n FROM f GROUP BY municipality_id, category
),
monthly AS (
  SELECT to_char(reported_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM') AS month, count(*)::int AS n FROM f GROUP BY 1
),
pairs AS (
  SELECT x.a, x.b, f.subproject_id, count(*)::int AS n
    FROM f
    CROSS JOIN LATERAL (SELECT array_agg(DISTINCT p) AS ps FROM unnest(f.parties) AS p) u
    CROSS JOIN LATERAL (
      SELECT p1 AS a, p2 AS b
        FROM unnest(u.ps) AS p1, unnest(u.ps) AS p2
       WHERE array_position(${partyOrder}::text[], p1) < array_position(${partyOrder}::text[], p2)
          OR (p1 = p2 AND cardinality(u.ps) = 1)
    ) x
   WHERE cardinality(f.parties) > 0
   GROUP BY x.a, x.b, f.subproject_id
),
times AS (
  SELECT subproject_id,
         count(*)::int AS reports,
         count(accepted_at)::int AS accepted,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY ${DAYS('reported_at', 'accepted_at')}) FILTER (WHERE accepted_at IS NOT NULL) AS accept_median,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY ${DAYS('reported_at', 'accepted_at')}) FILTER (WHERE accepted_at IS NOT NULL) AS accept_p90,
         count(done_at)::int AS resolved,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY ${DAYS('reported_at', 'done_at')}) FILTER (WHERE done_at IS NOT NULL) AS resolve_median,
         percentile_cont(0.9) WITHIN GROUP (ORDER BY ${DAYS('reported_at', 'done_at')}) FILTER (WHERE done_at IS NOT NULL) AS resolve_p90
    FROM f GROUP BY subproject_id
),
open_days AS (
  SELECT subproject_id, status, to_char(reported_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') AS day, count(*)::int AS n
    FROM f WHERE status = ANY(${open}::text[])
   GROUP BY 1, 2, 3
)
SELECT
  (SELECT count(*)::int FROM f) AS total,
  (SELECT count(*)::int FROM f WHERE cardinality(parties) = 0) AS without_parties,
  (SELECT coalesce(json_agg(heat), '[]'::json) FROM heat) AS heat,
  (SELECT coalesce(json_agg(monthly ORDER BY month), '[]'::json) FROM monthly) AS monthly,
  (SELECT coalesce(json_agg(pairs), '[]'::json) FROM pairs) AS pairs,
  (SELECT coalesce(json_agg(times), '[]'::json) FROM times) AS times,
  (SELECT coalesce(json_agg(open_days), '[]'::json) FROM open_days) AS open_days`;
  return { sql, params: params.values };
}
