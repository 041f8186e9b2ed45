import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../../common/auth/auth-user';
import { Clock } from '../../common/clock/clock';
import { isIsoDate, stockholmDate } from '../../common/calendar/working-days';
import { DomainError, NotFoundError, ValidationFailedError } from '../../common/errors/domain-error';
import { assertIdNumbersVouched } from '../../common/pii/id-number-refusal';
import { detectPii } from '../../common/pii/pii-detector';
import { CATEGORY_LABELS, DeviationCategory, DeviationParty, PARTY_LABELS } from '../deviation/deviation.constants';
import { DeviationStatus, STATUS_LABELS } from '../deviation/deviation-workflow';
import { isBarrierProfile, similarBarriers } from './barrier-similarity';
import { ACTIVE_BARRIER_STATUSES, BARRIER_STATUS_LABELS, BarrierMemberSource, BarrierStatus, WEAK_ANCHORING } from './barrier.constants';
import { BARRIER_NAME_LETTERS, BARRIER_NAME_MAX, BARRIER_NAME_NEEDS_LETTERS } from './barrier-naming';
import { BarrierLetterHook, BarrierLetterSummary } from './barrier-letter.hook';
import { ESCALATION_UNMET_PREFIX } from './barrier-escalation';
import { BarrierStore } from './barrier-store';
import { quarterOf, quarterTrend, sparkline, sparklineLevels, TREND_LABELS } from './barrier-trend';
import { barrierDisplayName, readableReason } from './barrier-wording';
import {
  BarrierAssignment,
  BarrierChangeNote,
  BarrierDetail,
  BarrierHistoryEntry,
  BarrierMemberOrder,
  BarrierMemberView,
  BarrierMergeLetter,
  BarrierMergePreview,
  BarrierMergeSide,
  BarrierNotice,
  BarrierPlacement,
  BarrierSummary,
  DissolvedBarrier,
} from './barrier.types';

/** A name's numbers that look like a mistyped personnummer: `confirmNotPersonalData` says they are not (the page asked, or the API call says so). */
export interface BarrierNameOptions {
  confirmNotPersonalData?: boolean;
}

export interface BarrierCreateOptions extends BarrierNameOptions {
  /**
   * Fewest different reports a new barrier takes (default 2: one report is no recurring barrier). The measurement
   * (`npm run eval -- --confirm-per-barrier 1`) confirms single examples into new barriers, so it passes 1.
   */
  minReports?: number;
}

const BARRIER_NAME_NEAR_MISS =
  'Namnet innehåller ett nummer som ser ut som ett personnummer eller samordningsnummer, kanske felskrivet. Inget har sparats. Namnet följer med i e-post, CSV-filer och skrivelser: ta bort numret, eller skicka igen med confirmNotPersonalData: true om det inte är ett personnummer.';

interface BarrierRow {
  id: string;
  to_review: number;
  name: string;
  name_source: 'generated' | 'analyst';
  status: BarrierStatus;
  member_count: number;
  municipality_counts: Record<string, number>;
  subproject_counts: Record<string, number>;
  parties: DeviationParty[];
  terms: string[];
  period_from: string | null;
  period_to: string | null;
  confirmed_at: Date | null;
  escalated_at: Date | null;
  escalation_reason: string | null;
  merged_into_id: string | null;
  local_fix_on: string | null;
  local_fix_note: string | null;
  local_fix_recorded_at: Date | null;
  local_fix_by_name: string | null;
  dissolved_count: number;
}

const BARRIER_COLUMNS = `b.id, b.name, b.name_source, b.status, b.member_count, b.municipality_counts, b.subproject_counts, b.parties, b.terms,
  b.period_from::text AS period_from, b.period_to::text AS period_to, b.confirmed_at, b.escalated_at, b.escalation_reason, b.merged_into_id,
  to_char(b.local_fix_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') AS local_fix_on, b.local_fix_note, b.local_fix_recorded_at,
  (SELECT u.name FROM app_user u WHERE u.id = b.local_fix_by_id) AS local_fix_by_name, cardinality(b.dissolved_member_ids)::int AS dissolved_count,
  (SELECT count(*)::int FROM barrier_member bm
    WHERE bm.barrier_id = b.id AND NOT bm.confirmed_by_analyst AND (bm.anchoring IS NULL OR bm.anchoring < ${WEAK_ANCHORING})) AS to_review`;

/** Member reports per page on /hinder/:id: a barrier of thousands of reports still renders at once. */
export const MEMBER_PAGE_SIZE = 50;

/**
 * The weakest anchored first: reports no run has scored (moved in by the analyst, or placed before runs
 * scored anchoring) before all others, then by anchoring; the confirmed ones last, as the analyst has
 * already looked at them.
 */
const MEMBER_ORDER_SQL: Record<BarrierMemberOrder, string> = {
  date: 'd.occurred_on, d.reference_number',
  anchoring: 'bm.confirmed_by_analyst, bm.anchoring NULLS FIRST, d.occurred_on, d.reference_number',
};

/** What the page says of a member's anchoring (Swedish); nothing for a confirmed one. */
function anchoringLabel(anchoring: number | null, confirmed: boolean): string | null {
  if (confirmed) return null;
  if (anchoring === null) return 'förankring: inte bedömd än';
  return `förankring: ${formatAnchoring(anchoring)} av 15${anchoring < WEAK_ANCHORING ? ', svag' : ''}`;
}

function formatAnchoring(anchoring: number): string {
  return anchoring.toFixed(1).replace('.', ',');
}
export const LOCAL_FIX_NOTE_MAX = 500;
/** An earlier year is a typing mistake, not a fix (MIA began in 2017). */
const LOCAL_FIX_EARLIEST = '2000-01-01';

/** Status order on the list: escalated first, then confirmed, then proposed. */
const STATUS_ORDER_SQL = `CASE b.status WHEN 'eskalerad' THEN 0 WHEN 'bekraftad' THEN 1 ELSE 2 END`;

const REFERENCE = /^AVV-\d{4}-\d+$/i;
/** References in one "Nytt hinder av rapporterna" form: a barrier of more is split or merged, not typed. */
const MAX_REFERENCES = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function byCount(counts: Record<string, number>): Array<{ name: string; count: number }> {
  return Object.entries(counts)
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'sv'));
}

/**
 * What a merge does to the two barriers' letters, as LetterService.followMerge does it: the other barrier's answered
 * letters follow its reports as history; its letter under way follows too, unless this barrier has one under way
 * (a barrier has at most one), and then both are kept. Letters that stayed with barriers merged earlier are left out:
 * they stay where they are.
 */
function mergeLetters(targetLetters: readonly BarrierLetterSummary[], otherLetters: readonly BarrierLetterSummary[]): NonNullable<BarrierMergePreview['letters']> {
  const view = (letter: BarrierLetterSummary): BarrierMergeLetter => ({
    subject: letter.subject,
    statusLabel: letter.statusLabel,
    answered: letter.status === 'besvarad',
    path: letter.path,
  });
  const targetOpen = targetLetters.find((letter) => letter.fromMergedBarrier === null && letter.status !== 'besvarad') ?? null;
  const own = otherLetters.filter((letter) => letter.fromMergedBarrier === null);
  const open = own.find((letter) => letter.status !== 'besvarad') ?? null;
  return {
    following: own.filter((letter) => letter.status === 'besvarad' || targetOpen === null).map(view),
    stayingBehind: open && targetOpen ? view(open) : null,
    targetOpen: targetOpen ? { ...view(targetOpen), draft: targetOpen.status === 'utkast' } : null,
  };
}

/** `currentQuarter`: today's in Swedish time, so every barrier's quarters end at the same place. */
function summaryOf(row: BarrierRow, quarters: Map<string, number>, currentQuarter: string): BarrierSummary {
  const trend = quarterTrend(quarters, currentQuarter);
  return {
    id: row.id,
    name: row.name,
    displayName: barrierDisplayName(row.name),
    nameSource: row.name_source,
    status: row.status,
    statusLabel: BARRIER_STATUS_LABELS[row.status],
    memberCount: row.member_count,
    toReview: row.to_review,
    municipalityCount: Object.keys(row.municipality_counts).length,
    subprojectCount: Object.keys(row.subproject_counts).length,
    municipalities: byCount(row.municipality_counts),
    subprojects: byCount(row.subproject_counts),
    parties: row.parties,
    partyLabels: row.parties.map((party) => PARTY_LABELS[party] ?? party),
    terms: row.terms,
    periodFrom: row.period_from,
    periodTo: row.period_to,
    trend: {
      ...trend,
      directionLabel: TREND_LABELS[trend.direction],
      sparkline: sparkline(trend.quarters.map((q) => q.count)),
      sparklineLevels: sparklineLevels(trend.quarters.map((q) => q.count)),
    },
    confirmedAt: row.confirmed_at,
    escalatedAt: row.escalated_at,
    escalationReason: row.escalation_reason,
    localFix:
      row.local_fix_on && row.local_fix_recorded_at
        ? { date: row.local_fix_on, note: row.local_fix_note ?? '', recordedBy: row.local_fix_by_name, recordedAt: row.local_fix_recorded_at }
        : null,
    dissolvedReportCount: row.dissolved_count,
    path: `/hinder/${row.id}`,
  };
}

