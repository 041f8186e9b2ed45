import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser } from '../../common/auth/auth-user';
import { Clock } from '../../common/clock/clock';
import { swedishList } from '../../common/text/swedish-list';
import { ACTIVE_BARRIER_STATUSES, BARRIER_STATUS_LABELS, BarrierStatus } from '../barrier/barrier.constants';
import { overdueCutoffs } from '../dashboard/dashboard-overdue';
import { overdueCondition, Params } from '../dashboard/dashboard.query';
import { DeadlinePolicy, deadlineStartSql } from '../deviation/deviation-deadlines';
import { newMessageCondition, newReplyCondition, reporterCondition } from '../deviation/deviation-list.query';
import { DeviationService } from '../deviation/deviation.service';
import { DeviationStatus, STATUS_LABELS } from '../deviation/deviation-workflow';
import { LETTER_STATUS_LABELS, LETTER_STATUSES, LetterStatus } from '../letter/letter.constants';

/** Statuses a lead still has something to do in, in the order work flows. */
const LEAD_STATUSES: readonly DeviationStatus[] = ['ny', 'mottagen', 'under_utredning', 'atgardad_lokalt', 'strukturellt_hinder'];
/** How many reports the start page lists; the queue has the rest. */
export const HOME_LIST_LIMIT = 5;

export interface HomeReportLine {
  id: string;
  path: string;
  reference: string;
  title: string;
  status: DeviationStatus;
  statusLabel: string;
  municipalityName: string;
  reportedAt: Date;
  /** When an imported report came into this system (its deadlines count from then); null if filed here. */
  importedAt: Date | null;
}

export interface LeadStatusRow {
  status: DeviationStatus;
  label: string;
  count: number;
  overdue: number;
  /** The lead's queue showing only this status. */
  path: string;
}

/** What waits for a delprojektledare in their delprojekt. */
export interface LeadWork {
  statuses: LeadStatusRow[];
  open: number;
  overdue: number;
  assignedToMe: number;
  /** The oldest overdue reports, at most HOME_LIST_LIMIT. */
  oldestOverdue: HomeReportLine[];
  /** Reports the reporter has written in since this lead last opened them ("Nytt meddelande", the queue's rule). */
  newMessages: number;
  /** Those reports, latest message first, at most HOME_LIST_LIMIT. */
  withNewMessages: HomeReportLine[];
  policy: DeadlinePolicy;
}

export interface StaffWork {
  total: number;
  open: number;
  /** Own reports the delprojekt has written to since the reporter last opened them ("Nytt svar"). */
  newReplies: number;
  recent: Array<HomeReportLine & { newReply: boolean }>;
}

export interface CountRow<S extends string> {
  status: S;
  label: string;
  count: number;
}

/**
 * Reports in delprojekt without an active lead, which the verksamhetsutvecklare take in and handle until there is one:
 * the open ones (not avslutad, as the list's "Alla öppna"), how many are late (the queue's rule) and the reporters'
 * new messages (the lead's "Nytt meddelande", for this analyst).
 */
export interface StandInWork {
  /** The delprojekt's names, in order. */
  subprojects: string[];
  /** The same as Swedish prose: "MIA HBS och MIA Järfälla". */
  subprojectList: string;
  open: number;
  overdue: number;
  newMessages: number;
  /** Those reports, latest message first, at most HOME_LIST_LIMIT. */
  withNewMessages: HomeReportLine[];
}

/** What waits for the verksamhetsutvecklare across all kommuner. */
export interface AnalystWork {
  /** Null when every delprojekt has an active lead. */
  standIn: StandInWork | null;
  barriers: CountRow<BarrierStatus>[];
  newThisWeek: number;
  escalatedWithoutLetter: number;
  letters: CountRow<LetterStatus>[];
}

export interface AdminWork {
  failedMails: number;
  pendingMails: number;
}

const WEEK_MS = 7 * 86_400_000;

/**
 * The start page's "what needs doing": a few counts per role, read with one or two aggregate statements.
 * Overdue uses the same rule as the queue, the reminders and the overview (deviation-deadlines.ts).
 */
