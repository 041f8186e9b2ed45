import { calendarDaysBetween, IsoDate, stockholmDate } from '../../common/calendar/working-days';
import { barrierDisplayName } from '../barrier/barrier-wording';
import { DeadlinePolicy, deadlinesFor, deadlineStart } from '../deviation/deviation-deadlines';
import { DeviationStatus } from '../deviation/deviation-workflow';
import { WITHOUT_LEAD_LIST_PATH } from '../deviation/jobs/deviation-reminders';

/**
 * What the weekly digest says, built from rows and a clock (pure; DigestService reads the rows).
 *
 * Lead digest, per delprojekt: each open report lands in exactly one list, so a count in the subject
 * never counts a report twice: overdue (deadlinesFor, the rule the lists and reminders use) first, then
 * new (still "ny", came in during the last 7 days: filed, or imported, as the deadlines count), then
 * waiting (every other open report). Imported reports are in it like any other; their lines say so.
 * Analyst digest: barriers created and escalated in the last 7 days, and letters awaiting review.
 * Only titles and names are shown: titles passed the personal-data guard, descriptions never leave the system.
 */

export const DIGEST_PERIOD_DAYS = 7;
/** A section lists at most this many lines and says how many more there are. */
export const DIGEST_MAX_LINES = 50;
/** Statuses a report still waits for action in. */
export const OPEN_STATUSES: readonly DeviationStatus[] = ['ny', 'mottagen', 'under_utredning'];

export interface DigestReportRow {
  id: string;
  reference: string;
  title: string;
  status: DeviationStatus;
  reportedAt: Date;
  /** When an imported report came into this system; null if filed here. */
  importedAt: Date | null;
  municipalityName: string;
  subprojectId: string;
}

export interface DigestReportLine {
  id: string;
  reference: string;
  title: string;
  municipalityName: string;
  /** Calendar days since the report was reported (Swedish dates; in the earlier system, if imported). */
  ageDays: number;
  /** Swedish date an imported report came into this system (its deadlines count from then); null if filed here. */
  importedOn: IsoDate | null;
  /** Appended to BASE_URL in the mail. */
  path: string;
}

export interface LeadReportLists {
  newReports: DigestReportLine[];
  overdue: DigestReportLine[];
  waiting: DigestReportLine[];
}

/** The start of the digest's period: exactly seven days before now. */
export function digestPeriodStart(now: Date): Date {
  return new Date(now.getTime() - DIGEST_PERIOD_DAYS * 86_400_000);
}

/** The ISO week number shown to readers, from a slot such as "2026-W48". */
export function weekNumberOf(slot: string): number {
  const match = /-W(\d{2})$/.exec(slot);
  if (!match) throw new Error(`Ogiltig veckoplats: ${slot}`);
  return Number(match[1]);
}

function byOldest(a: DigestReportLine, b: DigestReportLine): number {
  return b.ageDays - a.ageDays || a.reference.localeCompare(b.reference);
}

/** Sorts one delprojekt's open reports into the three lists (oldest first in each). */
export function classifyLeadReports(rows: readonly DigestReportRow[], now: Date, policy: DeadlinePolicy): LeadReportLists {
  const today: IsoDate = stockholmDate(now);
  const since = digestPeriodStart(now).getTime();
  const lists: LeadReportLists = { newReports: [], overdue: [], waiting: [] };
  for (const row of rows) {
    if (!OPEN_STATUSES.includes(row.status)) continue;
    const line: DigestReportLine = {
      id: row.id,
      reference: row.reference,
      title: row.title,
      municipalityName: row.municipalityName,
      ageDays: calendarDaysBetween(stockholmDate(row.reportedAt), today),
      importedOn: row.importedAt ? stockholmDate(row.importedAt) : null,
      path: `/avvikelser/${row.id}`,
    };
    const deadlines = deadlinesFor(row, now, policy);
    if (deadlines.notAcceptedInTime || deadlines.notResolvedInTime) lists.overdue.push(line);
    else if (row.status === 'ny' && deadlineStart(row).getTime() >= since) lists.newReports.push(line);
    else lists.waiting.push(line);
  }
  lists.overdue.sort(byOldest);
  lists.newReports.sort(byOldest);
  lists.waiting.sort(byOldest);
  return lists;
}

export function isEmptyLeadDigest(lists: LeadReportLists): boolean {
  return lists.newReports.length === 0 && lists.overdue.length === 0 && lists.waiting.length === 0;
}

export interface DigestSection<T> {
  lines: T[];
  count: number;
  more: number;
}

export function digestSection<T>(lines: readonly T[]): DigestSection<T> {
  return { lines: lines.slice(0, DIGEST_MAX_LINES), count: lines.length, more: Math.max(0, lines.length - DIGEST_MAX_LINES) };
}

export interface LeadDigestContext {
  week: number;
  subprojectName: string;
  newReports: DigestSection<DigestReportLine>;
  overdue: DigestSection<DigestReportLine>;
  waiting: DigestSection<DigestReportLine>;
  acceptWithinWorkingDays: number;
  resolveWithinDays: number;
}

export function leadDigestContext(lists: LeadReportLists, subprojectName: string, slot: string, policy: DeadlinePolicy): LeadDigestContext {
  return {
    week: weekNumberOf(slot),
    subprojectName,
    newReports: digestSection(lists.newReports),
    overdue: digestSection(lists.overdue),
    waiting: digestSection(lists.waiting),
    acceptWithinWorkingDays: policy.acceptWithinWorkingDays,
    resolveWithinDays: policy.resolveWithinDays,
  };
}

// ── The analyst's digest ──────────────────────────────────────────────────────────────────────