/** A report the analyst moved, named as the page names it: by its reference, never by anything about the participant. */
export interface MovedReport {
  deviationId: string;
  reference: string;
  /** Barriers the move left without reports, and so retired (see BarrierService.change). */
  retired: RetiredBarrier[];
}

/** A barrier an analyst's change left without reports: retired (upplöst) in the same change, named for the notice. */
export interface RetiredBarrier {
  id: string;
  displayName: string;
}

/** What the page says of a barrier an analyst's change emptied and retired. */
export function retiredNotice(displayName: string): string {
  return `Hindret ”${displayName}” hade inga rapporter kvar och är upplöst.`;
}

/** Refused when the barrier is merged or dissolved: its id stays valid for reading, not for changes. */
export class BarrierInactiveError extends DomainError {
  constructor(status: BarrierStatus) {
    super('barrier_inactive', `Hindret är ${status === 'sammanslagen' ? 'sammanslaget' : 'upplöst'} och kan inte ändras.`, 409);
  }
}

/** The history lines of the change under way (see BarrierService.collectChangeNotes); none outside one. */
const changeNotesStore = new AsyncLocalStorage<string[]>();

function reportCount(n: number): string {
  return `${n} ${n === 1 ? 'rapport' : 'rapporter'}`;
}

/**
 * What a 'reports_taken' line says: how many reports the barrier lost, where to, what it has now and how its escalation
 * stands. `notice` names the barrier (the page after the change is another barrier's); the history line does not.
 */
function reportsTakenText(name: string, before: Record<string, unknown>, after: Record<string, unknown>, form: 'notice' | 'history'): string {
  const lost = typeof after.lost === 'number' ? after.lost : 0;
  const left = typeof after.count === 'number' ? after.count : 0;
  const into = (Array.isArray(after.into) ? after.into : []) as Array<{ name?: unknown }>;
  const names = into.map((g) => `”${typeof g.name === 'string' ? g.name : ''}”`);
  const where = names.length ? ` till ${names.join(' och ')}` : ' ut ur hindret';
  const subject = form === 'notice' ? `”${name}” lämnade` : 'Hindret lämnade';
  let text = `${subject} ${reportCount(lost)}${where} och har nu ${reportCount(left)}.`;
  if (before.escalated === true && after.escalated !== true) text += ' Det är inte längre eskalerat.';
  else if (after.escalated === true && after.ruleMet === false) {
    text +=
      ' Det når inte längre gränsen för eskalering men står kvar som eskalerat, eftersom eskaleringen redan har meddelats.' +
      ' Ta tillbaka eskaleringen på hindrets sida om den inte längre gäller.';
  } else if (after.escalated === true) text += ' Det är fortfarande eskalerat och når gränsen för eskalering.';
  return text;
}

function historyText(kind: string, before: Record<string, unknown>, after: Record<string, unknown>): string {
  if (kind === 'reports_taken') return reportsTakenText('', before, after, 'history');
  if (kind === 'escalation_withdrawn') return 'Eskaleringen togs tillbaka. Hindret är inte längre eskalerat.';
  if (kind === 'restored') {
    const back = typeof after.lettersBack === 'number' ? after.lettersBack : 0;
    return `Hindret återställdes med ${reportCount(typeof after.count === 'number' ? after.count : 0)} efter att en körning löst upp det.${
      back > 0 ? ` ${back === 1 ? 'Skrivelsen som' : `${back} skrivelser som`} följt med till ett annat hinder flyttades tillbaka hit.` : ''
    }`;
  }
  return kind;
}

/**
 * Barriers for the analyst: the list and one barrier with its evidence, and the analyst's hand
 * (confirm, rename, merge, split, move a report in or out). Every change that alters memberships
 * marks the members confirmed, which the engine never overrides, and asks for a full run.
 */
/** The member report's notice; a barrier in one kommun (escalated by its leads' marks) is structural rather than recurring across kommuner. */
export function barrierNoticeText(municipalityCount: number): string {
  return municipalityCount === 1 ? 'Del av ett strukturellt hinder i 1 kommun' : `Del av ett återkommande hinder i ${municipalityCount} kommuner`;
}

@Injectable()
export class BarrierService {
  private readonly logger = new Logger(BarrierService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: BarrierStore,
    private readonly clock: Clock,
    private readonly letters: BarrierLetterHook,
  ) {}

  // ── Reading ───────────────────────────────────────────────────────────────────────────────

  private currentQuarter(): string {
    return quarterOf(stockholmDate(this.clock.now()));
  }

