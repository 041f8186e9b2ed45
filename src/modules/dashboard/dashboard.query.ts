import { deadlineStartSql } from '../deviation/deviation-deadlines';
import { DeviationStatus } from '../deviation/deviation-workflow';
import { DashboardFilters } from './dashboard.types';

/**
 * The overview's SQL: four aggregate statements over the filtered reports (counts; open and overdue;
 * days to accept; days to resolve), run side by side on separate connections. Everything is aggregated in the
 * database; only a few hundred rows come back. Pure: text and parameters only.
 */

export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

/** Positional parameters for a statement being built ($1, $2, …). */
export class Params {
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

const SWEDISH = `'Europe/Stockholm'`;

function whereClause(filters: DashboardFilters, params: Params, extra: string[] = []): string {
  const conditions = [...dashboardConditions(filters, params), ...extra];
  return conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
}

/** Per status, the last Swedish deadline-start day whose reports are overdue today (dashboard-overdue.ts). */
export interface OverdueCutoffDays {
  notAccepted: Partial<Record<DeviationStatus, string>>;
  notResolved: Partial<Record<DeviationStatus, string>>;
}

/**
 * Statuses sharing a cutoff day are tested together: usually one condition per flag. The day is compared
 * with when the deadlines start (the import, for an imported report), as deadlinesFor does.
 */
export function overdueCondition(cutoffs: Partial<Record<DeviationStatus, string>>, params: Params): string {
  const byDay = new Map<string, string[]>();
  for (const [status, day] of Object.entries(cutoffs)) byDay.set(day, [...(byDay.get(day) ?? []), status]);
  const parts = [...byDay].map(
    ([day, statuses]) =>
      `(d.status = ANY(${params.add(statuses)}::text[]) AND ${deadlineStartSql('d')} < ((${params.add(day)}::date + 1)::timestamp AT TIME ZONE ${SWEDISH}))`,
  );
  return parts.length ? parts.join(' OR ') : 'false';
}

/**
 * The counts in one pass, as two grouping sets hashed together (given the work_mem DashboardService
 * sets), a few hundred rows however many reports there are:
 * - 'cell': (kommun, delprojekt, category, set of parties): the heatmap, the pairs of parties
 *   (made in code, dashboard.service.ts) and the reports per delprojekt;
 * - 'month': Swedish months.
 */
export function buildCountsQuery(filters: DashboardFilters): BuiltQuery {
  const params = new Params();
  const where = whereClause(filters, params);
  const month = `date_trunc('month', d.reported_at, ${SWEDISH})`;
  const sql = `
SELECT CASE WHEN GROUPING(${month}) = 0 THEN 'month' ELSE 'cell' END AS kind,
       d.municipality_id, d.subproject_id, d.category, d.parties,
       to_char(${month} AT TIME ZONE ${SWEDISH}, 'YYYY-MM') AS month,
       count(*)::int AS n
  FROM deviation d
 ${where}
 GROUP BY GROUPING SETS ((d.municipality_id, d.subproject_id, d.category, d.parties), (${month}))`;
  return { sql, params: params.values };
}

/**
 * Open reports per delprojekt, and how many of them are overdue today: reports whose deadlines started
 * before the end of the status's cut-off day (dashboard-overdue.ts). Only open reports are read, found
 * by the queue index (subproject_id, status, reported_at) when no other filter is set.
 */
export function buildDeadlineQuery(filters: DashboardFilters, cutoffs: OverdueCutoffDays): BuiltQuery {
  const params = new Params();
  const open = params.add([...OPEN_FOR_DEADLINES]);
  // Today only open reports can be overdue; should the rule ever say otherwise, those statuses are read too.
  const statuses = params.add([...new Set([...OPEN_FOR_DEADLINES, ...Object.keys(cutoffs.notAccepted), ...Object.keys(cutoffs.notResolved)])]);
  const notAccepted = overdueCondition(cutoffs.notAccepted, params);
  const notResolved = overdueCondition(cutoffs.notResolved, params);
  const where = whereClause(filters, params, [`d.status = ANY(${statuses}::text[])`]);
  const sql = `
SELECT d.subproject_id,
       count(*) FILTER (WHERE d.status = ANY(${open}::text[]))::int AS open,
       count(*) FILTER (WHERE ${notAccepted})::int AS not_accepted,
       count(*) FILTER (WHERE ${notResolved})::int AS not_resolved
  FROM deviation d
 ${where}
 GROUP BY d.subproject_id`;
  return { sql, params: params.values };
}

/**
 * Median and 90th percentile of the days to accept ('accept': reported → mottagen) or to resolve
 * ('resolve': reported → åtgärdad lokalt, eskalerad or avslutad, whichever came first), per
 * delprojekt, over the reports that have got that far; never negative (an import may say a report
 * was accepted before it came in). Sorting is the cost here, so each measure is
 * its own statement, run beside the others.
 */
export function buildDurationQuery(filters: DashboardFilters, measure: 'accept' | 'resolve'): BuiltQuery {
  const params = new Params();
  const end =
    measure === 'accept'
      ? 'd.accepted_at'
      : `(CASE WHEN d.status = ANY(${params.add([...DONE_STATUSES])}::text[]) THEN least(d.resolved_at, d.escalated_at, d.closed_at) END)`;
  const where = whereClause(filters, params, [`${end} IS NOT NULL`]);
  // Sorting intervals is cheaper than sorting days computed per report; days come from the two results.
  const sql = `
SELECT p.subproject_id, p.n, ARRAY(SELECT extract(epoch FROM x) / 86400.0 FROM unnest(p.percentiles) AS x) AS percentiles
  FROM (
    SELECT d.subproject_id, count(*)::int AS n,
           percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY greatest(interval '0', ${end} - d.reported_at)) AS percentiles
      FROM deviation d
    ${where}
     GROUP BY d.subproject_id
  ) p`;
  return { sql, params: params.values };
}
