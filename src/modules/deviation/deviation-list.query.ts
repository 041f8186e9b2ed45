import { DomainError } from '../../common/errors/domain-error';
import { DeviationCategory, DeviationSeverity } from './deviation.constants';
import { DeviationStatus } from './deviation-workflow';
import { DeviationListSort } from './dto/deviation-list-query.dto';

/**
 * SQL for the queue and the lists, built so that a million rows cost no more than a hundred:
 * each (delprojekt, status) slice is read in index order from where the last page ended
 * (keyset, never OFFSET) and the slices are merged. Pure: no database here, only text and parameters.
 */

/**
 * Whose reports: a set of delprojekt (leads, analysts), or one reporter's own (Mina avvikelser). `leadId`: the lead
 * whose queue it is, so each row says whether the reporter has written since that lead last opened it. `standIn`: an
 * analyst and the delprojekt without an active lead, whose reports they handle as a lead would: the same for those rows.
 */
export type ListScope =
  | { kind: 'subprojects'; subprojectIds: string[]; leadId?: string; standIn?: { analystId: string; subprojectIds: string[] } }
  | { kind: 'reporter'; userId: string; email: string };

export interface ListFilters {
  statuses: readonly DeviationStatus[];
  severity?: DeviationSeverity;
  category?: DeviationCategory;
  municipalityId?: string;
  /** Only reports this user is responsible for. */
  assigneeId?: string;
  /** Swedish dates, inclusive. */
  from?: string;
  to?: string;
}

export interface CursorKey {
  sort: DeviationListSort;
  severityOrder: number;
  /** reported_at exactly as Postgres printed it (microseconds survive). */
  reportedAt: string;
  id: string;
}

export class InvalidCursorError extends DomainError {
  constructor() {
    super('invalid_cursor', 'Markören för nästa sida är ogiltig. Börja om från första sidan.', 400, [
      { field: 'cursor', message: 'Markören för nästa sida är ogiltig.' },
    ]);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** timestamptz as Postgres prints it (ISO DateStyle): 2026-11-23 10:00:00.123456+00. */
const PG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2}){0,2}|Z)$/;

/** Opaque to clients: base64url of the last row's sort key. */
export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.sort, key.severityOrder, key.reportedAt, key.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, sort: DeviationListSort): CursorKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw new InvalidCursorError();
  const [cursorSort, severityOrder, reportedAt, id] = parsed as unknown[];
  if (
    cursorSort !== sort ||
    typeof severityOrder !== 'number' ||
    !Number.isInteger(severityOrder) ||
    severityOrder < 1 ||
    severityOrder > 3 ||
    typeof reportedAt !== 'string' ||
    !PG_TIMESTAMP.test(reportedAt) ||
    typeof id !== 'string' ||
    !UUID.test(id)
  ) {
    throw new InvalidCursorError();
  }
  return { sort, severityOrder, reportedAt, id };
}

const ORDER_BY: Record<DeviationListSort, string> = {
  oldest: 'd.reported_at ASC, d.id ASC',
  newest: 'd.reported_at DESC, d.id DESC',
  severity: 'd.severity_order ASC, d.reported_at ASC, d.id ASC',
};

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function keysetCondition(key: CursorKey, params: Params): string {
  const reportedAt = `${params.add(key.reportedAt)}::timestamptz`;
  const id = `${params.add(key.id)}::uuid`;
  switch (key.sort) {
    case 'oldest':
      return `(d.reported_at, d.id) > (${reportedAt}, ${id})`;
    case 'newest':
      return `(d.reported_at, d.id) < (${reportedAt}, ${id})`;
    case 'severity':
      return `(d.severity_order, d.reported_at, d.id) > (${params.add(key.severityOrder)}::smallint, ${reportedAt}, ${id})`;
  }
}

function filterConditions(filters: ListFilters, params: Params): string[] {
  const conditions: string[] = [];
  if (filters.severity) conditions.push(`d.severity = ${params.add(filters.severity)}`);
  if (filters.category) conditions.push(`d.category = ${params.add(filters.category)}`);
  if (filters.municipalityId) conditions.push(`d.municipality_id = ${params.add(filters.municipalityId)}::uuid`);
  if (filters.assigneeId) conditions.push(`d.assignee_id = ${params.add(filters.assigneeId)}::uuid`);
  // The period is in Swedish days: from 00:00 on `from` to 24:00 on `to`, Stockholm time.
  if (filters.from) conditions.push(`d.reported_at >= (${params.add(filters.from)}::date::timestamp AT TIME ZONE 'Europe/Stockholm')`);
  if (filters.to) conditions.push(`d.reported_at < ((${params.add(filters.to)}::date + 1)::timestamp AT TIME ZONE 'Europe/Stockholm')`);
  return conditions;
}

export const LIST_COLUMNS = `
  d.id, d.reference, d.title, d.status, d.severity, d.severity_order, d.category, d.parties,
  d.reported_at, d.reported_at::text AS reported_at_key, d.imported_at, d.occurred_on::text AS occurred_on,
  d.municipality_id, m.name AS municipality_name, d.subproject_id, s.name AS subproject_name,
  d.assignee_id, a.name AS assignee_name, d.reporter_id, d.accepted_at, d.resolved_at, d.escalated_at, d.closed_at`;

const LIST_JOINS = `
  JOIN municipality m ON m.id = d.municipality_id
  JOIN subproject s ON s.id = d.subproject_id
  LEFT JOIN app_user a ON a.id = d.assignee_id`;