  async list(): Promise<BarrierSummary[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${BARRIER_COLUMNS} FROM barrier b WHERE b.status = ANY($1) ORDER BY ${STATUS_ORDER_SQL}, b.member_count DESC, b.name, b.id`,
      [ACTIVE_BARRIER_STATUSES],
    )) as BarrierRow[];
    const quarters = await this.quarterCounts(rows.map((row) => row.id));
    return rows.map((row) => summaryOf(row, quarters.get(row.id) ?? new Map(), this.currentQuarter()));
  }

  /**
   * One barrier with its evidence. With `page`, only that page of member reports (MEMBER_PAGE_SIZE; a page
   * past the end shows the last one); without, all of them (the API). `order`: by date (the default), or
   * the weakest anchored first (see MEMBER_ORDER_SQL).
   */
  async get(id: string, options: { page?: number; order?: BarrierMemberOrder } = {}): Promise<BarrierDetail> {
    const row = await this.findRow(this.dataSource.manager, id);
    let membersPage: BarrierDetail['membersPage'] = null;
    let limit = 'ALL';
    let offset = 0;
    if (options.page !== undefined) {
      const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM barrier_member WHERE barrier_id = $1`, [id])) as Array<{ n: number }>;
      const pages = Math.max(1, Math.ceil(n / MEMBER_PAGE_SIZE));
      const page = Math.min(Math.max(1, Math.floor(options.page)), pages);
      offset = (page - 1) * MEMBER_PAGE_SIZE;
      limit = String(MEMBER_PAGE_SIZE);
      membersPage = { page, pageSize: MEMBER_PAGE_SIZE, pages, total: n, first: n ? offset + 1 : 0, last: Math.min(n, offset + MEMBER_PAGE_SIZE) };
    }
    const [quarters, members, excluded, candidates, resolved, letters] = await Promise.all([
      this.quarterCounts([id]),
      this.dataSource.query(
        `SELECT d.id, d.reference, d.external_id, d.title, m.name AS municipality, s.name AS subproject, d.occurred_on::text AS occurred_on,
                d.category, d.status, bm.reason, bm.anchoring, bm.confirmed_by_analyst, bm.source,
                bb.id AS better_id, bb.name AS better_name, bm.better_anchoring
           FROM barrier_member bm
           JOIN deviation d ON d.id = bm.deviation_id
           JOIN municipality m ON m.id = d.municipality_id
           JOIN subproject s ON s.id = d.subproject_id
           -- Suggested only while that barrier is active and the report is not confirmed where it is.
           LEFT JOIN barrier bb ON bb.id = bm.better_barrier_id AND bb.status = ANY($2) AND NOT bm.confirmed_by_analyst
          WHERE bm.barrier_id = $1
          ORDER BY ${MEMBER_ORDER_SQL[options.order ?? 'date']}
          LIMIT ${limit} OFFSET ${offset}`,
        [id, ACTIVE_BARRIER_STATUSES],
      ) as Promise<
        Array<{
          id: string;
          reference: string;
          external_id: string | null;
          title: string;
          municipality: string;
          subproject: string;
          occurred_on: string;
          category: DeviationCategory;
          status: DeviationStatus;
          reason: string[];
          anchoring: number | null;
          confirmed_by_analyst: boolean;
          source: BarrierMemberSource;
          better_id: string | null;
          better_name: string | null;
          better_anchoring: number | null;
        }>
      >,
      this.dataSource.query(
        `SELECT d.id, d.reference, d.title FROM barrier_exclusion x JOIN deviation d ON d.id = x.deviation_id
          WHERE x.barrier_id = $1 ORDER BY d.reference_number`,
        [id],
      ) as Promise<Array<{ id: string; reference: string; title: string }>>,
      // The models too (this one's and the others'), for "Liknande hinder".
      this.dataSource.query(`SELECT b.id, b.name, b.model, b.member_count FROM barrier b WHERE b.status = ANY($1) OR b.id = $2 ORDER BY b.name, b.id`, [
        ACTIVE_BARRIER_STATUSES,
        id,
      ]) as Promise<Array<{ id: string; name: string; model: unknown; member_count: number }>>,
      // resolved_at is set by "åtgärdad lokalt" and cleared by reopening, so it counts the reports that stand as fixed locally.
      this.dataSource.query(
        `SELECT count(*)::int AS n, to_char(max(d.resolved_at) AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') AS latest
           FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id
          WHERE bm.barrier_id = $1 AND d.resolved_at IS NOT NULL`,
        [id],
      ) as Promise<Array<{ n: number; latest: string | null }>>,
      this.letters.lettersFor([id]),
    ]);
    const [history, lettersAway] = await Promise.all([this.history(id), this.letters.lettersAway(id)]);
    const own = candidates.find((candidate) => candidate.id === id);
    const others = candidates.filter((candidate) => candidate.id !== id);
    const memberViews: BarrierMemberView[] = members.map((member) => ({
      deviationId: member.id,
      reference: member.reference,
      externalId: member.external_id,
      title: member.title,
      municipality: member.municipality,
      subproject: member.subproject,
      occurredOn: member.occurred_on,
      categoryLabel: CATEGORY_LABELS[member.category] ?? member.category,
      statusLabel: STATUS_LABELS[member.status] ?? member.status,
      reasons: member.reason,
      reasonLabels: member.reason.map(readableReason),
      anchoring: member.anchoring,
      anchoringLabel: anchoringLabel(member.anchoring, member.confirmed_by_analyst),
      betterPlace:
        member.better_id === null || member.better_name === null
          ? null
          : {
              barrierId: member.better_id,
              name: member.better_name,
              displayName: barrierDisplayName(member.better_name),
              anchoring: member.better_anchoring,
              anchoringText: member.better_anchoring === null ? null : formatAnchoring(member.better_anchoring),
              path: `/hinder/${member.better_id}`,
            },
      confirmedByAnalyst: member.confirmed_by_analyst,
      source: member.source,
      path: `/avvikelser/${member.id}`,
    }));
    return {
      ...summaryOf(row, quarters.get(id) ?? new Map(), this.currentQuarter()),
      members: memberViews,
      excluded: excluded.map((x) => ({ deviationId: x.id, reference: x.reference, title: x.title, path: `/avvikelser/${x.id}` })),
      membersPage,
      mergeCandidates: others.map(({ id: otherId, name }) => ({ id: otherId, name, displayName: barrierDisplayName(name) })),
      // An empty barrier's model is that of the reports it had: it resembles nothing now ("likhet 100 %" was shown).
      similar: isBarrierProfile(own?.model) && own.member_count > 0
        ? similarBarriers(
            own.model,
            others.filter((other) => other.member_count > 0).map((other) => ({ id: other.id, name: other.name, profile: isBarrierProfile(other.model) ? other.model : null })),
          ).map((similar) => ({ ...similar, displayName: barrierDisplayName(similar.name) }))
        : [],
      locallyResolved: resolved[0]?.n && resolved[0].latest ? { count: resolved[0].n, latest: resolved[0].latest } : null,
      letters: letters.get(id) ?? [],
      lettersAway,
      history,
      escalationUnmet: row.status === 'eskalerad' && (row.escalation_reason ?? '').startsWith(ESCALATION_UNMET_PREFIX),
    };
  }

  /** The analyst opened the barrier's page: its generated name is the one they know it by from now on. */
  async keepName(id: string): Promise<void> {
    await this.store.keepNames(this.dataSource.manager, [id]);
  }

  /**
   * The barriers the latest full run left without reports (dissolved, or merged into the one that took most of them),
   * for /hinder: what they were, how many reports they had, where those went, and whether they can be restored.
   */
  async dissolvedInLastRun(): Promise<DissolvedBarrier[]> {
    const rows = (await this.dataSource.query(
      `SELECT b.id, b.name, b.status, b.escalated_at IS NOT NULL OR b.escalation_reason IS NOT NULL AS was_escalated,
              b.confirmed_at IS NOT NULL AS was_confirmed, b.name_source, cardinality(b.dissolved_member_ids)::int AS n,
              t.id AS into_id, t.name AS into_name
         FROM barrier b
         JOIN barrier_engine_state s ON s.id = 1
         LEFT JOIN barrier t ON t.id = b.merged_into_id
        WHERE b.dissolved_at IS NOT NULL AND b.dissolved_at >= s.full_run_at AND b.status IN ('upplost', 'sammanslagen')
          -- One the analyst emptied by hand (moved every report elsewhere) is no news.
          AND cardinality(b.dissolved_member_ids) > 0
        ORDER BY b.name, b.id`,
    )) as Array<{
      id: string;
      name: string;
      status: BarrierStatus;
      was_escalated: boolean;
      was_confirmed: boolean;
      name_source: 'generated' | 'analyst';
      n: number;
      into_id: string | null;
      into_name: string | null;
    }>;
    return rows.map((row) => ({
      id: row.id,
      displayName: barrierDisplayName(row.name),
      reportCount: row.n,
      why:
        row.into_id && row.into_name
          ? `De flesta av rapporterna hamnade i ”${barrierDisplayName(row.into_name)}”, så hindret slogs ihop med det.`
          : 'Mönsteranalysen fann inte längre rapporterna som ett gemensamt hinder (t.ex. efter en ändring i tesaurusen), och ingen av dem var bekräftad där.',
      was: [row.was_escalated ? 'eskalerat' : null, row.was_confirmed ? 'bekräftat' : null, row.name_source === 'analyst' ? 'namngivet' : null].filter(
        (word): word is string => word !== null,
      ),
      mergedInto: row.into_id && row.into_name ? { displayName: barrierDisplayName(row.into_name), path: `/hinder/${row.into_id}` } : null,
      restorable: true,
      path: `/hinder/${row.id}`,
    }));
  }

  /**
   * "Återställ hindret": a barrier a full run dissolved (or merged away) gets back the reports it had just before, taken
   * out of the barriers they went to, and is confirmed with them, so the next run keeps it. Its escalation is judged
   * anew from those reports (no second mail: one per barrier). Reports since filed elsewhere by the analyst move too.
   * A draft or reviewed letter that followed its reports away in that run comes back (LetterService.followRestore); a
   * letter sent since stays where it is, and the barrier's page says where (lettersAway).
   */
  async restore(user: AuthUser, id: string): Promise<void> {
    await this.change(async (manager, now) => {
      const row = await this.findRow(manager, id);
      const [stored] = (await manager.query(`SELECT dissolved_member_ids::text[] AS ids, dissolved_at FROM barrier WHERE id = $1`, [id])) as Array<{
        ids: string[];
        dissolved_at: Date | null;
      }>;
      if (ACTIVE_BARRIER_STATUSES.includes(row.status)) {
        throw new DomainError('barrier_active', 'Hindret är inte upplöst: det finns redan bland hindren.', 409);
      }
      const existing = (await manager.query(`SELECT id FROM deviation WHERE id = ANY($1::uuid[]) ORDER BY id`, [stored?.ids ?? []])) as Array<{ id: string }>;
      if (existing.length === 0) {
        throw new DomainError('barrier_nothing_to_restore', 'Det finns inga rapporter att återställa hindret med: det löstes inte upp av en körning.', 409);
      }
      const previous = (await manager.query(`SELECT DISTINCT barrier_id FROM barrier_member WHERE deviation_id = ANY($1::uuid[])`, [existing.map((r) => r.id)])) as Array<{
        barrier_id: string;
      }>;
      await manager.query(
        // The escalation is judged anew below (change → escalateDue): an old reason must not stand on a barrier that no longer meets the rule.
        `UPDATE barrier SET status = 'bekraftad', merged_into_id = NULL, dissolved_at = NULL, dissolved_member_ids = '{}', escalation_reason = NULL, escalated_at = NULL,
                confirmed_at = coalesce(confirmed_at, $2), confirmed_by_id = coalesce(confirmed_by_id, $3), name_kept_at = coalesce(name_kept_at, $2),
                updated_at = $2
          WHERE id = $1`,
        [id, now, user.id],
      );
      for (const deviation of existing) await this.placeByAnalyst(manager, user, id, deviation.id, now);
      await manager.query(`UPDATE barrier_member SET reason = $2::text[] WHERE barrier_id = $1`, [id, [`Återställd hit av ${user.name} efter att en körning löst upp hindret.`]]);
      // Letters that followed its reports away in that run (a draft, a reviewed one) come back with them; the letter's log says so.
      const lettersBack = stored?.dissolved_at ? await this.letters.barrierRestored(manager, id, stored.dissolved_at, user.id) : 0;
      await manager.query(
        `INSERT INTO barrier_event (barrier_id, actor_id, kind, before, after, created_at) VALUES ($1, $2, 'restored', NULL, $3, $4)`,
        [id, user.id, JSON.stringify({ count: existing.length, lettersBack }), now],
      );
      return [id, ...previous.map((p) => p.barrier_id)];
    }, user);
    this.logger.log(`Hinder ${id} återställt av användare ${user.id}`);
  }

  /** A barrier's name as pages show it, or null when there is no such barrier. */
  async displayNameOf(id: string): Promise<string | null> {
    const [row] = (await this.dataSource.query(`SELECT name FROM barrier WHERE id = $1`, [id])) as Array<{ name: string }>;
    return row ? barrierDisplayName(row.name) : null;
  }

  /** A retired (upplöst) barrier's name as pages show it; null for any other barrier or none. */
  async retiredNameOf(id: string): Promise<string | null> {
    const [row] = (await this.dataSource.query(`SELECT name FROM barrier WHERE id = $1 AND status = 'upplost'`, [id])) as Array<{ name: string }>;
    return row ? barrierDisplayName(row.name) : null;
  }

  /** Where a merged barrier went, so its old address still leads somewhere. */
  async mergedInto(id: string): Promise<string | null> {
    const row = await this.findRow(this.dataSource.manager, id);
    return row.merged_into_id;
  }

  /**
   * "Del av ett återkommande hinder i N kommuner": shown on a member report's page to its lead and reporter
   * once the barrier is escalated; null otherwise. The caller has already checked that the user may read the report.
   */
  async barrierNoticeFor(deviationId: string): Promise<BarrierNotice | null> {
    const rows = (await this.dataSource.query(
      `SELECT b.id, b.municipality_counts FROM barrier_member bm JOIN barrier b ON b.id = bm.barrier_id AND b.status = 'eskalerad'
        WHERE bm.deviation_id = $1`,
      [deviationId],
    )) as Array<{ id: string; municipality_counts: Record<string, number> }>;
    if (!rows[0]) return null;
    const count = Object.keys(rows[0].municipality_counts).length;
    return { barrierId: rows[0].id, municipalityCount: count, text: barrierNoticeText(count) };
  }

  /**
   * Where the report stands among the barriers, for the analyst's (and admin's) view of the report: its barrier, whether
   * confirmed there, the barriers it was moved out of, and the active barriers to put it in (the engine's better place
   * first, then by name: comparing the report with every barrier's profile would cost a vector per barrier per view).
   * The caller has already checked that the user may read the report.
   */
  async placementFor(deviationId: string): Promise<BarrierPlacement> {
    const [members, excluded, active] = await Promise.all([
      this.dataSource.query(
        `SELECT b.id, b.name, b.name_source, b.status, b.member_count, b.municipality_counts, bm.source, bm.reason,
                bm.confirmed_by_analyst AS confirmed,
                (SELECT bb.id FROM barrier bb WHERE bb.id = bm.better_barrier_id AND bb.status = ANY($2)) AS better_id
           FROM barrier_member bm JOIN barrier b ON b.id = bm.barrier_id
          WHERE bm.deviation_id = $1`,
        [deviationId, ACTIVE_BARRIER_STATUSES],
      ) as Promise<
        Array<{
          id: string;
          name: string;
          name_source: 'generated' | 'analyst';
          status: BarrierStatus;
          member_count: number;
          municipality_counts: Record<string, number>;
          source: BarrierMemberSource;
          reason: string[];
          confirmed: boolean;
          better_id: string | null;
        }>
      >,
      this.dataSource.query(
        `SELECT b.id, b.name FROM barrier_exclusion x JOIN barrier b ON b.id = x.barrier_id AND b.status = ANY($2)
          WHERE x.deviation_id = $1 ORDER BY b.name, b.id`,
        [deviationId, ACTIVE_BARRIER_STATUSES],
      ) as Promise<Array<{ id: string; name: string }>>,
      this.dataSource.query(`SELECT b.id, b.name FROM barrier b WHERE b.status = ANY($1)`, [ACTIVE_BARRIER_STATUSES]) as Promise<
        Array<{ id: string; name: string }>
      >,
    ]);
    const member = members[0] ?? null;
    const suggestedId = member?.better_id ?? null;
    const options = active
      .filter((barrier) => barrier.id !== member?.id)
      .map((barrier) => ({ value: barrier.id, label: barrierDisplayName(barrier.name) }))
      .sort((a, b) => Number(b.value === suggestedId) - Number(a.value === suggestedId) || a.label.localeCompare(b.label, 'sv') || a.value.localeCompare(b.value))
      .map((option) => (option.value === suggestedId ? { ...option, label: `${option.label} (passar bättre enligt analysen)` } : option));
    return {
      barrier: member
        ? {
            id: member.id,
            displayName: barrierDisplayName(member.name),
            generatedName: member.name_source === 'generated',
            status: member.status,
            statusLabel: BARRIER_STATUS_LABELS[member.status],
            memberCount: member.member_count,
            municipalityCount: Object.keys(member.municipality_counts).length,
            path: `/hinder/${member.id}`,
          }
        : null,
      confirmed: member?.confirmed ?? false,
      placedByAnalyst: member?.source === 'analyst',
      reasonLabels: (member?.reason ?? []).map(readableReason),
      excludedFrom: excluded.map((row) => ({ id: row.id, displayName: barrierDisplayName(row.name), path: `/hinder/${row.id}` })),
      options,
      suggestedId,
    };
  }

  /** Every deviation with its barrier, in reference order, a batch at a time (for export and measurement). */
  async *assignments(batchSize = 5_000): AsyncGenerator<BarrierAssignment[]> {
    let after = '0';
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT d.reference_number::text AS n, d.id, d.external_id, bm.barrier_id
           FROM deviation d LEFT JOIN barrier_member bm ON bm.deviation_id = d.id
          WHERE d.reference_number > $1::bigint
          ORDER BY d.reference_number LIMIT $2`,
        [after, batchSize],
      )) as Array<{ n: string; id: string; external_id: string | null; barrier_id: string | null }>;
      if (rows.length === 0) return;
      yield rows.map((row) => ({ deviationId: row.id, externalId: row.external_id, cluster: row.barrier_id }));
      after = rows[rows.length - 1].n;
      if (rows.length < batchSize) return;
    }
  }

  // ── The analyst's hand ───────────────────────────────────────────────────────────────────

  /** Confirms the barrier and every report now in it: the engine keeps them together from now on. */
  async confirm(user: AuthUser, id: string): Promise<void> {
    await this.change(async (manager, now) => {
      const row = await this.activeRow(manager, id);
      await this.confirmWithReports(manager, user, row.id, now);
      return [row.id];
    }, user);
  }

  /**
   * Names the barrier, and confirms it with the reports now in it. A name is the analyst saying "this is one
   * barrier, this one": left unconfirmed, a full run after other edits could give its reports to another barrier
   * and leave the named one empty (what the reviewer saw). A corrected spelling confirms again, which changes nothing.
   */
  async rename(user: AuthUser, id: string, name: string, options: BarrierNameOptions = {}): Promise<void> {
    const trimmed = this.checkName(name, options);
    await this.change(async (manager, now) => {
      const row = await this.activeRow(manager, id);
      await manager.query(`UPDATE barrier SET name = $2, name_source = 'analyst', updated_at = $3 WHERE id = $1`, [row.id, trimmed, now]);
      await this.confirmWithReports(manager, user, row.id, now);
      return [row.id];
    }, user);
  }

  /**
   * What merging `otherId` into `id` will do, read before it is done (the page's confirmation step): refused the same
   * way as `merge` when it cannot be done. Every figure comes from the data now, by the rules `merge` applies.
   */
  async mergePreview(id: string, otherId: string): Promise<BarrierMergePreview> {
    const manager = this.dataSource.manager;
    const { target, other } = await this.mergePair(manager, id, otherId);
    const [cells, returning, excluded, escalation, letters] = await Promise.all([
      manager.query(
        `SELECT bm.barrier_id, m.name AS municipality, d.subproject_id, count(*)::int AS n
           FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id JOIN municipality m ON m.id = d.municipality_id
          WHERE bm.barrier_id = ANY($1::uuid[])
          GROUP BY 1, 2, 3`,
        [[target.id, other.id]],
      ) as Promise<Array<{ barrier_id: string; municipality: string; subproject_id: string; n: number }>>,
      manager.query(
        `SELECT d.reference FROM barrier_exclusion x JOIN barrier_member bm ON bm.deviation_id = x.deviation_id AND bm.barrier_id = $2
           JOIN deviation d ON d.id = x.deviation_id
          WHERE x.barrier_id = $1 ORDER BY d.reference_number`,
        [target.id, other.id],
      ) as Promise<Array<{ reference: string }>>,
      manager.query(
        `SELECT count(*)::int AS n FROM barrier_exclusion x
          WHERE x.barrier_id = $2 AND NOT EXISTS (SELECT 1 FROM barrier_member bm WHERE bm.deviation_id = x.deviation_id AND bm.barrier_id = $1)`,
        [target.id, other.id],
      ) as Promise<Array<{ n: number }>>,
      this.store.escalationIfOne(manager, [target.id, other.id]),
      this.letters.available ? this.letters.lettersFor([target.id, other.id]) : Promise.resolve(null),
    ]);
    const count = (barrierId: string): number => cells.filter((cell) => cell.barrier_id === barrierId).reduce((sum, cell) => sum + cell.n, 0);
    const side = (row: BarrierRow): BarrierMergeSide => ({
      id: row.id,
      displayName: barrierDisplayName(row.name),
      status: row.status,
      statusLabel: BARRIER_STATUS_LABELS[row.status],
      memberCount: count(row.id),
      localFix: row.local_fix_on ? { date: row.local_fix_on, note: row.local_fix_note ?? '' } : null,
      path: `/hinder/${row.id}`,
    });
    const targetSide = side(target);
    const otherSide = side(other);
    const inTarget = new Set(cells.filter((cell) => cell.barrier_id === target.id).map((cell) => cell.municipality));
    const byMunicipality = new Map<string, number>();
    for (const cell of cells) byMunicipality.set(cell.municipality, (byMunicipality.get(cell.municipality) ?? 0) + cell.n);
    const municipalities = byCount(Object.fromEntries(byMunicipality));
    return {
      target: targetSide,
      other: otherSide,
      moving: otherSide.memberCount,
      total: targetSide.memberCount + otherSide.memberCount,
      municipalities,
      addedMunicipalities: municipalities.filter((m) => !inTarget.has(m.name)).map((m) => m.name),
      subprojectCount: new Set(cells.map((cell) => cell.subproject_id)).size,
      escalation: escalation ? { reason: escalation.reason, already: target.status === 'eskalerad' } : null,
      localFix: {
        taken: targetSide.localFix === null ? otherSide.localFix : null,
        dropped: targetSide.localFix !== null && otherSide.localFix !== null ? { date: otherSide.localFix.date } : null,
      },
      returning: returning.map((row) => row.reference),
      excludedStayOut: excluded[0]?.n ?? 0,
      letters: letters === null ? null : mergeLetters(letters.get(target.id) ?? [], letters.get(other.id) ?? []),
    };
  }

  /** Moves every report of `otherId` into `id`; the other barrier is kept as "sammanslagen" pointing here. */
  async merge(user: AuthUser, id: string, otherId: string): Promise<void> {
    await this.change(async (manager, now) => {
      const { target, other } = await this.mergePair(manager, id, otherId);
      await manager.query(
        `UPDATE barrier_member SET barrier_id = $1, confirmed_by_analyst = true, source = 'analyst',
                reason = reason || $3::text[], updated_at = $4
          WHERE barrier_id = $2`,
        [target.id, other.id, [`Sammanslaget från hindret "${other.name}" av ${user.name}.`], now],
      );
      await manager.query(`UPDATE barrier_member SET confirmed_by_analyst = true, updated_at = $2 WHERE barrier_id = $1 AND NOT confirmed_by_analyst`, [
        target.id,
        now,
      ]);
      // A report the analyst took out of the other barrier stays out of the merged one.
      await manager.query(
        `INSERT INTO barrier_exclusion (barrier_id, deviation_id, excluded_by_id, created_at, updated_at)
         SELECT $1, deviation_id, excluded_by_id, created_at, $3 FROM barrier_exclusion WHERE barrier_id = $2
         ON CONFLICT (deviation_id, barrier_id) DO NOTHING`,
        [target.id, other.id, now],
      );
      await manager.query(`DELETE FROM barrier_exclusion x WHERE x.barrier_id = $1 AND EXISTS (SELECT 1 FROM barrier_member bm WHERE bm.deviation_id = x.deviation_id AND bm.barrier_id = $1)`, [target.id]);
      await manager.query(`DELETE FROM barrier_exclusion WHERE barrier_id = $1`, [other.id]);
      await manager.query(
        `UPDATE barrier SET status = 'sammanslagen', merged_into_id = $2, model = NULL, updated_at = $3 WHERE id = $1`,
        [other.id, target.id, now],
      );
      // Nor is a local fix: the merged barrier takes the other's when it has none of its own.
      await manager.query(
        `UPDATE barrier t SET local_fix_at = o.local_fix_at, local_fix_note = o.local_fix_note, local_fix_by_id = o.local_fix_by_id,
                local_fix_recorded_at = o.local_fix_recorded_at
           FROM barrier o
          WHERE t.id = $1 AND o.id = $2 AND t.local_fix_at IS NULL AND o.local_fix_at IS NOT NULL`,
        [target.id, other.id],
      );
      // Escalation is not lost by merging: the merged barrier carries the other's reason if it was not escalated itself.
      const carried = other.status === 'eskalerad' && target.status !== 'eskalerad';
      await manager.query(
        `UPDATE barrier SET status = CASE WHEN $4::boolean THEN 'eskalerad' WHEN status = 'foreslagen' THEN 'bekraftad' ELSE status END,
                escalation_reason = CASE WHEN $4::boolean THEN $5 ELSE escalation_reason END,
                escalated_at = CASE WHEN $4::boolean THEN $6::timestamptz ELSE escalated_at END,
                confirmed_at = coalesce(confirmed_at, $2), confirmed_by_id = coalesce(confirmed_by_id, $3),
                name_kept_at = coalesce(name_kept_at, $2), updated_at = $2
          WHERE id = $1`,
        [target.id, now, user.id, carried, carried ? `Sammanslaget med det eskalerade hindret "${other.name}": ${other.escalation_reason ?? ''}` : null, other.escalated_at],
      );
      // Nor is a skrivelse: it follows the reports here (unless this barrier has one under way; then both are kept).
      await this.letters.barrierMerged(manager, other.id, target.id, user.id);
      return [target.id, other.id];
    }, user);
  }

  /** Moves the chosen reports of a barrier into a new, confirmed barrier; returns its id. */
  async split(user: AuthUser, id: string, deviationIds: readonly string[], name?: string, options: BarrierNameOptions = {}): Promise<string> {
    const chosen = [...new Set(deviationIds)];
    const newName = name?.trim() ? this.checkName(name, options) : null;
    let created = '';
    await this.change(async (manager, now) => {
      const source = await this.activeRow(manager, id);
      const members = (await manager.query(`SELECT deviation_id FROM barrier_member WHERE barrier_id = $1`, [source.id])) as Array<{ deviation_id: string }>;
      const inSource = new Set(members.map((m) => m.deviation_id));
      if (chosen.length === 0 || chosen.some((deviationId) => !inSource.has(deviationId))) {
        throw new DomainError('barrier_split_selection', 'Välj en eller flera av hindrets rapporter att dela av.', 400, [
          { field: 'deviationIds', message: 'Välj rapporter som hör till hindret.' },
        ]);
      }
      if (chosen.length === inSource.size) {
        throw new DomainError('barrier_split_all', 'Alla rapporter är valda. Lämna minst en kvar, eller byt namn på hindret i stället.', 400, [
          { field: 'deviationIds', message: 'Lämna minst en rapport kvar i hindret.' },
        ]);
      }
      created = randomUUID();
      // Terms and parties come from its own reports (redescribe, in change); until a full run has made a model to
      // describe them by, it has none rather than its parent's. Without a name of the analyst's it is named from
      // those terms, or after the parent as the page shows it (without party codes) when there are none.
      await manager.query(
        `INSERT INTO barrier (id, name, name_source, status, confirmed_at, confirmed_by_id, terms, parties, created_at, updated_at)
         VALUES ($1, $2, $3, 'bekraftad', $4, $5, '{}', '{}', $4, $4)`,
        [created, newName ?? `${barrierDisplayName(source.name)} (avdelat)`.slice(0, BARRIER_NAME_MAX), newName ? 'analyst' : 'generated', now, user.id],
      );
      await manager.query(
        `UPDATE barrier_member SET barrier_id = $1, confirmed_by_analyst = true, source = 'analyst', reason = reason || $3::text[], updated_at = $4
          WHERE barrier_id = $2 AND deviation_id = ANY($5::uuid[])`,
        [created, source.id, [`Avdelat från hindret "${source.name}" av ${user.name}.`], now, chosen],
      );
      // The reports left behind were chosen to stay just as much: unconfirmed, the engine's next full run would find
      // them close to the ones split off (they were one barrier) and hand them all to the new barrier, emptying this one.
      await this.confirmWithReports(manager, user, source.id, now);
      return [source.id, created];
    }, user);
    return created;
  }

  /**
   * Creates a confirmed barrier from chosen reports (taking them from any barrier they are in); returns its id. At least
   * two different reports: one report is no recurring barrier (the same report twice is one). Without a name of the
   * analyst's it is named, and described, from its reports in the same change (the engine's words, else their own).
   */
  async createFromReports(user: AuthUser, deviationIds: readonly string[], name?: string, options: BarrierCreateOptions = {}): Promise<string> {
    return (await this.create(user, deviationIds, name, options, 'deviationIds')).id;
  }

  private async create(
    user: AuthUser,
    deviationIds: readonly string[],
    name: string | undefined,
    options: BarrierCreateOptions,
    field: 'deviationIds' | 'reports',
  ): Promise<{ id: string; retired: RetiredBarrier[] }> {
    const chosen = [...new Set(deviationIds)];
    if (chosen.length === 0 || chosen.length < (options.minReports ?? 2)) {
      const message =
        field === 'reports'
          ? `Ett hinder behöver minst två olika rapporter${chosen.length === 1 ? ': referenserna gäller bara en' : ''}. Skriv minst två rapporters referenser.`
          : 'Ett hinder behöver minst två olika rapporter. Ange minst två.';
      throw new DomainError('barrier_too_few_reports', 'Ett hinder behöver minst två olika rapporter. Inget hinder har skapats.', 400, [{ field, message }]);
    }
    const newName = name?.trim() ? this.checkName(name, options) : null;
    const id = randomUUID();
    const retired = await this.change(
      async (manager, now) => {
        const found = (await manager.query(`SELECT id FROM deviation WHERE id = ANY($1::uuid[])`, [chosen])) as Array<{ id: string }>;
        if (found.length !== chosen.length) throw new NotFoundError('En av rapporterna');
        const before = (await manager.query(`SELECT DISTINCT barrier_id FROM barrier_member WHERE deviation_id = ANY($1::uuid[])`, [chosen])) as Array<{
          barrier_id: string;
        }>;
        // Without the analyst's name it is named from its reports below (describeFromWords, after the engine's words).
        await manager.query(
          `INSERT INTO barrier (id, name, name_source, status, confirmed_at, confirmed_by_id, terms, parties, created_at, updated_at)
           VALUES ($1, $2, $3, 'bekraftad', $4, $5, '{}', '{}', $4, $4)`,
          [id, newName ?? 'Återkommande hinder', newName ? 'analyst' : 'generated', now, user.id],
        );
        for (const deviationId of chosen) await this.placeByAnalyst(manager, user, id, deviationId, now);
        return [id, ...before.map((row) => row.barrier_id)];
      },
      user,
      id,
    );
    return { id, retired };
  }

  /**
   * "Nytt hinder av rapporterna …" on /hinder: the reports by reference (AVV-…), external id or id, separated by
   * commas, spaces or lines, as one new confirmed barrier (createFromReports). Refused, with every reference that
   * matches no report named at the field, before anything changes. Says which barriers it emptied and retired.
   */
  async createFromReferences(user: AuthUser, text: string, name?: string, options: BarrierNameOptions = {}): Promise<{ id: string; retired: RetiredBarrier[] }> {
    const references = [...new Set(text.split(/[\s,;]+/u).map((part) => part.trim()).filter((part) => part !== ''))];
    if (references.length === 0) {
      throw new DomainError('barrier_no_reports', 'Skriv minst två rapporters referenser.', 400, [
        { field: 'reports', message: 'Skriv rapporternas referenser, t.ex. AVV-2018-00042, AVV-2018-00057.' },
      ]);
    }
    if (references.length > MAX_REFERENCES) {
      throw new DomainError('barrier_too_many_reports', `Skriv högst ${MAX_REFERENCES} referenser åt gången.`, 400, [
        { field: 'reports', message: `Skriv högst ${MAX_REFERENCES} referenser (nu ${references.length}).` },
      ]);
    }
    const ids: string[] = [];
    const unknown: string[] = [];
    for (const reference of references) {
      const found = await this.findReport(this.dataSource.manager, reference);
      if (found) ids.push(found.id);
      else unknown.push(reference.slice(0, 40));
    }
    if (unknown.length > 0) {
      const list = unknown.map((reference) => `”${reference}”`).join(', ');
      throw new DomainError('report_not_found', `Inget hinder har skapats.`, 404, [
        {
          field: 'reports',
          message: `${unknown.length === 1 ? 'Ingen rapport har referensen' : 'Inga rapporter har referenserna'} ${list}. Kontrollera mot rapporterna, t.ex. AVV-2018-00042, eller ta bort ${unknown.length === 1 ? 'den' : 'dem'}.`,
        },
      ]);
    }
    // A reference and the same report's external id are one report.
    return this.create(user, ids, name, options, 'reports');
  }

  /**
   * Puts a report (by reference AVV-…, external id or id) into this barrier, out of any other, confirmed. Says which
   * report (its reference, for the page's notice) and whether it was in this barrier already (then it is only confirmed).
   */
  async moveIn(user: AuthUser, id: string, report: string): Promise<MovedReport & { alreadyHere: boolean }> {
    let moved: MovedReport & { alreadyHere: boolean } = { deviationId: '', reference: '', alreadyHere: false, retired: [] };
    const retired = await this.change(async (manager, now) => {
      const target = await this.activeRow(manager, id);
      const found = await this.resolveReport(manager, report);
      const [previous] = (await manager.query(`SELECT barrier_id FROM barrier_member WHERE deviation_id = $1`, [found.id])) as Array<{ barrier_id: string }>;
      if (previous?.barrier_id === target.id) {
        await manager.query(`UPDATE barrier_member SET confirmed_by_analyst = true, updated_at = $2 WHERE deviation_id = $1`, [found.id, now]);
        moved = { deviationId: found.id, reference: found.reference, alreadyHere: true, retired: [] };
        return [target.id];
      }
      await this.placeByAnalyst(manager, user, target.id, found.id, now);
      moved = { deviationId: found.id, reference: found.reference, alreadyHere: false, retired: [] };
      return previous ? [target.id, previous.barrier_id] : [target.id];
    }, user);
    return { ...moved, retired };
  }

  /** Takes a report out of this barrier; the engine never puts it back here. Says which report, for the page's notice. */
  async moveOut(user: AuthUser, id: string, deviationId: string): Promise<MovedReport> {
    let moved: MovedReport = { deviationId, reference: '', retired: [] };
    const retired = await this.change(async (manager, now) => {
      const source = await this.activeRow(manager, id);
      const [, removed] = (await manager.query(`DELETE FROM barrier_member WHERE barrier_id = $1 AND deviation_id = $2`, [source.id, deviationId])) as [
        unknown,
        number,
      ];
      if (removed === 0) throw new NotFoundError('Rapporten i hindret');
      const [row] = (await manager.query(`SELECT reference FROM deviation WHERE id = $1`, [deviationId])) as Array<{ reference: string }>;
      moved = { deviationId, reference: row.reference, retired: [] };
      await manager.query(
        `INSERT INTO barrier_exclusion (barrier_id, deviation_id, excluded_by_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (deviation_id, barrier_id) DO NOTHING`,
        [source.id, deviationId, user.id, now],
      );
      return [source.id];
    }, user);
    return { ...moved, retired };
  }

  /**
   * Records (or corrects) the barrier's local fix: the Swedish day it took effect (default today, never in
   * the future) and what was done. Memberships do not change, so the engine is not asked to run again.
   */
  async setLocalFix(user: AuthUser, id: string, input: { date?: string; note: string }): Promise<void> {
    const now = this.clock.now();
    const today = stockholmDate(now);
    const date = input.date?.trim() || today;
    const note = this.checkLocalFixNote(input.note);
    if (!isIsoDate(date)) throw new ValidationFailedError([{ field: 'date', message: 'Ange ett giltigt datum, t.ex. 2026-05-10.' }]);
    if (date > today) throw new ValidationFailedError([{ field: 'date', message: `Datumet kan inte vara i framtiden (i dag är det ${today}).` }]);
    if (date < LOCAL_FIX_EARLIEST) throw new ValidationFailedError([{ field: 'date', message: 'Ange ett datum från år 2000 och framåt.' }]);
    await this.dataSource.transaction(async (manager) => {
      await this.store.lockState(manager);
      const row = await this.activeRow(manager, id);
      await manager.query(
        `UPDATE barrier SET local_fix_at = ($2::date::timestamp AT TIME ZONE 'Europe/Stockholm'), local_fix_note = $3,
                local_fix_by_id = $4, local_fix_recorded_at = $5, updated_at = $5
          WHERE id = $1`,
        [row.id, date, note, user.id, now],
      );
    });
    // Barriers keep no event log of their own; this line is the trace of who changed the effect's date.
    this.logger.log(`Lokal åtgärd ${date} registrerad för hinder ${id} av användare ${user.id}`);
  }

  /** Removes a local fix recorded by mistake; the overview then shows no effect for it. */
  async clearLocalFix(user: AuthUser, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.store.lockState(manager);
      const row = await this.activeRow(manager, id);
      await manager.query(
        `UPDATE barrier SET local_fix_at = NULL, local_fix_note = NULL, local_fix_by_id = NULL, local_fix_recorded_at = NULL, updated_at = $2
          WHERE id = $1 AND local_fix_at IS NOT NULL`,
        [row.id, this.clock.now()],
      );
    });
    this.logger.log(`Lokal åtgärd borttagen från hinder ${id} av användare ${user.id}`);
  }

  // ── Helpers ──────────────────────────────────────────────────────────────────────────────

  private checkLocalFixNote(note: string): string {
    const trimmed = (note ?? '').trim().replace(/\s+/g, ' ');
    if (trimmed.length < 3 || trimmed.length > LOCAL_FIX_NOTE_MAX) {
      throw new ValidationFailedError([
        {
          field: 'note',
          message: trimmed.length < 3 ? 'Skriv kort vad som gjordes, minst 3 tecken.' : `Beskrivningen får vara högst ${LOCAL_FIX_NOTE_MAX} tecken (nu ${trimmed.length}).`,
        },
      ]);
    }
    if (detectPii(trimmed).length > 0) {
      throw new DomainError('personal_data_found', 'Beskrivningen innehåller något som liknar personuppgifter. Skriv om utan personuppgifter.', 422, [
        { field: 'note', message: 'Beskrivningen innehåller något som liknar personuppgifter.' },
      ]);
    }
    return trimmed;
  }

  /**
   * One analyst change: under the barrier lock, then the figures, terms, parties and escalation (state and reason)
   * of the barriers it touched, from their reports now, and a full run requested so the engine's model learns the
   * new shape. Every active barrier the change took reports from gets a line in its history saying how many, where
   * they went and how its escalation stands (BarrierChangeNotes), and the page's notice after the change reads those
   * lines (collectChangeNotes).
   */
  private async change(
    work: (manager: EntityManager, now: Date) => Promise<string[]>,
    actor: AuthUser | null = null,
    created?: string,
  ): Promise<RetiredBarrier[]> {
    return this.dataSource.transaction(async (manager) => {
      await this.store.lockState(manager);
      const now = this.clock.now();
      const touched = await work(manager, now);
      // Read before refreshFigures: the stored counts are still those from before the change.
      const before = await this.countsOf(manager, touched);
      const retired = await this.retireEmptied(manager, touched, now);
      await this.store.refreshFigures(manager, touched);
      // Every barrier it touched is described, and its escalation judged, by the reports in it now. A generated name
      // follows the new terms only where nobody had taken it in yet (a barrier just split off or created); then it
      // stays, as the analyst has now seen it (the merged barrier keeps its name, as the merge page says).
      await this.store.redescribe(manager, touched);
      // A barrier created here is named from its reports' own words where the engine gave it none.
      if (created) await this.store.describeFromWords(manager, created);
      await this.store.keepNames(manager, touched, now);
      await this.store.requestFullRun(manager);
      await this.store.escalateDue(manager, touched);
      await this.recordLosses(manager, before, await this.countsOf(manager, touched), actor, now);
      return retired;
    });
  }

  /**
   * The barriers an analyst's change left without reports (every report moved to another barrier, or out): retired
   * as a full run retires them (upplöst, out of the lists, the counts and "Liknande hinder"), in the same change. Their
   * page and id stay. No reports are kept for "Återställ": nothing was lost that the analyst did not move, and
   * /hinder's list of what a run dissolved leaves them out.
   */
  private async retireEmptied(manager: EntityManager, touched: readonly string[], now: Date): Promise<RetiredBarrier[]> {
    if (touched.length === 0) return [];
    const rows = (await manager.query(
      `UPDATE barrier b SET status = 'upplost', model = NULL, dissolved_at = $2, dissolved_member_ids = '{}', updated_at = $2
        WHERE b.id = ANY($1::uuid[]) AND b.status = ANY($3) AND NOT EXISTS (SELECT 1 FROM barrier_member bm WHERE bm.barrier_id = b.id)
        RETURNING b.id, b.name`,
      [[...new Set(touched)], now, ACTIVE_BARRIER_STATUSES],
    )) as [Array<{ id: string; name: string }>, number];
    return rows[0].map((row) => ({ id: row.id, displayName: barrierDisplayName(row.name) })).sort((a, b) => a.displayName.localeCompare(b.displayName, 'sv'));
  }

  private async countsOf(manager: EntityManager, ids: readonly string[]): Promise<Map<string, { name: string; status: BarrierStatus; count: number }>> {
    const rows = (await manager.query(`SELECT id, name, status, member_count FROM barrier WHERE id = ANY($1::uuid[])`, [[...new Set(ids)]])) as Array<{
      id: string;
      name: string;
      status: BarrierStatus;
      member_count: number;
    }>;
    return new Map(rows.map((row) => [row.id, { name: row.name, status: row.status, count: row.member_count }]));
  }

  /**
   * A history line on each active barrier that has fewer reports than before the change, naming where they went (the
   * barriers that gained) and whether it is escalated and still meets the rule. A barrier merged away is left out: the
   * merge says where it went.
   */
  private async recordLosses(
    manager: EntityManager,
    before: ReadonlyMap<string, { name: string; status: BarrierStatus; count: number }>,
    after: ReadonlyMap<string, { name: string; status: BarrierStatus; count: number }>,
    actor: AuthUser | null,
    now: Date,
  ): Promise<void> {
    const gained = [...after].filter(([id, row]) => row.count > (before.get(id)?.count ?? 0)).map(([id, row]) => ({ id, name: barrierDisplayName(row.name) }));
    for (const [id, was] of before) {
      const is = after.get(id);
      if (!is || !ACTIVE_BARRIER_STATUSES.includes(is.status) || is.count >= was.count) continue;
      const escalatedAfter = is.status === 'eskalerad';
      const ruleMet = escalatedAfter ? (await this.store.escalationIfOne(manager, [id])) !== null : null;
      const [row] = (await manager.query(
        `INSERT INTO barrier_event (barrier_id, actor_id, kind, before, after, created_at) VALUES ($1, $2, 'reports_taken', $3, $4, $5) RETURNING id`,
        [
          id,
          actor?.id ?? null,
          JSON.stringify({ count: was.count, escalated: was.status === 'eskalerad' }),
          JSON.stringify({ count: is.count, lost: was.count - is.count, into: gained.filter((g) => g.id !== id), escalated: escalatedAfter, ruleMet }),
          now,
        ],
      )) as Array<{ id: string }>;
      changeNotesStore.getStore()?.push(String(row.id));
    }
  }

  /**
   * Runs `action` and collects the history lines of barriers that lost reports in it (for the notice the page shows
   * after the change, by their ids in the address): the controller wraps each change in this.
   */
  async collectChangeNotes<T>(action: () => Promise<T>): Promise<{ result: T; noteIds: string[] }> {
    const noteIds: string[] = [];
    const result = await changeNotesStore.run(noteIds, action);
    return { result, noteIds };
  }

  /** The notices of these history lines (ids from the address; anything that is not one is left out). */
  async changeNotes(ids: readonly string[]): Promise<BarrierChangeNote[]> {
    const wanted = ids.filter((id) => /^\d{1,18}$/.test(id)).slice(0, 20);
    if (wanted.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT e.id, e.barrier_id, b.name, e.before, e.after FROM barrier_event e JOIN barrier b ON b.id = e.barrier_id
        WHERE e.id = ANY($1::bigint[]) AND e.kind = 'reports_taken' ORDER BY e.id`,
      [wanted],
    )) as Array<{ id: string; barrier_id: string; name: string; before: Record<string, unknown>; after: Record<string, unknown> }>;
    return rows.map((row) => ({
      barrierId: row.barrier_id,
      displayName: barrierDisplayName(row.name),
      path: `/hinder/${row.barrier_id}`,
      text: reportsTakenText(barrierDisplayName(row.name), row.before, row.after, 'notice'),
      lostEscalation: row.before.escalated === true && row.after.escalated !== true,
      escalationUnmet: row.after.escalated === true && row.after.ruleMet === false,
    }));
  }

  /** The barrier's history, newest first: reports taken from it, an escalation taken back, a restore. */
  private async history(id: string): Promise<BarrierHistoryEntry[]> {
    const rows = (await this.dataSource.query(
      `SELECT e.kind, e.before, e.after, e.created_at, u.name AS actor_name
         FROM barrier_event e LEFT JOIN app_user u ON u.id = e.actor_id
        WHERE e.barrier_id = $1 ORDER BY e.id DESC LIMIT 100`,
      [id],
    )) as Array<{ kind: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null; created_at: Date; actor_name: string | null }>;
    return rows.map((row) => ({ at: row.created_at, who: row.actor_name ?? 'Systemet', what: historyText(row.kind, row.before ?? {}, row.after ?? {}) }));
  }

  /**
   * "Ta tillbaka eskaleringen": an escalated barrier whose reports no longer meet the rule goes back to bekräftad (or
   * föreslagen, if never confirmed), and its history says who did it. Refused while the reports meet the rule: the next
   * check would escalate it again at once. Should its reports meet the rule later it is escalated again, without a
   * second mail (one per barrier).
   */
  async withdrawEscalation(user: AuthUser, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.store.lockState(manager);
      const row = await this.activeRow(manager, id);
      if (row.status !== 'eskalerad') {
        throw new DomainError('barrier_not_escalated', 'Hindret är inte eskalerat. Inget har ändrats.', 409);
      }
      const met = await this.store.escalationIfOne(manager, [id]);
      if (met) {
        throw new DomainError(
          'barrier_escalation_met',
          `Hindrets rapporter når gränsen för eskalering, så eskaleringen kan inte tas tillbaka: ${met.reason} Dela av eller flytta ut rapporter först om hindret inte ska vara eskalerat. Inget har ändrats.`,
          409,
        );
      }
      const now = this.clock.now();
      await manager.query(
        `UPDATE barrier SET status = CASE WHEN confirmed_at IS NULL THEN 'foreslagen' ELSE 'bekraftad' END, escalation_reason = NULL, escalated_at = NULL, updated_at = $2
          WHERE id = $1`,
        [id, now],
      );
      await manager.query(
        `INSERT INTO barrier_event (barrier_id, actor_id, kind, before, after, created_at) VALUES ($1, $2, 'escalation_withdrawn', $3, NULL, $4)`,
        [id, user.id, JSON.stringify({ escalatedAt: row.escalated_at, reason: row.escalation_reason }), now],
      );
    });
    this.logger.log(`Eskaleringen av hinder ${id} togs tillbaka av användare ${user.id}`);
  }

  /** The barrier confirmed (a proposed one becomes bekräftad; an escalated one stays so) with every report now in it. */
  private async confirmWithReports(manager: EntityManager, user: AuthUser, barrierId: string, now: Date): Promise<void> {
    await manager.query(
      `UPDATE barrier SET status = CASE WHEN status = 'foreslagen' THEN 'bekraftad' ELSE status END,
              confirmed_at = coalesce(confirmed_at, $2), confirmed_by_id = coalesce(confirmed_by_id, $3), name_kept_at = coalesce(name_kept_at, $2),
              updated_at = $2
        WHERE id = $1`,
      [barrierId, now, user.id],
    );
    await manager.query(`UPDATE barrier_member SET confirmed_by_analyst = true, updated_at = $2 WHERE barrier_id = $1 AND NOT confirmed_by_analyst`, [
      barrierId,
      now,
    ]);
  }

  private async placeByAnalyst(manager: EntityManager, user: AuthUser, barrierId: string, deviationId: string, now: Date): Promise<void> {
    await manager.query(
      `INSERT INTO barrier_member (barrier_id, deviation_id, reason, confirmed_by_analyst, source, created_at, updated_at)
       VALUES ($1, $2, $3, true, 'analyst', $4, $4)
       ON CONFLICT (deviation_id) DO UPDATE
         SET barrier_id = EXCLUDED.barrier_id, reason = EXCLUDED.reason, confirmed_by_analyst = true, source = 'analyst', updated_at = EXCLUDED.updated_at`,
      [barrierId, deviationId, [`Placerad här av ${user.name}.`], now],
    );
    await manager.query(`DELETE FROM barrier_exclusion WHERE barrier_id = $1 AND deviation_id = $2`, [barrierId, deviationId]);
  }

  /** A report by reference (AVV-…), id or external id, or null. */
  private async findReport(manager: EntityManager, report: string): Promise<{ id: string; reference: string } | null> {
    const value = report.trim();
    const clause = REFERENCE.test(value) ? 'upper(d.reference) = upper($1)' : UUID.test(value) ? 'd.id = $1::uuid' : 'd.external_id = $1';
    const rows = (await manager.query(`SELECT d.id, d.reference FROM deviation d WHERE ${clause}`, [value])) as Array<{ id: string; reference: string }>;
    return rows[0] ?? null;
  }

  private async resolveReport(manager: EntityManager, report: string): Promise<{ id: string; reference: string }> {
    const value = report.trim();
    const found = await this.findReport(manager, value);
    if (!found) {
      throw new DomainError('report_not_found', `Ingen rapport har referensen "${value}".`, 404, [
        { field: 'report', message: `Ingen rapport har referensen "${value}". Kontrollera den mot rapporten, t.ex. AVV-2018-00042.` },
      ]);
    }
    return found;
  }

  /**
   * A name is copied into mails, CSVs and letter headers, so a number in it that looks like a mistyped personnummer
   * (id-number-near-miss) is refused (400 id_number_near_miss) unless the analyst has said it is not one: the page asks,
   * the API says so with confirmNotPersonalData. Checked after the personal-data check, which is fixed first.
   */
  private checkName(name: string, options: BarrierNameOptions = {}): string {
    const trimmed = name.trim().replace(/\s+/g, ' ');
    if (trimmed.length < 3 || trimmed.length > BARRIER_NAME_MAX) {
      throw new DomainError('barrier_name_invalid', `Namnet måste vara 3–${BARRIER_NAME_MAX} tecken.`, 400, [
        { field: 'name', message: `Skriv ett namn på 3–${BARRIER_NAME_MAX} tecken.` },
      ]);
    }
    if (!BARRIER_NAME_LETTERS.test(trimmed)) {
      throw new DomainError('barrier_name_invalid', BARRIER_NAME_NEEDS_LETTERS, 400, [{ field: 'name', message: BARRIER_NAME_NEEDS_LETTERS }]);
    }
    if (detectPii(trimmed).length > 0) {
      throw new DomainError('personal_data_found', 'Namnet innehåller något som liknar personuppgifter. Skriv om utan personuppgifter.', 422, [
        { field: 'name', message: 'Namnet innehåller något som liknar personuppgifter.' },
      ]);
    }
    assertIdNumbersVouched({ name: trimmed }, options.confirmNotPersonalData ? 'all' : [], { name: 'Namnet' }, BARRIER_NAME_NEAR_MISS);
    return trimmed;
  }

  private async findRow(manager: EntityManager, id: string): Promise<BarrierRow> {
    const rows = (await manager.query(`SELECT ${BARRIER_COLUMNS} FROM barrier b WHERE b.id = $1`, [id])) as BarrierRow[];
    if (!rows[0]) throw new NotFoundError('Hindret');
    return rows[0];
  }

  private async activeRow(manager: EntityManager, id: string): Promise<BarrierRow> {
    const row = await this.findRow(manager, id);
    if (!ACTIVE_BARRIER_STATUSES.includes(row.status)) throw new BarrierInactiveError(row.status);
    return row;
  }

  /**
   * The two barriers of a merge, or a refusal that says which is wrong and why, at the field that chose the other one
   * (the page keeps the choice and shows the message there): this barrier must be active, the other another active one.
   */
  private async mergePair(manager: EntityManager, id: string, otherId: string): Promise<{ target: BarrierRow; other: BarrierRow }> {
    if (id === otherId) {
      throw new DomainError('barrier_merge_self', 'Ett hinder kan inte slås ihop med sig självt. Välj ett annat hinder att slå ihop med.', 400, [
        { field: 'otherBarrierId', message: 'Välj ett annat hinder.' },
      ]);
    }
    const target = await this.activeRow(manager, id);
    const [other] = (await manager.query(`SELECT ${BARRIER_COLUMNS} FROM barrier b WHERE b.id = $1`, [otherId])) as BarrierRow[];
    if (!other) {
      throw new DomainError('not_found', 'Hindret du valde att slå ihop med finns inte. Välj ett hinder i listan.', 404, [
        { field: 'otherBarrierId', message: 'Välj ett hinder i listan.' },
      ]);
    }
    if (!ACTIVE_BARRIER_STATUSES.includes(other.status)) {
      const name = barrierDisplayName(other.name);
      let message = `”${name}” är upplöst: mönsteranalysen har inga rapporter kvar i det. Välj ett annat hinder att slå ihop med.`;
      if (other.status === 'sammanslagen') {
        const into = other.merged_into_id === null ? null : await this.findRow(manager, other.merged_into_id).catch(() => null);
        message =
          into?.id === target.id
            ? `”${name}” är redan sammanslaget med det här hindret: dess rapporter finns här. Inget har ändrats nu.`
            : `”${name}” är redan sammanslaget${into ? ` med ”${barrierDisplayName(into.name)}”` : ''} och kan inte slås ihop en gång till. Välj ett annat hinder.`;
      }
      throw new DomainError('barrier_inactive', message, 409, [{ field: 'otherBarrierId', message: 'Välj ett hinder i listan.' }]);
    }
    return { target, other };
  }

  private async quarterCounts(ids: readonly string[]): Promise<Map<string, Map<string, number>>> {
    const result = new Map<string, Map<string, number>>();
    if (ids.length === 0) return result;
    const rows = (await this.dataSource.query(
      `SELECT bm.barrier_id, to_char(d.occurred_on, 'YYYY') || '-Q' || to_char(d.occurred_on, 'Q') AS quarter, count(*)::int AS count
         FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id
        WHERE bm.barrier_id = ANY($1::uuid[])
        GROUP BY 1, 2`,
      [ids],
    )) as Array<{ barrier_id: string; quarter: string; count: number }>;
    for (const row of rows) {
      const map = result.get(row.barrier_id) ?? new Map<string, number>();
      map.set(row.quarter, row.count);
      result.set(row.barrier_id, map);
    }
    return result;
  }
}