@Injectable()
export class HomeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deviations: DeviationService,
    private readonly clock: Clock,
  ) {}

  async leadWork(user: AuthUser): Promise<LeadWork | null> {
    if (!user.subprojectId) return null;
    const policy = this.deviations.deadlinePolicy;
    const cutoffs = overdueCutoffs(this.clock.now(), policy);
    // Late by the queue's rule: not accepted or not resolved in time (the cutoffs say which days).
    const late = (params: Params): string => `(${overdueCondition(cutoffs.notAccepted, params)} OR ${overdueCondition(cutoffs.notResolved, params)})`;
    const countParams = new Params();
    const countSql = `SELECT d.status, count(*)::int AS count, count(*) FILTER (WHERE ${late(countParams)})::int AS overdue,
              count(*) FILTER (WHERE d.assignee_id = ${countParams.add(user.id)})::int AS mine
         FROM deviation d
        WHERE d.subproject_id = ${countParams.add(user.subprojectId)} AND d.status = ANY(${countParams.add([...LEAD_STATUSES])}::text[])
        GROUP BY d.status`;
    const listParams = new Params();
    const listSql = `SELECT d.id, d.reference, d.title, d.status, d.reported_at, d.imported_at, m.name AS municipality_name
         FROM deviation d JOIN municipality m ON m.id = d.municipality_id
        WHERE d.subproject_id = ${listParams.add(user.subprojectId)} AND ${late(listParams)}
        ORDER BY ${deadlineStartSql('d')}, d.id
        LIMIT ${listParams.add(HOME_LIST_LIMIT)}`;
    // The queue's rule for "Nytt meddelande"; only reports with a message the lead did not write can have one.
    const messageSql = `SELECT d.id, d.reference, d.title, d.status, d.reported_at, d.imported_at, m.name AS municipality_name,
              count(*) OVER ()::int AS total
         FROM deviation d JOIN municipality m ON m.id = d.municipality_id
        WHERE d.subproject_id = $2
          AND d.id IN (SELECT c.deviation_id FROM deviation_comment c WHERE c.visibility = 'reporter' AND c.author_id <> $1)
          AND ${newMessageCondition('$1::uuid')}
        ORDER BY (SELECT max(c.created_at) FROM deviation_comment c WHERE c.deviation_id = d.id AND c.visibility = 'reporter') DESC, d.id
        LIMIT $3`;
    const [counts, oldest, messages] = await Promise.all([
      this.dataSource.query(countSql, countParams.values) as Promise<Array<{ status: DeviationStatus; count: number; overdue: number; mine: number }>>,
      this.dataSource.query(listSql, listParams.values) as Promise<ReportRow[]>,
      this.dataSource.query(messageSql, [user.id, user.subprojectId, HOME_LIST_LIMIT]) as Promise<Array<ReportRow & { total: number }>>,
    ]);
    const byStatus = new Map(counts.map((row) => [row.status, row]));
    const rows = LEAD_STATUSES.map((status) => ({
      status,
      label: STATUS_LABELS[status],
      count: byStatus.get(status)?.count ?? 0,
      overdue: byStatus.get(status)?.overdue ?? 0,
      path: `/delprojekt/ko?status=${status}`,
    }));
    return {
      statuses: rows,
      open: rows.reduce((sum, row) => sum + row.count, 0),
      overdue: rows.reduce((sum, row) => sum + row.overdue, 0),
      assignedToMe: counts.reduce((sum, row) => sum + row.mine, 0),
      oldestOverdue: oldest.map(toLine),
      newMessages: messages[0]?.total ?? 0,
      withNewMessages: messages.map(toLine),
      policy,
    };
  }

  async staffWork(user: AuthUser): Promise<StaffWork> {
    // Same reports and same "Nytt svar" rule as Mina avvikelser (deviation-list.query.ts).
    const mine = reporterCondition('$1::uuid', '$2');
    const newReply = newReplyCondition('$1::uuid');
    const [totals] = (await this.dataSource.query(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE d.status <> 'avslutad')::int AS open,
              count(*) FILTER (WHERE ${newReply})::int AS new_replies
         FROM deviation d WHERE ${mine}`,
      [user.id, user.email.toLowerCase()],
    )) as Array<{ total: number; open: number; new_replies: number }>;
    const recent = (await this.dataSource.query(
      `SELECT d.id, d.reference, d.title, d.status, d.reported_at, d.imported_at, m.name AS municipality_name, ${newReply} AS new_reply
         FROM deviation d JOIN municipality m ON m.id = d.municipality_id
        WHERE ${mine}
        ORDER BY d.reported_at DESC, d.id DESC
        LIMIT $3`,
      [user.id, user.email.toLowerCase(), HOME_LIST_LIMIT],
    )) as Array<ReportRow & { new_reply: boolean }>;
    return {
      total: totals.total,
      open: totals.open,
      newReplies: totals.new_replies,
      recent: recent.map((row) => ({ ...toLine(row), newReply: row.new_reply === true })),
    };
  }

  async analystWork(user: AuthUser): Promise<AnalystWork> {
    const since = new Date(this.clock.now().getTime() - WEEK_MS);
    const [standIn, barrierRows, letterRows, [extra]] = await Promise.all([
      this.standInWork(user),
      this.dataSource.query(`SELECT status, count(*)::int AS count FROM barrier WHERE status = ANY($1::text[]) GROUP BY status`, [ACTIVE_BARRIER_STATUSES]) as Promise<
        Array<{ status: BarrierStatus; count: number }>
      >,
      this.dataSource.query(`SELECT status, count(*)::int AS count FROM letter GROUP BY status`) as Promise<Array<{ status: LetterStatus; count: number }>>,
      this.dataSource.query(
        `SELECT (SELECT count(*) FROM barrier WHERE status = ANY($1::text[]) AND created_at >= $2)::int AS new_this_week,
                (SELECT count(*) FROM barrier b WHERE b.status = 'eskalerad' AND NOT EXISTS (SELECT 1 FROM letter l WHERE l.barrier_id = b.id))::int AS escalated_without_letter`,
        [ACTIVE_BARRIER_STATUSES, since],
      ) as Promise<Array<{ new_this_week: number; escalated_without_letter: number }>>,
    ]);
    const barrierCount = new Map(barrierRows.map((row) => [row.status, row.count]));
    const letterCount = new Map(letterRows.map((row) => [row.status, row.count]));
    return {
      standIn,
      barriers: ACTIVE_BARRIER_STATUSES.map((status) => ({ status, label: BARRIER_STATUS_LABELS[status], count: barrierCount.get(status) ?? 0 })),
      newThisWeek: extra.new_this_week,
      escalatedWithoutLetter: extra.escalated_without_letter,
      letters: LETTER_STATUSES.map((status) => ({ status, label: LETTER_STATUS_LABELS[status], count: letterCount.get(status) ?? 0 })),
    };
  }

  /** The analyst's share of the work of delprojekt without an active lead; null when every delprojekt has one. */
  private async standInWork(user: AuthUser): Promise<StandInWork | null> {
    const withoutLead = await this.deviations.subprojectsWithoutLead();
    if (withoutLead.length === 0) return null;
    const ids = withoutLead.map((s) => s.id);
    const cutoffs = overdueCutoffs(this.clock.now(), this.deviations.deadlinePolicy);
    const countParams = new Params();
    const countSql = `SELECT count(*)::int AS open,
              count(*) FILTER (WHERE ${overdueCondition(cutoffs.notAccepted, countParams)} OR ${overdueCondition(cutoffs.notResolved, countParams)})::int AS overdue
         FROM deviation d
        WHERE d.subproject_id = ANY(${countParams.add(ids)}::uuid[]) AND d.status <> 'avslutad'`;
    // The lead's start page's query, over these delprojekt and for this analyst.
    const messageSql = `SELECT d.id, d.reference, d.title, d.status, d.reported_at, d.imported_at, m.name AS municipality_name,
              count(*) OVER ()::int AS total
         FROM deviation d JOIN municipality m ON m.id = d.municipality_id
        WHERE d.subproject_id = ANY($2::uuid[])
          AND d.id IN (SELECT c.deviation_id FROM deviation_comment c WHERE c.visibility = 'reporter' AND c.author_id <> $1)
          AND ${newMessageCondition('$1::uuid')}
        ORDER BY (SELECT max(c.created_at) FROM deviation_comment c WHERE c.deviation_id = d.id AND c.visibility = 'reporter') DESC, d.id
        LIMIT $3`;
    const [[counts], messages] = await Promise.all([
      this.dataSource.query(countSql, countParams.values) as Promise<Array<{ open: number; overdue: number }>>,
      this.dataSource.query(messageSql, [user.id, ids, HOME_LIST_LIMIT]) as Promise<Array<ReportRow & { total: number }>>,
    ]);
    return {
      subprojects: withoutLead.map((s) => s.name),
      subprojectList: swedishList(withoutLead.map((s) => s.name)),
      open: counts.open,
      overdue: counts.overdue,
      newMessages: messages[0]?.total ?? 0,
      withNewMessages: messages.map(toLine),
    };
  }

  async adminWork(): Promise<AdminWork> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'failed')::int AS failed, count(*) FILTER (WHERE status IN ('pending', 'sending'))::int AS pending FROM mail_outbox`,
    )) as Array<{ failed: number; pending: number }>;
    return { failedMails: row.failed, pendingMails: row.pending };
  }
}

interface ReportRow {
  id: string;
  reference: string;
  title: string;
  status: DeviationStatus;
  reported_at: Date;
  imported_at: Date | null;
  municipality_name: string;
}

function toLine(row: ReportRow): HomeReportLine {
  return {
    id: row.id,
    path: `/avvikelser/${row.id}`,
    reference: row.reference,
    title: row.title,
    status: row.status,
    statusLabel: STATUS_LABELS[row.status] ?? row.status,
    municipalityName: row.municipality_name,
    reportedAt: row.reported_at,
    importedAt: row.imported_at,
  };
}