export interface DigestBarrierRow {
  id: string;
  name: string;
  memberCount: number;
  createdAt: Date;
  escalatedAt: Date | null;
  escalationReason: string | null;
}

export interface DigestLetterRow {
  id: string;
  subject: string;
  status: 'utkast' | 'granskad';
  barrierName: string;
  updatedAt: Date;
}

export interface DigestBarrierLine {
  id: string;
  name: string;
  memberCount: number;
  /** Swedish date of the event the line is about (created or escalated). */
  on: IsoDate;
  reason: string | null;
  path: string;
}

export interface DigestLetterLine {
  id: string;
  subject: string;
  statusLabel: string;
  barrierName: string;
  path: string;
}

export interface AnalystDigestContext {
  week: number;
  /** False when there is no barrier (or letter) at all yet: the mail says so instead of "none this week". */
  hasBarriers: boolean;
  hasLetters: boolean;
  newBarriers: DigestSection<DigestBarrierLine>;
  escalated: DigestSection<DigestBarrierLine>;
  letters: DigestSection<DigestLetterLine>;
  /** Delprojekt without an active lead that have open reports: the analysts stand in, so they see what waits there. */
  withoutLead: WithoutLeadDigest[];
  /** Appended to BASE_URL: the analysts' list of reports in delprojekt without a lead. */
  withoutLeadPath: string;
}

/** One delprojekt without an active lead in the analysts' digest: its lists as a lead's digest sorts them. */
export interface WithoutLeadDigest {
  subprojectName: string;
  newReports: DigestSection<DigestReportLine>;
  overdue: DigestSection<DigestReportLine>;
  waitingCount: number;
}

/**
 * The lead-less delprojekt with something open, by name: the same three lists as a lead's digest (overdue, new,
 * waiting), so a report is counted once; waiting reports only as a count, since nobody is late with them yet.
 */
export function withoutLeadDigests(
  subprojects: ReadonlyArray<{ id: string; name: string }>,
  reports: ReadonlyMap<string, readonly DigestReportRow[]>,
  now: Date,
  policy: DeadlinePolicy,
): WithoutLeadDigest[] {
  return [...subprojects]
    .sort((a, b) => a.name.localeCompare(b.name, 'sv'))
    .map((subproject) => ({ subproject, lists: classifyLeadReports(reports.get(subproject.id) ?? [], now, policy) }))
    .filter(({ lists }) => !isEmptyLeadDigest(lists))
    .map(({ subproject, lists }) => ({
      subprojectName: subproject.name,
      newReports: digestSection(lists.newReports),
      overdue: digestSection(lists.overdue),
      waitingCount: lists.waiting.length,
    }));
}

const LETTER_STATUS_LABELS: Record<DigestLetterRow['status'], string> = { utkast: 'Utkast', granskad: 'Granskad, inte skickad' };

export function analystDigestContext(
  input: { barriers: readonly DigestBarrierRow[]; letters: readonly DigestLetterRow[]; barrierTotal: number; letterTotal: number },
  now: Date,
  slot: string,
  withoutLead: WithoutLeadDigest[] = [],
): AnalystDigestContext {
  const since = digestPeriodStart(now).getTime();
  const line = (row: DigestBarrierRow, at: Date): DigestBarrierLine => ({
    id: row.id,
    name: barrierDisplayName(row.name),
    memberCount: row.memberCount,
    on: stockholmDate(at),
    reason: row.escalationReason,
    path: `/hinder/${row.id}`,
  });
  const newest = (a: DigestBarrierLine, b: DigestBarrierLine): number => b.on.localeCompare(a.on) || a.name.localeCompare(b.name, 'sv');
  const newBarriers = input.barriers.filter((b) => b.createdAt.getTime() >= since).map((b) => line(b, b.createdAt)).sort(newest);
  const escalated = input.barriers
    .filter((b): b is DigestBarrierRow & { escalatedAt: Date } => b.escalatedAt !== null && b.escalatedAt.getTime() >= since)
    .map((b) => line(b, b.escalatedAt))
    .sort(newest);
  const letters = [...input.letters]
    .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime())
    .map((l) => ({ id: l.id, subject: l.subject, statusLabel: LETTER_STATUS_LABELS[l.status], barrierName: barrierDisplayName(l.barrierName), path: `/skrivelser/${l.id}` }));
  return {
    week: weekNumberOf(slot),
    hasBarriers: input.barrierTotal > 0,
    hasLetters: input.letterTotal > 0,
    newBarriers: digestSection(newBarriers),
    escalated: digestSection(escalated),
    letters: digestSection(letters),
    withoutLead,
    withoutLeadPath: WITHOUT_LEAD_LIST_PATH,
  };
}

/** One key per recipient (the outbox appends the address) and week: a rerun of the week queues nothing new. */
export function digestDedupeKey(kind: 'lead' | 'analyst', slot: string): string {
  return `digest-${kind}:${slot}`;
}

export interface DigestRunSummary {
  week: string;
  leadMails: number;
  analystMails: number;
  /** Active leads with nothing open in their delprojekt: no mail. */
  leadsSkipped: number;
  /** Recipients who already had this week's digest (a rerun): nothing queued for them. */
  alreadySent: number;
}

export function describeDigestRun(summary: DigestRunSummary): string {
  const already = summary.alreadySent > 0 ? `, ${summary.alreadySent} hade redan fått veckans sammanfattning` : '';
  return `${summary.week}: ${summary.leadMails} till delprojektledare (${summary.leadsSkipped} utan något att rapportera), ${summary.analystMails} till analytiker${already}`;
}