/**
 * The reports `d` that are the reporter's own (Mina avvikelser, the start page): filed by their
 * account, or under their e-mail before they had one. Arguments are SQL parameter references.
 */
export function reporterCondition(userRef: string, emailRef: string): string {
  return `(d.reporter_id = ${userRef} OR (d.reporter_id IS NULL AND d.reporter_email = ${emailRef}))`;
}

/**
 * "Nytt svar" on report `d` for the reporter `userRef` (an SQL reference to a uuid): a message to
 * the reporter from someone else, newer than the reporter's last view (deviation_view)
 * or than the filing, if they never opened it since. The one copy of the rule.
 */
export function newReplyCondition(userRef: string): string {
  return `EXISTS (
      SELECT 1 FROM deviation_comment c
       WHERE c.deviation_id = d.id AND c.visibility = 'reporter' AND c.author_id <> ${userRef}
         AND c.created_at > COALESCE(
           (SELECT v.last_viewed_at FROM deviation_view v WHERE v.deviation_id = d.id AND v.user_id = ${userRef}),
           d.reported_at))`;
}

/**
 * Comment `c` on report `d` was written by the reporter: their account, or (an imported report before the
 * reporter had an account) the account that now has the reported address.
 */
export function fromReporterCondition(): string {
  return `(c.author_id = d.reporter_id OR (d.reporter_id IS NULL AND c.author_id = (SELECT u.id FROM app_user u WHERE u.email = d.reporter_email)))`;
}

/**
 * "Nytt meddelande" on report `d` for the lead `leadRef` (an SQL reference to a uuid): the reporter has written to
 * the delprojekt ("Skriv till delprojektet") since that lead last opened the report (deviation_view), or at
 * all if they never did. The lead's side of newReplyCondition; the one copy of the rule. Also an analyst's, on the
 * reports of a delprojekt without an active lead (they stand in for the lead there): callers limit it to those.
 */
export function newMessageCondition(leadRef: string): string {
  return `EXISTS (
      SELECT 1 FROM deviation_comment c
       WHERE c.deviation_id = d.id AND c.visibility = 'reporter' AND c.author_id <> ${leadRef} AND ${fromReporterCondition()}
         AND c.created_at > COALESCE(
           (SELECT v.last_viewed_at FROM deviation_view v WHERE v.deviation_id = d.id AND v.user_id = ${leadRef}),
           '-infinity'::timestamptz))`;
}

export interface BuiltQuery {
  sql: string;
  params: unknown[];
}

/**
 * One page (limit + 1 rows, so the caller knows whether there is a next one) or null when the
 * scope is empty. Each (delprojekt, status) branch is an index range scan on deviation_queue_*_idx
 * that stops after limit + 1 rows; the outer query merges at most branches × (limit + 1) rows.
 */
export function buildListQuery(scope: ListScope, filters: ListFilters, sort: DeviationListSort, after: CursorKey | null, limit: number): BuiltQuery | null {
  const params = new Params();
  const fetch = limit + 1;
  const order = ORDER_BY[sort];

  if (scope.kind === 'reporter') {
    const conditions = [
      reporterCondition(`${params.add(scope.userId)}::uuid`, params.add(scope.email.toLowerCase())),
      ...filterConditions(filters, params),
    ];
    if (filters.statuses.length === 0) return null;
    conditions.push(`d.status = ANY(${params.add(filters.statuses)}::text[])`);
    if (after) conditions.push(keysetCondition(after, params));
    const newReply = `${newReplyCondition(`${params.add(scope.userId)}::uuid`)} AS new_reply`;
    return {
      sql: `SELECT ${LIST_COLUMNS}, ${newReply} FROM deviation d ${LIST_JOINS} WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT ${params.add(fetch)}`,
      params: params.values,
    };
  }

  if (scope.subprojectIds.length === 0 || filters.statuses.length === 0) return null;
  const shared = filterConditions(filters, params);
  if (after) shared.push(keysetCondition(after, params));
  const limitParam = params.add(fetch);
  const statusParams = filters.statuses.map((status) => params.add(status));
  // Worked out for the page's rows only, after the merge.
  const standIn = scope.standIn && scope.standIn.subprojectIds.length > 0 ? scope.standIn : null;
  const newMessage = scope.leadId
    ? `, ${newMessageCondition(`${params.add(scope.leadId)}::uuid`)} AS new_message`
    : standIn
      ? `, (d.subproject_id = ANY(${params.add(standIn.subprojectIds)}::uuid[]) AND ${newMessageCondition(`${params.add(standIn.analystId)}::uuid`)}) AS new_message`
      : '';
  const branches: string[] = [];
  for (const subprojectId of scope.subprojectIds) {
    const subprojectParam = params.add(subprojectId);
    for (const statusParam of statusParams) {
      const where = [`d.subproject_id = ${subprojectParam}::uuid`, `d.status = ${statusParam}`, ...shared].join(' AND ');
      branches.push(`(SELECT d.id FROM deviation d WHERE ${where} ORDER BY ${order} LIMIT ${limitParam})`);
    }
  }
  return {
    sql: `SELECT ${LIST_COLUMNS}${newMessage}
      FROM (${branches.join(' UNION ALL ')}) page
      JOIN deviation d ON d.id = page.id ${LIST_JOINS}
      ORDER BY ${order} LIMIT ${limitParam}`,
    params: params.values,
  };
}
