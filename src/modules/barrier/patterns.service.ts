import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { ACTIVE_BARRIER_STATUSES } from './barrier.constants';
import { isInterfaceBarrier } from './barrier-escalation';
import { matchBarriers, PreviousBarrier } from './barrier-identity';
import { BarrierLetterHook } from './barrier-letter.hook';
import { GENERATED_NAME_FOLLOWS_SQL, generatedBarrierName } from './barrier-naming';
import { BarrierStore, EngineStateRow } from './barrier-store';
import { FullRunRequest, PatternBarrier, PatternEngine } from './pattern-engine.port';
import { REPORT_JOINS, REPORT_SELECT, ReportRow, toPatternReport } from './pattern-reports';
import { ThesaurusService } from './thesaurus.service';
import { DEFAULT_MEANING_WEIGHT } from './engine/meaning-features';
import { MeaningOutcome, ReportMeaningService, StoredMeaningSpace } from './embeddings/report-meaning.service';

export type PatternsRunMode = 'auto' | 'full';

export interface PatternsRunSummary {
  mode: 'full' | 'incremental';
  /** Why a full run was chosen (Swedish), null for an incremental one. */
  fullRunReason: string | null;
  reports: number;
  /** Reports the engine had not seen before. */
  newReports: number;
  /** New reports placed into a barrier (incremental runs). */
  placed: number;
  created: number;
  updated: number;
  dissolved: number;
  /** Of those dissolved, barriers that had been escalated: /hinder lists them with a way to restore them. */
  dissolvedEscalated: number;
  escalated: number;
  letters: number;
  activeBarriers: number;
  durationMs: number;
  /**
   * Where the time went: reading reports, the engine, writing barriers, letters (ms). A full run's engine thread
   * copies the reports in while they are read, and its outcome is unpacked while the reports are marked seen (write).
   */
  phases: { readMs: number; engineMs: number; writeMs: number; lettersMs: number };
  /**
   * The optional language model (EMBEDDINGS_URL): 'off' when none is configured, 'used' when the reports'
   * meaning was compared too, 'unavailable' when it could not be reached or answered nonsense and the run
   * compared words only.
   */
  languageModel: MeaningOutcome['status'];
}

/** Reports per read of a full run: the engine's thread copies in one batch while the next is read. */
const READ_BATCH = 10_000;

/** New reports since the last full run beyond this share (and at least FULL_RUN_MIN_NEW) make the next run full. */
const FULL_RUN_NEW_SHARE = 0.1;
const FULL_RUN_MIN_NEW = 25;
/** New barriers only form in a full run, so one runs at least this often. */
const FULL_RUN_MAX_AGE_DAYS = 7;

/**
 * Resolves once TypeORM has handed a statement just issued to the driver (it does so from a later microtask), so the
 * database works on it while this thread goes on with something else.
 */
function handedOver(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Reasons travel to SQL as one text per report, split on the unit separator (cheaper than JSON for 100 000 rows). */
function joinReasons(reasons: readonly string[] | undefined): string {
  return (reasons ?? []).map((reason) => reason.replace(/\u001f/g, ' ')).join('\u001f');
}

/**
 * A full run's memberships as parallel arrays: report, barrier, reasons (as `joinReasons` makes them),
 * anchoring, and a barrier that would anchor it far better with its anchoring there.
 */
interface EngineMembers {
  ids: string[];
  barriers: string[];
  reasons: string[];
  anchoring: Array<number | null>;
  betterIds: Array<string | null>;
  betterAnchoring: Array<number | null>;
}

const noMembers = (): EngineMembers => ({ ids: [], barriers: [], reasons: [], anchoring: [], betterIds: [], betterAnchoring: [] });

/**
 * Memberships as the parameters $1–$8 of `COMPACT_MEMBERS_SQL`. A full run writes tens of thousands, and
 * sending them as three parallel arrays of uuids and texts cost about as much as inserting them: here the
 * deviation ids go as one comma-separated text, and each barrier id and each distinct reason text (the
 * engine repeats a few thousand) goes once, the rows pointing at them by position.
 */
function compactMembers({
  ids: deviationIds,
  barriers: barrierIds,
  reasons,
  anchoring,
  betterIds,
  betterAnchoring,
}: EngineMembers): [string, string[], number[], string[], number[], Array<number | null>, Array<string | null>, Array<number | null>] {
  const barrierNumbers = new Map<string, number>();
  const reasonNumbers = new Map<string, number>();
  // 1-based, as WITH ORDINALITY counts.
  const numberOf = (numbers: Map<string, number>, value: string): number => {
    let n = numbers.get(value);
    if (n === undefined) numbers.set(value, (n = numbers.size + 1));
    return n;
  };
  const barrierNs = barrierIds.map((id) => numberOf(barrierNumbers, id));
  const reasonNs = reasons.map((reason) => numberOf(reasonNumbers, reason));
  return [deviationIds.join(','), [...barrierNumbers.keys()], barrierNs, [...reasonNumbers.keys()], reasonNs, anchoring, betterIds, betterAnchoring];
}

/** The rows of `compactMembers`' parameters: (deviation_id, barrier_id, reason text[], anchoring, better_barrier_id, better_anchoring). */
const COMPACT_MEMBERS_SQL = `(
  SELECT m.deviation_id, b.id AS barrier_id, string_to_array(r.reason, chr(31)) AS reason, m.anchoring, m.better_barrier_id, m.better_anchoring
    FROM unnest(string_to_array($1, ',')::uuid[], $3::int[], $5::int[], $6::real[], $7::uuid[], $8::real[])
         AS m(deviation_id, barrier_n, reason_n, anchoring, better_barrier_id, better_anchoring)
    JOIN unnest($2::uuid[]) WITH ORDINALITY AS b(id, n) ON b.n = m.barrier_n
    JOIN unnest($4::text[]) WITH ORDINALITY AS r(reason, n) ON r.n = m.reason_n)`;

/** See PatternsService.pending. */
export interface PatternsPending {
  unseenReports: number;
  analystChanges: boolean;
}

/** The optional language model as GET /api/patterns reports it. */
export interface LanguageModelStatus {
  /** Whether EMBEDDINGS_URL and EMBEDDINGS_MODEL are set on this instance. */
  configured: boolean;
  /** What it did in the latest run that had reports to compare (null before any): see PatternsRunSummary.languageModel. */
  lastRun: MeaningOutcome['status'] | null;
  lastRunAt: Date | null;
}

/** Why the next run should be a full one, and whether the language model is already known not to answer. */
interface RunChoice {
  fullRunReason: string | null;
  /** The probe's reason (safe to log) when the configured language model did not answer; the run then reads words only. */
  unreachable: string | null;
}

/** A barrier as the engine describes it, written in one statement with the others (jsonb_to_recordset). */
interface EngineBarrierRow {
  id: string;
  engine_key: string;
  name: string;
  terms: string[];
  parties: string[];
  model: unknown;
}

const ENGINE_BARRIER_COLUMNS = 'id uuid, engine_key text, name text, terms text[], parties text[], model jsonb';

/** A stored membership; reason as `joinReasons` makes it. */
interface StoredMember {
  deviation_id: string;
  barrier_id: string;
  confirmed: boolean;
  reason: string;
  anchoring: number | null;
  better_barrier_id: string | null;
  better_anchoring: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A membership (`bm`) no run moves: the analyst confirmed it, or its barrier's skrivelse has been sent. A sent letter
 * put the barrier's reports before its recipient as the evidence, and its effect on the overview is counted over
 * them, so a run that regroups after the analyst's edits elsewhere must not take them away (it used to leave such a
 * barrier empty). New reports may still join it, and the analyst can still move reports out.
 *
 * An escalated barrier's reports are not held: the thesaurus must still be able to take a report out of one (a phrase
 * saying it was settled on the spot), and holding them would change the clustering of every run after an escalation.
 * A run that leaves an escalated, confirmed or named barrier empty does not do so silently: it keeps the barrier's
 * reports as they were (`dissolved_member_ids`), /hinder lists it with what it was and why it dissolved, and
 * "Återställ hindret" puts the reports back, confirmed.
 */
