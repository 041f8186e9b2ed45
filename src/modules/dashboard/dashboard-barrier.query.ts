import { DashboardFilters } from './dashboard.types';
import { BuiltQuery, dashboardConditions } from './dashboard.query';

/**
 * Barriers (strukturella hinder) and letters (skrivelser) are another module's tables, which may not
 * exist yet. The overview reads them only when they are there, and finds their shape in the catalog
 * instead of assuming it, so it keeps working while that module settles:
 *
 * - `barrier` with an id and a name column (name or title), and optionally `status`: merged and
 *   dissolved barriers (sammanslagen, upplöst) are left out, as on the barrier pages;
 * - reports linked by a table with `barrier_id` and `deviation_id` (barrier_member in migration
 *   1763900000300), or by a `deviation.barrier_id` column;
 * - a skrivelse: table `letter` with `barrier_id` and `sent_at` (sent when not null; migration 1763900000400);
 * - a local fix: a date column on `barrier` (fixed_at, local_fix_at or locally_fixed_at; local_fix_at since
 *   migration 1763900000800, set by the analyst on the barrier's page), with what was done in local_fix_note.
 *
 * Without `barrier` or a link the sections say "Inga hinder ännu"; without letters and fixes the
 * effect section says so. If the barrier module renames these, this is the one place to change.
 */

export interface BarrierSchema {
  titleColumn: string;
  hasStatus: boolean;
  link: { kind: 'table'; table: string } | { kind: 'column' };
  letterSentColumn: string | null;
  /** The letter's subject, shown as what the skrivelse was about. */
  letterSubjectColumn: string | null;
  fixColumn: string | null;
  fixNoteColumn: string | null;
}

const TITLE_COLUMNS = ['name', 'title'];
const FIX_COLUMNS = ['fixed_at', 'local_fix_at', 'locally_fixed_at'];
/** Kept only so their ids stay valid (barrier.constants.ts ACTIVE_BARRIER_STATUSES is the complement). */
const INACTIVE_STATUSES = ['sammanslagen', 'upplost'];
const LINK_TABLES_PREFERRED = ['barrier_deviation', 'deviation_barrier', 'barrier_member', 'barrier_report'];

/** One catalog read: every column of the tables that could matter, in the current schema. */
export const BARRIER_CATALOG_SQL = `
  SELECT c.relname AS table_name, a.attname AS column_name
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE c.relkind IN ('r', 'p', 'v', 'm')
     AND (c.relname IN ('barrier', 'letter', 'deviation') OR c.relname LIKE '%barrier%')`;

/** Reads the catalog rows into the shape the queries need; null when there is nothing to read. */
export function barrierSchemaFrom(rows: ReadonlyArray<{ table_name: string; column_name: string }>): BarrierSchema | null {
  const columns = new Map<string, Set<string>>();
  for (const row of rows) {
    if (!columns.has(row.table_name)) columns.set(row.table_name, new Set());
    columns.get(row.table_name)?.add(row.column_name);
  }
  const barrier = columns.get('barrier');
  if (!barrier?.has('id')) return null;
  const titleColumn = TITLE_COLUMNS.find((name) => barrier.has(name));
  if (!titleColumn) return null;
  const linkTables = [...columns.entries()]
    .filter(([table, cols]) => table !== 'barrier' && table !== 'deviation' && cols.has('barrier_id') && cols.has('deviation_id'))
    .map(([table]) => table)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  let link: BarrierSchema['link'] | null = null;
  if (linkTables.length) link = { kind: 'table', table: linkTables[0] };
  else if (columns.get('deviation')?.has('barrier_id')) link = { kind: 'column' };
  if (!link) return null;
  const letter = columns.get('letter');
  return {
    titleColumn,
    hasStatus: barrier.has('status'),
    link,
    letterSentColumn: letter?.has('barrier_id') && letter.has('sent_at') ? 'sent_at' : null,
    letterSubjectColumn: letter?.has('subject') ? 'subject' : null,
    fixColumn: FIX_COLUMNS.find((name) => barrier.has(name)) ?? null,
    fixNoteColumn: barrier.has('local_fix_note') ? 'local_fix_note' : null,
  };
}

function rank(table: string): number {
  const index = LINK_TABLES_PREFERRED.indexOf(table);
  return index === -1 ? LINK_TABLES_PREFERRED.length : index;
}

/** Identifiers come from the catalog, but are quoted all the same. */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function linkJoin(schema: BarrierSchema, barrierAlias: string, joinKind: 'JOIN' | 'LEFT JOIN', extra: string): string {
  if (schema.link.kind === 'column') return `${joinKind} deviation d ON d.barrier_id = ${barrierAlias}.id${extra}`;
  return `${joinKind} ${ident(schema.link.table)} bl ON bl.barrier_id = ${barrierAlias}.id ${joinKind} deviation d ON d.id = bl.deviation_id${extra}`;
}

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Barriers within the filters: their linked reports per quarter of occurrence (as the barrier pages
 * count them, so both show the same trend) and per kommun, as two grouping sets in one pass; sizes
 * are the sums (DashboardService). Names come with the rows.
 */