const HELD_MEMBER_SQL = `(bm.confirmed_by_analyst OR EXISTS (SELECT 1 FROM letter l WHERE l.barrier_id = bm.barrier_id AND l.sent_at IS NOT NULL))`;

/**
 * Runs the pattern engine over the deviations and keeps the barriers in step: a full run clusters
 * everything anew (with the analyst's confirmed assignments, exclusions and the previous barriers, so
 * ids stay); an incremental run places new reports into the barriers the stored model describes.
 * Then escalation, the analysts' mail, and one draft skrivelse per escalated interface barrier.
 * Call it through PatternsJob (JobRunner), so only one instance runs it at a time.
 */
@Injectable()
export class PatternsService {
  private readonly logger = new Logger('Hinder');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: PatternEngine,
    private readonly store: BarrierStore,
    private readonly thesaurus: ThesaurusService,
    private readonly letters: BarrierLetterHook,
    private readonly clock: Clock,
    private readonly meaning: ReportMeaningService,
  ) {}

  async run(mode: PatternsRunMode = 'auto'): Promise<PatternsRunSummary> {
    const started = performance.now();
    const lines = await this.thesaurus.lines();
    const thesaurusHash = ThesaurusService.hash(this.engine.version, lines);
    const state = await this.dataSource.transaction((manager) => this.store.lockState(manager));
    // Without a model every report is new, and the run is a full one.
    const unseen = state.model === null ? null : await this.loadUnseenReports();
    const { fullRunReason, unreachable } =
      mode === 'full' ? { fullRunReason: 'begärd', unreachable: null } : await this.chooseRun(state, thesaurusHash, unseen?.length ?? 0);
    const summary = fullRunReason
      ? await this.runFull(state, lines, thesaurusHash, fullRunReason, unseen ? unseen.map((row) => row.id) : null, unreachable)
      : await this.runIncremental(state, lines, unseen ?? [], unreachable);
    const lettersStarted = performance.now();
    summary.letters = await this.draftLetters();
    summary.phases.lettersMs = Math.round(performance.now() - lettersStarted);
    summary.durationMs = Math.round(performance.now() - started);
    return summary;
  }

  /** What the next run has to do: reports the engine has not seen, and whether an analyst's change awaits a full run. */
  async pending(): Promise<PatternsPending> {
    // Deviations are never deleted and every seen row is a deviation's, so the difference of the two counts is the
    // number unseen: about 50 ms at 1 000 000 reports, where the anti-join loadUnseenReports needs takes 250 ms.
    const [row] = (await this.dataSource.query(
      `SELECT greatest(0, (SELECT count(*) FROM deviation) - (SELECT count(*) FROM barrier_engine_seen))::int AS unseen,
              coalesce((SELECT full_run_requested FROM barrier_engine_state WHERE id = 1), false) AS requested`,
    )) as Array<{ unseen: number; requested: boolean }>;
    return { unseenReports: row.unseen, analystChanges: row.requested };
  }

  async languageModelStatus(): Promise<LanguageModelStatus> {
    const [row] = (await this.dataSource.query(`SELECT language_model, language_model_at FROM barrier_engine_state WHERE id = 1`)) as Array<{
      language_model: MeaningOutcome['status'] | null;
      language_model_at: Date | null;
    }>;
    return { configured: this.meaning.enabled, lastRun: row?.language_model ?? null, lastRunAt: row?.language_model_at ?? null };
  }

  /** One line for the job log. */
  static describe(summary: PatternsRunSummary): string {
    const kind = summary.mode === 'full' ? `Full körning (${summary.fullRunReason})` : 'Stegvis körning';
    return (
      `${kind}: ${summary.reports} rapporter, ${summary.newReports} nya` +
      (summary.mode === 'incremental' ? ` (${summary.placed} placerade i hinder)` : '') +
      `. ${summary.activeBarriers} hinder ` +
      `(${summary.created} nya, ${summary.updated} ändrade, ${summary.dissolved} upplösta` +
      (summary.dissolvedEscalated > 0
        ? `, varav ${summary.dissolvedEscalated} ${summary.dissolvedEscalated === 1 ? 'hade varit eskalerat' : 'hade varit eskalerade'}: se listan nedan och återställ det som ska finnas kvar`
        : '') +
      `), ${summary.escalated} eskalerade nu, ` +
      `${summary.letters} skrivelseutkast. ${summary.durationMs} ms.` +
      (summary.languageModel === 'used' ? ' Rapporternas innebörd jämfördes också med språkmodellen.' : '') +
      (summary.languageModel === 'unavailable'
        ? ' Språkmodellen kunde inte nås i den här körningen, så rapporterna jämfördes bara på sina ord.'
        : '')
    );
  }

  /** The language model's vectors as meaning keys, or why not; a failure is one warning (no texts) and words only. */
  private async meaningFor(rows: readonly ReportRow[], stored: StoredMeaningSpace | null): Promise<MeaningOutcome> {
    if (!this.meaning.enabled || rows.length === 0) return { status: 'off' };
    const outcome = stored === null ? await this.meaning.forFullRun(rows) : await this.meaning.forIncremental(rows, stored);
    if (outcome.status === 'unavailable') this.warnUnavailable(outcome.reason);
    return outcome;
  }

  private warnUnavailable(reason: string): void {
    this.logger.warn(`The embeddings endpoint could not be used (${reason}); this run compares the reports on their words only`);
  }

  /**
   * What to record of the language model after a run: a run with nothing to compare ('off' while one is
   * configured) leaves the latest real outcome standing.
   */
  private recordedLanguageModel(meaning: MeaningOutcome): MeaningOutcome['status'] | null {
    return meaning.status === 'off' && this.meaning.enabled ? null : meaning.status;
  }

  private async chooseRun(state: EngineStateRow, thesaurusHash: string, newCount: number): Promise<RunChoice> {
    if (state.model === null) return { fullRunReason: 'ingen tidigare modell', unreachable: null };
    if (state.thesaurusHash !== thesaurusHash) return { fullRunReason: 'tesaurusen eller motorn har ändrats', unreachable: null };
    // The model's meaning keys must be of the language model configured now (none, when none is).
    if (!this.meaning.matches(state.meaning)) {
      if (!this.meaning.enabled || state.meaning !== null) return { fullRunReason: 'språkmodellen har bytts eller tagits bort', unreachable: null };
      // A model made on words alone while a language model is configured: it was just added, or did not answer at
      // the last full run. Only once it answers is a full run worth it; until then runs stay incremental, on words
      // like the model, instead of every run being a full one that fails the same way.
      const probe = await this.meaning.probe();
      if (probe.ok) return { fullRunReason: 'språkmodellen svarar och var inte med i förra fulla körningen', unreachable: null };
      this.warnUnavailable(probe.reason);
      return { fullRunReason: this.fullRunReason(state, newCount), unreachable: probe.reason };
    }
    return { fullRunReason: this.fullRunReason(state, newCount), unreachable: null };
  }

  /** The reasons for a full run that do not depend on the thesaurus or the language model. */
  private fullRunReason(state: EngineStateRow, newCount: number): string | null {
    if (state.fullRunRequested) return 'hinder har ändrats av verksamhetsutvecklare';
    if (newCount >= FULL_RUN_MIN_NEW && newCount > state.reportsAtFullRun * FULL_RUN_NEW_SHARE) return `${newCount} nya rapporter sedan förra fulla körningen`;
    const age = state.fullRunAt ? this.clock.now().getTime() - state.fullRunAt.getTime() : Infinity;
    if (newCount > 0 && age > FULL_RUN_MAX_AGE_DAYS * 86_400_000) return `mer än ${FULL_RUN_MAX_AGE_DAYS} dagar sedan förra fulla körningen`;
    return null;
  }

  /** The reports the engine has not looked at yet. */
  private async loadUnseenReports(): Promise<ReportRow[]> {
    // Found by id first (two primary keys, index-only once vacuumed; OFFSET 0 keeps that a step of its own),
    // then only their rows read rather than every report's.
    return (await this.dataSource.query(
      `${REPORT_SELECT}
         JOIN (SELECT x.id FROM deviation x WHERE NOT EXISTS (SELECT 1 FROM barrier_engine_seen s WHERE s.deviation_id = x.id) OFFSET 0) u ON u.id = d.id
         ${REPORT_JOINS}
        ORDER BY d.id`,
    )) as ReportRow[];
  }

  /**
   * Every report in id order, READ_BATCH at a time, each batch handed to `batch` as soon as it is read (a full
   * run's engine copies it in meanwhile). One snapshot, as one query would read them. The next batch is asked
   * for before this one is handed on, so the database finds it while this thread works.
   */
  private async loadAllReports(batch: (rows: readonly ReportRow[]) => void): Promise<ReportRow[]> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const read = (after: string | null): Promise<ReportRow[]> => {
        const rows = manager.query(
          `${REPORT_SELECT}
           ${REPORT_JOINS}
           ${after === null ? '' : 'WHERE d.id > $2'}
           ORDER BY d.id LIMIT $1`,
          after === null ? [READ_BATCH] : [READ_BATCH, after],
        ) as Promise<ReportRow[]>;
        // Awaited in the next round; this only keeps a failure meanwhile from leaving its rejection unhandled.
        rows.catch(() => undefined);
        return rows;
      };
      const all: ReportRow[] = [];
      let next: Promise<ReportRow[]> | null = read(null);
      while (next !== null) {
        const rows: ReportRow[] = await next;
        next = rows.length < READ_BATCH ? null : read(rows[rows.length - 1].id);
        if (next !== null) await handedOver();
        if (rows.length > 0) batch(rows);
        for (const row of rows) all.push(row);
      }
      return all;
    });
  }

  /** The active barriers with their members; from `stored` when the memberships are already read. */
  private async previousBarriers(manager: EntityManager, stored?: readonly StoredMember[]): Promise<PreviousBarrier[]> {
    if (stored) {
      const barriers = (await manager.query(`SELECT id, engine_key FROM barrier WHERE status = ANY($1) ORDER BY id`, [ACTIVE_BARRIER_STATUSES])) as Array<{
        id: string;
        engine_key: string | null;
      }>;
      const members = new Map<string, string[]>(barriers.map((row) => [row.id, []]));
      for (const row of stored) members.get(row.barrier_id)?.push(row.deviation_id);
      // As the query below orders them: uuids compare as their lower-case text does.
      return barriers.map((row) => ({ id: row.id, engineKey: row.engine_key, memberIds: (members.get(row.id) ?? []).sort() }));
    }
    const rows = (await manager.query(
      `SELECT b.id, b.engine_key, coalesce(array_agg(bm.deviation_id ORDER BY bm.deviation_id) FILTER (WHERE bm.deviation_id IS NOT NULL), '{}') AS member_ids
         FROM barrier b LEFT JOIN barrier_member bm ON bm.barrier_id = b.id
        WHERE b.status = ANY($1)
        GROUP BY b.id ORDER BY b.id`,
      [ACTIVE_BARRIER_STATUSES],
    )) as Array<{ id: string; engine_key: string | null; member_ids: string[] }>;
    return rows.map((row) => ({ id: row.id, engineKey: row.engine_key, memberIds: row.member_ids }));
  }

  /**
   * What the engine must honour: the analyst's confirmed reports, and the reports of a barrier whose skrivelse has been
   * sent (held where they are, as if confirmed), and the reports the analyst moved out of a barrier.
   */
  private async analystChoices(manager: EntityManager): Promise<{ confirmed: Map<string, string>; excluded: Map<string, string[]> }> {
    const confirmedRows = (await manager.query(`SELECT bm.deviation_id, bm.barrier_id FROM barrier_member bm WHERE ${HELD_MEMBER_SQL}`)) as Array<{
      deviation_id: string;
      barrier_id: string;
    }>;
    const excludedRows = (await manager.query(`SELECT deviation_id, barrier_id FROM barrier_exclusion ORDER BY created_at, id`)) as Array<{
      deviation_id: string;
      barrier_id: string;
    }>;
    const excluded = new Map<string, string[]>();
    for (const row of excludedRows) excluded.set(row.deviation_id, [...(excluded.get(row.deviation_id) ?? []), row.barrier_id]);
    return { confirmed: new Map(confirmedRows.map((row) => [row.deviation_id, row.barrier_id])), excluded };
  }

  /** `unseen`: the reports new since the last run, or null when every report is (no model yet). */
  private async runFull(
    state: EngineStateRow,
    lines: string[],
    thesaurusHash: string,
    reason: string,
    unseen: string[] | null,
    /** The language model did not answer a moment ago (chooseRun's probe): not asked again in this run. */
    unreachable: string | null,
  ): Promise<PatternsRunSummary> {
    const phases = { readMs: 0, engineMs: 0, writeMs: 0, lettersMs: 0 };
    let mark = performance.now();
    // The engine's thread starts now and takes the reports batch by batch while they are read, so its start
    // and its copy of them overlap the reading (the main thread would otherwise sit idle while it did that).
    const session = this.engine.startFull();
    let rows: ReportRow[];
    let meaning: MeaningOutcome;
    let request: FullRunRequest;
    try {
      // Without meaning keys: those come with the request, once the language model has read every report.
      rows = await this.loadAllReports((batch) => session.add(batch.map((row) => toPatternReport(row))));
      meaning = unreachable !== null && rows.length > 0 ? { status: 'unavailable', reason: unreachable } : await this.meaningFor(rows, null);
      const keys = meaning.status === 'used' ? meaning.keys : null;
      const previous = await this.previousBarriers(this.dataSource.manager);
      const choices = await this.analystChoices(this.dataSource.manager);
      request = {
        thesaurusLines: lines,
        confirmed: choices.confirmed,
        excluded: choices.excluded,
        previous: previous.map((barrier) => ({ key: barrier.id, memberIds: barrier.memberIds })),
        ...(keys === null ? {} : { meaningWeight: DEFAULT_MEANING_WEIGHT, meaningKeys: keys }),
      };
    } catch (error) {
      session.abandon();
      throw error;
    }
    phases.readMs = Math.round(performance.now() - mark);
    mark = performance.now();
    const finished = await session.finish(request);
    phases.engineMs = Math.round(performance.now() - mark);
    mark = performance.now();

    return this.dataSource.transaction(async (manager) => {
      await this.store.lockState(manager);
      // Re-read under the lock: an analyst may have confirmed or excluded something while the engine ran.
      const fresh = await this.analystChoices(manager);
      const stored = await this.storedMembers(manager);
      const current = await this.previousBarriers(manager, stored);
      const taken = new Set(((await manager.query(`SELECT id FROM barrier`)) as Array<{ id: string }>).map((row) => row.id));
      const now = this.clock.now();
      // Marking the reports seen needs nothing from the engine: the database does it while this thread unpacks the
      // outcome and works out what to write. In this transaction still, so a run that fails leaves them unseen.
      const seen = this.markSeen(manager, unseen ?? rows.map((row) => row.id), now);
      // Awaited below; this only keeps a failure meanwhile from leaving its rejection unhandled.
      seen.catch(() => undefined);
      await handedOver();
      const outcome = finished.outcome();
      const match = matchBarriers(current, outcome.barriers);
      let created = 0;
      let updated = 0;

      const members = noMembers();
      // Engine key -> the barrier id it is stored under, for the better places (which may name a later barrier).
      const idByKey = new Map<string, string>();
      const suggested: Array<{ key: string; anchoring: number } | undefined> = [];
      const inserts: EngineBarrierRow[] = [];
      const nounConcepts = this.thesaurus.nounConcepts(lines);
      const updates: EngineBarrierRow[] = [];
      for (const barrier of outcome.barriers) {
        const existing = match.byKey.get(barrier.key) ?? null;
        // The engine makes new keys with randomUUID (see the adapter), so a new barrier's id is its first key.
        const id = existing ?? (UUID.test(barrier.key) && !taken.has(barrier.key) ? barrier.key : randomUUID());
        // The analyst's choices win over the engine's: confirmed reports stay where they are, excluded ones out.
        const placeable = barrier.memberIds.filter((deviationId) => !fresh.confirmed.has(deviationId) && !fresh.excluded.get(deviationId)?.includes(id));
        if (!existing && placeable.length === 0) continue;
        taken.add(id);
        idByKey.set(barrier.key, id);
        const row: EngineBarrierRow = {
          id,
          engine_key: barrier.key,
          name: generatedBarrierName(barrier.terms, barrier.parties, nounConcepts),
          terms: barrier.terms,
          parties: barrier.parties,
          model: outcome.model.perBarrier.get(barrier.key) ?? null,
        };
        (existing ? updates : inserts).push(row);
        for (const deviationId of placeable) {
          members.ids.push(deviationId);
          members.barriers.push(id);
          members.reasons.push(joinReasons(barrier.reasons[deviationId]));
          members.anchoring.push(barrier.anchoring[deviationId] ?? null);
          suggested.push(barrier.better[deviationId]);
        }
      }
      // A suggestion counts only if its barrier is stored under an id (one the app skipped has none).
      for (const better of suggested) {
        const id = better === undefined ? undefined : idByKey.get(better.key);
        members.betterIds.push(id ?? null);
        members.betterAnchoring.push(id === undefined ? null : (better?.anchoring ?? null));
      }
      await seen;
      await this.insertFromEngine(manager, inserts, now);
      created = inserts.length;
      updated = await this.updateFromEngine(manager, updates, now);
      await this.syncEngineMembers(manager, stored, members, now);

      // The figures of every barrier that was active before the run too, so one the run empties shows 0 reports.
      await this.store.refreshFigures(manager, [...new Set([...current.map((barrier) => barrier.id), ...(await this.store.activeIds(manager))])]);
      let dissolved = 0;
      const merged: string[] = [];
      // Each barrier's reports before the run, kept with it when the run dissolves it: /hinder lists what dissolved,
      // and "Återställ hindret" puts them back.
      const before = new Map(current.map((barrier) => [barrier.id, barrier.memberIds]));
      for (const [barrierId, mergedInto] of match.unmatched) {
        if (!(await this.retire(manager, barrierId, mergedInto, now, before.get(barrierId) ?? []))) continue;
        dissolved += 1;
        if (mergedInto !== null) merged.push(barrierId);
      }
      dissolved += await this.dissolveEmpty(manager, now, before);
      // Escalation mails went out about these: the summary says so rather than only counting them among the dissolved.
      const [{ n: dissolvedEscalated }] = (await manager.query(
        `SELECT count(*)::int AS n FROM barrier WHERE dissolved_at = $1 AND status IN ('upplost', 'sammanslagen') AND escalation_reason IS NOT NULL`,
        [now],
      )) as Array<{ n: number }>;
      // After dissolveEmpty, so a letter follows only to a barrier still active: its draft then names the barrier its reports are in.
      await this.letters.barriersMergedByRun(manager, merged);
      const escalated = await this.store.escalateDue(manager);
      await manager.query(
        `UPDATE barrier_engine_state
            SET model = $1, thesaurus_hash = $2, reports_at_full_run = $3, full_run_at = $4,
                full_run_requested = full_run_requested AND revision <> $5, meaning_space = $6, updated_at = $4,
                language_model = COALESCE($7, language_model), language_model_at = CASE WHEN $7::text IS NULL THEN language_model_at ELSE $4 END
          WHERE id = 1`,
        [
          JSON.stringify(outcome.model.shared),
          thesaurusHash,
          rows.length,
          now,
          state.revision,
          meaning.status === 'used' ? JSON.stringify(meaning.space) : null,
          this.recordedLanguageModel(meaning),
        ],
      );
      phases.writeMs = Math.round(performance.now() - mark);
      return {
        mode: 'full' as const,
        fullRunReason: reason,
        reports: rows.length,
        newReports: unseen?.length ?? rows.length,
        placed: 0,
        created,
        updated,
        dissolved,
        dissolvedEscalated,
        escalated: escalated.length,
        letters: 0,
        activeBarriers: (await this.store.activeIds(manager)).length,
        durationMs: 0,
        phases,
        languageModel: meaning.status,
      };
    });
  }

  /** New barriers, in one statement. */
  private async insertFromEngine(manager: EntityManager, rows: readonly EngineBarrierRow[], now: Date): Promise<void> {
    if (rows.length === 0) return;
    await manager.query(
      `INSERT INTO barrier (id, engine_key, name, name_source, status, terms, parties, model, created_at, updated_at)
       SELECT x.id, x.engine_key, x.name, 'generated', 'foreslagen', x.terms, x.parties, x.model, $2, $2
         FROM jsonb_to_recordset($1::jsonb) AS x(${ENGINE_BARRIER_COLUMNS})`,
      [JSON.stringify(rows), now],
    );
  }

  /**
   * Terms, parties and model from the engine, in one statement; a generated name follows the terms only while nobody
   * has taken it in (GENERATED_NAME_FOLLOWS_SQL), the analyst's never changes. Rows where nothing changed are not written. Returns how many changed.
   */
  private async updateFromEngine(manager: EntityManager, rows: readonly EngineBarrierRow[], now: Date): Promise<number> {
    if (rows.length === 0) return 0;
    const [, affected] = (await manager.query(
      `UPDATE barrier b
          SET engine_key = x.engine_key, terms = x.terms, parties = x.parties, model = x.model,
              name = CASE WHEN ${GENERATED_NAME_FOLLOWS_SQL} THEN x.name ELSE b.name END, updated_at = $2
         FROM jsonb_to_recordset($1::jsonb) AS x(${ENGINE_BARRIER_COLUMNS})
        WHERE b.id = x.id
          AND (b.engine_key, b.terms, b.parties, b.model, b.name)
              IS DISTINCT FROM (x.engine_key, x.terms, x.parties, x.model, CASE WHEN ${GENERATED_NAME_FOLLOWS_SQL} THEN x.name ELSE b.name END)`,
      [JSON.stringify(rows), now],
    )) as [unknown, number];
    return affected;
  }

  /** Every membership as stored, with its reasons as one text (as `joinReasons` makes them), to compare with the engine's. */
  private async storedMembers(manager: EntityManager): Promise<StoredMember[]> {
    return (await manager.query(
      `SELECT bm.deviation_id, bm.barrier_id, ${HELD_MEMBER_SQL} AS confirmed, array_to_string(bm.reason, chr(31)) AS reason, bm.anchoring,
              bm.better_barrier_id, bm.better_anchoring FROM barrier_member bm`,
    )) as StoredMember[];
  }

  /**
   * Makes the engine's members exactly what it found, leaving confirmed members where the analyst put
   * them. Compared here with what is stored, so only memberships that changed are written: a rerun on
   * unchanged data writes none, and each kind of change is one statement.
   */
  private async syncEngineMembers(manager: EntityManager, stored: readonly StoredMember[], members: EngineMembers, now: Date): Promise<void> {
    const insert = (rows: EngineMembers): Promise<Array<{ barrier_id: string }>> =>
      manager.query(
        `WITH placed AS (
           INSERT INTO barrier_member (barrier_id, deviation_id, reason, anchoring, better_barrier_id, better_anchoring, confirmed_by_analyst, source, created_at, updated_at)
           SELECT n.barrier_id, n.deviation_id, n.reason, n.anchoring, n.better_barrier_id, n.better_anchoring, false, 'engine', $9, $9
             FROM ${COMPACT_MEMBERS_SQL} AS n
           ON CONFLICT (deviation_id) DO NOTHING
           RETURNING barrier_id)
         SELECT DISTINCT barrier_id FROM placed`,
        [...compactMembers(rows), now],
      ) as Promise<Array<{ barrier_id: string }>>;
    if (stored.length === 0) {
      // The first run: nothing to remove, compare or conflict with (the state lock is held), and every barrier is new.
      await manager.query(
        `INSERT INTO barrier_member (barrier_id, deviation_id, reason, anchoring, better_barrier_id, better_anchoring, confirmed_by_analyst, source, created_at, updated_at)
         SELECT n.barrier_id, n.deviation_id, n.reason, n.anchoring, n.better_barrier_id, n.better_anchoring, false, 'engine', $9, $9
           FROM ${COMPACT_MEMBERS_SQL} AS n`,
        [...compactMembers(members), now],
      );
      return;
    }
    const byDeviation = new Map(stored.map((row) => [row.deviation_id, row]));
    const placedIn = new Map(members.ids.map((id, i) => [id, members.barriers[i]]));
    // Out: the engine put it elsewhere or nowhere. The analyst's confirmed members stay.
    const moved = stored.filter((row) => !row.confirmed && placedIn.get(row.deviation_id) !== row.barrier_id).map((row) => row.deviation_id);
    const added = noMembers();
    const reasoned = noMembers();
    const take = (into: EngineMembers, i: number): void => {
      into.ids.push(members.ids[i]);
      into.barriers.push(members.barriers[i]);
      into.reasons.push(members.reasons[i]);
      into.anchoring.push(members.anchoring[i]);
      into.betterIds.push(members.betterIds[i]);
      into.betterAnchoring.push(members.betterAnchoring[i]);
    };
    const explainedAlike = (row: StoredMember, i: number): boolean =>
      row.reason === members.reasons[i] &&
      row.anchoring === members.anchoring[i] &&
      row.better_barrier_id === members.betterIds[i] &&
      row.better_anchoring === members.betterAnchoring[i];
    for (let i = 0; i < members.ids.length; i++) {
      const row = byDeviation.get(members.ids[i]);
      if (!row || (!row.confirmed && row.barrier_id !== members.barriers[i])) take(added, i);
      else if (!row.confirmed && !explainedAlike(row, i)) take(reasoned, i);
    }
    const changed = new Set<string>();
    if (moved.length > 0) {
      const rows = (await manager.query(
        `WITH gone AS (DELETE FROM barrier_member WHERE deviation_id = ANY($1::uuid[]) AND NOT confirmed_by_analyst RETURNING barrier_id)
         SELECT DISTINCT barrier_id FROM gone`,
        [moved],
      )) as Array<{ barrier_id: string }>;
      for (const row of rows) changed.add(row.barrier_id);
    }
    if (added.ids.length > 0) for (const row of await insert(added)) changed.add(row.barrier_id);
    if (reasoned.ids.length > 0) {
      const rows = (await manager.query(
        `WITH renewed AS (
           UPDATE barrier_member bm
              SET reason = n.reason, anchoring = n.anchoring, better_barrier_id = n.better_barrier_id, better_anchoring = n.better_anchoring, updated_at = $9
             FROM ${COMPACT_MEMBERS_SQL} AS n
            WHERE bm.deviation_id = n.deviation_id AND NOT bm.confirmed_by_analyst
           RETURNING bm.barrier_id)
         SELECT DISTINCT barrier_id FROM renewed`,
        [...compactMembers(reasoned), now],
      )) as Array<{ barrier_id: string }>;
      for (const row of rows) changed.add(row.barrier_id);
    }
    // A barrier whose reports changed has changed, even when its figures happen not to (its draft letter is then refreshed).
    await this.store.touch(manager, [...changed], now);
  }

  /**
   * A barrier the engine no longer finds and that kept no report: merged into the one that took most of its reports,
   * or dissolved. Whatever its status: an escalated or confirmed barrier left with no report is no barrier any more
   * (one the analyst confirmed, named or sent a letter about keeps those reports, so it is never left empty by a run).
   */
  private async retire(manager: EntityManager, barrierId: string, mergedInto: string | null, now: Date, memberIds: readonly string[]): Promise<boolean> {
    const [, affected] = (await manager.query(
      `UPDATE barrier SET status = CASE WHEN $2::uuid IS NULL THEN 'upplost' ELSE 'sammanslagen' END, merged_into_id = $2, model = NULL, updated_at = $3,
              dissolved_at = $3, dissolved_member_ids = $5::uuid[]
        WHERE id = $1 AND status = ANY($4)
          AND NOT EXISTS (SELECT 1 FROM barrier_member WHERE barrier_id = $1)`,
      [barrierId, mergedInto, now, ACTIVE_BARRIER_STATUSES, memberIds],
    )) as [unknown, number];
    return affected > 0;
  }

  /**
   * Dissolves every active barrier the run left without reports, also one whose id a group continued but whose
   * reports all stay elsewhere (confirmed in, or moved out of, another barrier). Its escalation no longer stands:
   * it drops out of the lists, the counts, the reports' notice and the letter drafting, which all read active ones.
   * Its page and id stay, so a skrivelse about it still leads there. Returns how many.
   */
  private async dissolveEmpty(manager: EntityManager, now: Date, before: ReadonlyMap<string, readonly string[]>): Promise<number> {
    const ids = [...before.keys()];
    const [, affected] = (await manager.query(
      `UPDATE barrier b SET status = 'upplost', model = NULL, updated_at = $1, dissolved_at = $1,
              dissolved_member_ids = coalesce(string_to_array(x.members, ',')::uuid[], '{}')
         FROM barrier b2 LEFT JOIN unnest($3::uuid[], $4::text[]) AS x(id, members) ON x.id = b2.id
        WHERE b.id = b2.id AND b.status = ANY($2) AND NOT EXISTS (SELECT 1 FROM barrier_member bm WHERE bm.barrier_id = b.id)`,
      [now, ACTIVE_BARRIER_STATUSES, ids, ids.map((id) => (before.get(id) ?? []).join(','))],
    )) as [unknown, number];
    return affected;
  }

  /** `unreachable`: see runFull; the stored model is then one made on words alone (chooseRun). */
  private async runIncremental(state: EngineStateRow, lines: string[], rows: ReportRow[], unreachable: string | null): Promise<PatternsRunSummary> {
    const phases = { readMs: 0, engineMs: 0, writeMs: 0, lettersMs: 0 };
    let placed = 0;
    let assignments = new Map<string, string | null>();
    let reasons: Record<string, string[]> = {};
    let anchoring: Record<string, number> = {};
    let mark = performance.now();
    let meaning: MeaningOutcome = { status: 'off' };
    if (rows.length > 0 && unreachable !== null) meaning = { status: 'unavailable', reason: unreachable };
    if (rows.length > 0) {
      const perBarrier = new Map<string, unknown>();
      const models = (await this.dataSource.query(`SELECT id, model FROM barrier WHERE status = ANY($1) AND model IS NOT NULL ORDER BY id`, [
        ACTIVE_BARRIER_STATUSES,
      ])) as Array<{ id: string; model: unknown }>;
      for (const row of models) perBarrier.set(row.id, row.model);
      // A full run decides when the stored model's meaning space no longer matches (chooseRun), so it matches here.
      if (state.meaning !== null) meaning = await this.meaningFor(rows, state.meaning as StoredMeaningSpace);
      const keys = meaning.status === 'used' ? meaning.keys : null;
      phases.readMs = Math.round(performance.now() - mark);
      mark = performance.now();
      const outcome = this.engine.assignIncremental(rows.map((row) => toPatternReport(row, keys?.get(row.id))), { shared: state.model, perBarrier }, lines);
      phases.engineMs = Math.round(performance.now() - mark);
      assignments = outcome.assignments;
      reasons = outcome.reasons;
      anchoring = outcome.anchoring;
    }
    mark = performance.now();
    return this.dataSource.transaction(async (manager) => {
      await this.store.lockState(manager);
      const now = this.clock.now();
      const touched = new Set<string>();
      const ids: string[] = [];
      const barrierIds: string[] = [];
      const reasonTexts: string[] = [];
      const anchorings: Array<number | null> = [];
      for (const [deviationId, barrierId] of assignments) {
        if (!barrierId) continue;
        ids.push(deviationId);
        barrierIds.push(barrierId);
        reasonTexts.push(joinReasons(reasons[deviationId]));
        anchorings.push(anchoring[deviationId] ?? null);
      }
      if (ids.length > 0) {
        // Only into active barriers, never where the analyst moved the report out, never over an existing membership.
        const inserted = (await manager.query(
          `INSERT INTO barrier_member (barrier_id, deviation_id, reason, anchoring, confirmed_by_analyst, source, created_at, updated_at)
           SELECT n.barrier_id, n.deviation_id, string_to_array(n.reason, chr(31)), n.anchoring, false, 'engine', $4, $4
             FROM unnest($1::uuid[], $2::uuid[], $3::text[], $6::real[]) AS n(deviation_id, barrier_id, reason, anchoring)
             JOIN barrier b ON b.id = n.barrier_id AND b.status = ANY($5)
            WHERE NOT EXISTS (SELECT 1 FROM barrier_exclusion x WHERE x.deviation_id = n.deviation_id AND x.barrier_id = n.barrier_id)
           ON CONFLICT (deviation_id) DO NOTHING
           RETURNING barrier_id`,
          [ids, barrierIds, reasonTexts, now, ACTIVE_BARRIER_STATUSES, anchorings],
        )) as Array<{ barrier_id: string }>;
        for (const row of inserted) touched.add(row.barrier_id);
        placed = inserted.length;
      }
      await this.store.refreshFigures(manager, [...touched]);
      const escalated = await this.store.escalateDue(manager);
      await this.markSeen(manager, rows.map((row) => row.id), now);
      const recorded = this.recordedLanguageModel(meaning);
      if (recorded !== null) await manager.query(`UPDATE barrier_engine_state SET language_model = $1, language_model_at = $2 WHERE id = 1`, [recorded, now]);
      phases.writeMs = Math.round(performance.now() - mark);
      const [{ count }] = (await manager.query(`SELECT count(*)::int AS count FROM deviation`)) as Array<{ count: number }>;
      return {
        mode: 'incremental' as const,
        fullRunReason: null,
        reports: count,
        newReports: rows.length,
        placed,
        created: 0,
        updated: touched.size,
        dissolved: 0,
        dissolvedEscalated: 0,
        escalated: escalated.length,
        letters: 0,
        activeBarriers: (await this.store.activeIds(manager)).length,
        durationMs: 0,
        phases,
        languageModel: meaning.status,
      };
    });
  }

  /** The engine has looked at these reports: an incremental run does not place them again. */
  private async markSeen(manager: EntityManager, ids: readonly string[], now: Date): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      // The ids as one text, as for memberships (compactMembers): a full run marks every report.
      `INSERT INTO barrier_engine_seen (deviation_id, seen_at) SELECT unnest(string_to_array($1, ',')::uuid[]), $2 ON CONFLICT (deviation_id) DO NOTHING`,
      [ids.join(','), now],
    );
  }

  /**
   * One draft skrivelse per escalated barrier of interface problems, created or brought up to date by the
   * letter module: for barriers changed since they were last looked at here, and at least daily (the
   * members' own status and answers change too). A barrier found not to be about an interface is marked
   * as looked at as well, so an unchanged one is not counted again on every run.
   */
  private async draftLetters(): Promise<number> {
    if (!this.letters.available) return 0;
    const due = (await this.dataSource.query(
      `SELECT b.id, b.parties, b.member_count
         FROM barrier b
        WHERE b.status = 'eskalerad'
          AND (b.letter_synced_at IS NULL OR b.letter_synced_at < b.updated_at OR b.letter_synced_at < $1::timestamptz - interval '1 day')
        ORDER BY b.escalated_at, b.id`,
      [this.clock.now()],
    )) as Array<{ id: string; parties: string[]; member_count: number }>;
    if (due.length === 0) return 0;
    // The parties settle most; the others' reports are counted by category in one query.
    const uncertain = due.filter((row) => !isInterfaceBarrier(row.parties, row.member_count, 0)).map((row) => row.id);
    const interfaceCounts = new Map(
      uncertain.length === 0
        ? []
        : ((await this.dataSource.query(
            `SELECT bm.barrier_id, count(*)::int AS n FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id
              WHERE bm.barrier_id = ANY($1::uuid[]) AND d.category = 'gransnitt' GROUP BY bm.barrier_id`,
            [uncertain],
          )) as Array<{ barrier_id: string; n: number }>).map((row) => [row.barrier_id, row.n]),
    );
    const synced: string[] = [];
    const drafts: string[] = [];
    for (const row of due) (isInterfaceBarrier(row.parties, row.member_count, interfaceCounts.get(row.id) ?? 0) ? drafts : synced).push(row.id);
    const failed = await this.letters.draftForAll(drafts);
    if (failed === null) return 0;
    for (const [barrierId, error] of failed) {
      // One failing letter does not stop the others; the next run tries again.
      this.logger.error(`Skrivelseutkastet för hindret ${barrierId} kunde inte skapas`, error instanceof Error ? error.stack : String(error));
    }
    const drafted = drafts.filter((id) => !failed.has(id));
    synced.push(...drafted);
    // Not updated_at itself: that would make the barriers look changed again.
    await this.dataSource.query(`UPDATE barrier SET letter_synced_at = $2 WHERE id = ANY($1::uuid[])`, [synced, this.clock.now()]);
    return drafted.length;
  }
}