export function buildBarrierSizeQuery(schema: BarrierSchema, filters: DashboardFilters): BuiltQuery {
  const params = new Params();
  const conditions = dashboardConditions(filters, params);
  if (schema.hasStatus) conditions.push(`b.status <> ALL(${params.add(INACTIVE_STATUSES)}::text[])`);
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const quarter = `to_char(d.occurred_on, 'YYYY') || '-Q' || to_char(d.occurred_on, 'Q')`;
  return {
    sql: `
      SELECT g.barrier_id::text AS id, b.${ident(schema.titleColumn)}::text AS title, g.quarter, g.municipality_id, g.n
        FROM (
          SELECT b.id AS barrier_id, ${quarter} AS quarter, d.municipality_id, count(*)::int AS n
            FROM barrier b
            ${linkJoin(schema, 'b', 'JOIN', '')}
            ${where}
           GROUP BY GROUPING SETS ((b.id, ${quarter}), (b.id, d.municipality_id))
        ) g
        JOIN barrier b ON b.id = g.barrier_id`,
    params: params.values,
  };
}

/**
 * For each barrier with a sent skrivelse (the first one) or a local fix: its linked reports in the
 * 12 months before that date and from the date on (at most 12 months, up to `now`), with the length
 * of both windows in days, and its linked reports within the other filters at any time (`reports_in_scope`:
 * a barrier with none there, e.g. none in a lead's delprojekt, is not theirs to see). The period filter
 * does not apply here: the date of the action sets the period.
 */
export function buildBarrierEffectQuery(schema: BarrierSchema, filters: DashboardFilters, now: Date): BuiltQuery | null {
  const actions: string[] = [];
  if (schema.letterSentColumn) {
    const sent = `l.${ident(schema.letterSentColumn)}`;
    const subject = schema.letterSubjectColumn ? `l.${ident(schema.letterSubjectColumn)}::text` : 'NULL::text';
    actions.push(`(SELECT DISTINCT ON (l.barrier_id) l.barrier_id, 'skrivelse'::text AS action, ${sent}::timestamptz AS at, ${subject} AS note
                     FROM letter l WHERE ${sent} IS NOT NULL ORDER BY l.barrier_id, ${sent})`);
  }
  if (schema.fixColumn) {
    const note = schema.fixNoteColumn ? `b.${ident(schema.fixNoteColumn)}::text` : 'NULL::text';
    actions.push(`SELECT b.id AS barrier_id, 'lokal_atgard'::text AS action, b.${ident(schema.fixColumn)}::timestamptz AS at, ${note} AS note
                    FROM barrier b WHERE b.${ident(schema.fixColumn)} IS NOT NULL`);
  }
  if (!actions.length) return null;
  const params = new Params();
  const conditions = dashboardConditions({ ...filters, from: undefined, to: undefined }, params);
  const nowParam = `${params.add(now.toISOString())}::timestamptz`;
  const extra = conditions.length ? ` AND ${conditions.join(' AND ')}` : '';
  return {
    sql: `
      WITH actions AS (${actions.join(' UNION ALL ')}),
      counted AS (
        SELECT a.barrier_id, a.action, a.at, a.note,
               count(DISTINCT d.id)::int AS reports_in_scope,
               count(DISTINCT d.id) FILTER (WHERE d.reported_at >= a.at - interval '12 months' AND d.reported_at < a.at)::int AS reports_before,
               count(DISTINCT d.id) FILTER (WHERE d.reported_at >= a.at AND d.reported_at < least(${nowParam}, a.at + interval '12 months'))::int AS reports_after
          FROM actions a
          JOIN barrier b ON b.id = a.barrier_id
          ${linkJoin(schema, 'b', 'LEFT JOIN', extra)}
         WHERE a.at <= ${nowParam}
         GROUP BY a.barrier_id, a.action, a.at, a.note
      )
      SELECT c.barrier_id::text AS barrier_id, b.${ident(schema.titleColumn)}::text AS title, c.action, c.note, c.reports_in_scope,
             to_char(c.at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') AS day,
             c.reports_before, c.reports_after,
             extract(epoch FROM (c.at - (c.at - interval '12 months')))::float8 / 86400 AS days_before,
             extract(epoch FROM (least(${nowParam}, c.at + interval '12 months') - c.at))::float8 / 86400 AS days_after
        FROM counted c JOIN barrier b ON b.id = c.barrier_id
       ORDER BY c.at DESC, title`,
    params: params.values,
  };
}
