import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { AppConfigService } from '../../config/app-config.service';
import { ACTIVE_BARRIER_STATUSES } from './barrier.constants';
import { DEFAULT_MIN_STRUCTURAL_MARKS, decideEscalation, EscalationMember, EscalationRule, unmetEscalationReason } from './barrier-escalation';
import { GENERATED_NAME_FOLLOWS_SQL, generatedBarrierName, termsFromReportWords } from './barrier-naming';
import { BarrierNotifier } from './barrier-notifier';
import { PatternEngine } from './pattern-engine.port';
import { REPORT_JOINS, REPORT_SELECT, ReportRow, toPatternReport } from './pattern-reports';
import { ThesaurusService } from './thesaurus.service';

/**
 * At most this many of a barrier's reports describe it after an analyst's change (a stable sample by id hash): the
 * terms of a few thousand are those of all of them, and merging two barriers of 50 000 reports each would otherwise
 * hold the barrier lock while 100 000 texts are read.
 */
const DESCRIBE_MAX_REPORTS = 5_000;

export interface EngineStateRow {
  model: unknown;
  /** The meaning space of the model's meaning keys (StoredMeaningSpace), null when it has none. */
  meaning: unknown;
  thesaurusHash: string | null;
  reportsAtFullRun: number;
  fullRunAt: Date | null;
  fullRunRequested: boolean;
  revision: number;
}

/** A barrier whose reports meet the escalation rule now. */
interface EscalationVerdict {
  reason: string;
  /** Escalated already. */
  escalated: boolean;
  /** Kommuner within the window that met the rule (what the reason counts), or null when leads' marks alone escalate it. */
  windowMunicipalities: number | null;
}

export interface EscalatedNow {
  id: string;
  reason: string;
}

/**
 * A report counts as marked structural by its lead while its status is strukturellt hinder, and after
 * closing from there (escalated, not resolved locally).
 */
export const MARKED_STRUCTURAL_SQL = `(d.status = 'strukturellt_hinder' OR (d.status = 'avslutad' AND d.escalated_at IS NOT NULL AND d.resolved_at IS NULL))`;

/**
 * The SQL shared by the engine runs and the analyst's actions: the write lock, derived figures,
 * and escalation. Every method runs in the caller's transaction.
 */
@Injectable()
export class BarrierStore {
  constructor(
    private readonly clock: Clock,
    private readonly config: AppConfigService,
    private readonly notifier: BarrierNotifier,
    private readonly engine: PatternEngine,
    private readonly thesaurus: ThesaurusService,
  ) {}

  get escalationRule(): EscalationRule {
    return {
      minMunicipalities: this.config.env.ESCALATION_MIN_MUNICIPALITIES,
      windowMonths: this.config.env.ESCALATION_WINDOW_MONTHS,
      minStructuralMarks: DEFAULT_MIN_STRUCTURAL_MARKS,
    };
  }

  /**
   * Serialises writers of barrier memberships (engine runs of any instance, analysts) on the one state
   * row, so a run never writes over an analyst's change made while the engine was computing.
   */
  async lockState(manager: EntityManager): Promise<EngineStateRow> {
    const [row] = (await manager.query(
      `SELECT model, meaning_space, thesaurus_hash, reports_at_full_run, full_run_at, full_run_requested, revision
         FROM barrier_engine_state WHERE id = 1 FOR UPDATE`,
    )) as Array<{
      model: unknown;
      meaning_space: unknown;
      thesaurus_hash: string | null;
      reports_at_full_run: number;
      full_run_at: Date | null;
      full_run_requested: boolean;
      revision: number;
    }>;
    return {
      model: row.model,
      meaning: row.meaning_space,
      thesaurusHash: row.thesaurus_hash,
      reportsAtFullRun: row.reports_at_full_run,
      fullRunAt: row.full_run_at,
      fullRunRequested: row.full_run_requested,
      revision: row.revision,
    };
  }

  /** After an analyst's change the stored model no longer describes the barriers: the next run is a full one. */
  async requestFullRun(manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE barrier_engine_state SET full_run_requested = true, revision = revision + 1, updated_at = $1 WHERE id = 1`, [this.clock.now()]);
  }

  /** Marks barriers as changed (their reports changed). */
  async touch(manager: EntityManager, barrierIds: readonly string[], now: Date): Promise<void> {
    if (barrierIds.length === 0) return;
    await manager.query(`UPDATE barrier SET updated_at = $2 WHERE id = ANY($1::uuid[])`, [barrierIds, now]);
  }

  /** Member count, kommuner and delprojekt per barrier, and its period: derived from the members, stored for the lists. */
  async refreshFigures(manager: EntityManager, barrierIds: readonly string[]): Promise<void> {
    if (barrierIds.length === 0) return;
    await manager.query(
      `WITH ids AS (SELECT DISTINCT unnest($1::uuid[]) AS id),
       -- Members counted once per barrier, kommun and delprojekt (a few hundred cells); names are joined to those.
       cells AS (
         SELECT bm.barrier_id, d.municipality_id, d.subproject_id, count(*)::int AS n, min(d.occurred_on) AS first, max(d.occurred_on) AS last
           FROM barrier_member bm
           JOIN deviation d ON d.id = bm.deviation_id
          WHERE bm.barrier_id IN (SELECT id FROM ids)
          GROUP BY 1, 2, 3
       ),
       agg AS (SELECT barrier_id, sum(n)::int AS n, min(first) AS first, max(last) AS last FROM cells GROUP BY barrier_id),
       mun AS (SELECT barrier_id, jsonb_object_agg(municipality, n) AS counts
                 FROM (SELECT c.barrier_id, m.name AS municipality, sum(c.n)::int AS n FROM cells c JOIN municipality m ON m.id = c.municipality_id GROUP BY 1, 2) x
                GROUP BY barrier_id),
       sub AS (SELECT barrier_id, jsonb_object_agg(subproject, n) AS counts
                 FROM (SELECT c.barrier_id, s.name AS subproject, sum(c.n)::int AS n FROM cells c JOIN subproject s ON s.id = c.subproject_id GROUP BY 1, 2) x
                GROUP BY barrier_id),
       figures AS (
         SELECT ids.id, coalesce(agg.n, 0) AS n, coalesce(mun.counts, '{}'::jsonb) AS mun, coalesce(sub.counts, '{}'::jsonb) AS sub,
                agg.first, agg.last
           FROM ids LEFT JOIN agg ON agg.barrier_id = ids.id LEFT JOIN mun ON mun.barrier_id = ids.id LEFT JOIN sub ON sub.barrier_id = ids.id
       )
       UPDATE barrier b
          SET member_count = f.n, municipality_counts = f.mun, subproject_counts = f.sub, period_from = f.first, period_to = f.last, updated_at = $2
         FROM figures f
        WHERE b.id = f.id
          AND (b.member_count, b.municipality_counts, b.subproject_counts, b.period_from, b.period_to)
              IS DISTINCT FROM (f.n, f.mun, f.sub, f.first, f.last)`,
      [barrierIds, this.clock.now()],
    );
  }

  /**
   * Terms, parties and the per-barrier model of these barriers from the reports in them now, as the engine describes
   * a barrier, and a generated name from the new terms while it may still follow them (GENERATED_NAME_FOLLOWS_SQL). After a split, merge or move the
   * barriers would otherwise show the words of the reports they had until the next full run: a barrier split off
   * showed its parent's. Nothing changes while the engine has no model of its own (no full run yet).
   */
  async redescribe(manager: EntityManager, barrierIds: readonly string[]): Promise<void> {
    if (barrierIds.length === 0) return;
    const [state] = (await manager.query(`SELECT model FROM barrier_engine_state WHERE id = 1`)) as Array<{ model: unknown }>;
    if (!state?.model) return;
    const lines = await this.thesaurus.lines(manager);
    const barriers = (await manager.query(
      `SELECT b.id, EXISTS (SELECT 1 FROM barrier_member bm WHERE bm.barrier_id = b.id AND bm.confirmed_by_analyst) AS confirmed
         FROM barrier b WHERE b.id = ANY($1::uuid[]) AND b.status = ANY($2) ORDER BY b.id`,
      [[...new Set(barrierIds)], ACTIVE_BARRIER_STATUSES],
    )) as Array<{ id: string; confirmed: boolean }>;
    for (const barrier of barriers) {
      const rows = (await manager.query(
        `${REPORT_SELECT}
           JOIN barrier_member bm ON bm.deviation_id = d.id AND bm.barrier_id = $1
           ${REPORT_JOINS}
          ORDER BY md5(d.id::text) LIMIT $2`,
        [barrier.id, DESCRIBE_MAX_REPORTS],
      )) as ReportRow[];
      const described = this.engine.describe(rows.map((row) => toPatternReport(row)), state.model, lines, barrier);
      if (described === null) continue;
      await manager.query(
        `UPDATE barrier b SET terms = $2, parties = $3, model = coalesce($4::jsonb, b.model),
                name = CASE WHEN ${GENERATED_NAME_FOLLOWS_SQL} AND cardinality($2::text[]) > 0 THEN $5 ELSE b.name END, updated_at = $6
          WHERE b.id = $1`,
        [
          barrier.id,
          described.terms,
          described.parties,
          described.model === null ? null : JSON.stringify(described.model),
          generatedBarrierName(described.terms, described.parties, this.thesaurus.nounConcepts(lines)),
          this.clock.now(),
        ],
      );
    }
  }

  /**
   * A barrier the analyst created, still without terms after redescribe (the engine has no model yet, or finds no words
   * its reports share): terms from its reports' own words (termsFromReportWords), parties named in at least 30 % of
   * them (as a run counts them), and a generated name from those while it may still follow its terms. Never the
   * placeholder a barrier used to keep ("Nytt hinder").
   */
  async describeFromWords(manager: EntityManager, barrierId: string): Promise<void> {
    const rows = (await manager.query(
      `SELECT d.title, d.description, d.parties FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id
        WHERE bm.barrier_id = $1 ORDER BY d.reference_number LIMIT $2`,
      [barrierId, DESCRIBE_MAX_REPORTS],
    )) as Array<{ title: string; description: string; parties: string[] }>;
    if (rows.length === 0) return;
    const lines = await this.thesaurus.lines(manager);
    const concepts = this.thesaurus.nounConcepts(lines);
    const terms = termsFromReportWords(rows.map((row) => `${row.title}. ${row.description}`), concepts);
    const counts = new Map<string, number>();
    for (const row of rows) for (const party of new Set(row.parties)) counts.set(party, (counts.get(party) ?? 0) + 1);
    // The engine's parties, when it gave some without terms; else those the reports name.
    const [own] = (await manager.query(`SELECT parties FROM barrier WHERE id = $1`, [barrierId])) as Array<{ parties: string[] }>;
    const parties = own?.parties.length
      ? own.parties
      : [...counts]
          .filter(([, n]) => n / rows.length >= 0.3)
          .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
          .map(([party]) => party);
    await manager.query(
      `UPDATE barrier b SET terms = $2, parties = $3,
              name = CASE WHEN ${GENERATED_NAME_FOLLOWS_SQL} THEN $4 ELSE b.name END, updated_at = $5
        WHERE b.id = $1 AND cardinality(b.terms) = 0`,
      [barrierId, terms, parties, generatedBarrierName(terms, parties, concepts), this.clock.now()],
    );
  }

  /**
   * Brings every active barrier's escalation in line with its reports now: escalates the ones that meet the rule
   * (with the reason, and the analysts' mail) and rewrites the reason of an escalated one whose kommuner or delprojekt
   * changed. An escalation is never taken back here: the analysts were mailed, the leads' reports say "Del av ett
   * återkommande hinder" and a skrivelse may be under way, so one whose reports no longer meet the rule (split off,
   * moved out, taken into another barrier) stays escalated, its reason saying so and what it has now, until an analyst
   * takes it back (BarrierService.withdrawEscalation). The job checks all of them (a lead may have marked a report
   * structural since the last run); an analyst's change only the barriers it touched. Returns the barriers escalated now.
   */
  async escalateDue(manager: EntityManager, onlyIds?: readonly string[]): Promise<EscalatedNow[]> {
    if (onlyIds && onlyIds.length === 0) return [];
    const now = this.clock.now();
    const decisions = await this.escalationDecisions(manager, onlyIds);
    // Still escalated: the reason as the reports now give it (escalated_at stays: it was escalated then).
    const standing = [...decisions].filter(([, decision]) => decision.escalated);
    if (standing.length > 0) {
      await manager.query(
        `UPDATE barrier b SET escalation_reason = x.reason, updated_at = $3
           FROM unnest($1::uuid[], $2::text[]) AS x(id, reason)
          WHERE b.id = x.id AND b.status = 'eskalerad' AND b.escalation_reason IS DISTINCT FROM x.reason`,
        [standing.map(([id]) => id), standing.map(([, decision]) => decision.reason), now],
      );
    }
    // No longer meeting the rule: still escalated, the reason naming only what the barrier has now.
    const unmet = (await manager.query(
      `SELECT b.id, b.member_count, b.municipality_counts, b.subproject_counts,
              to_char(b.escalated_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD') AS escalated_on
         FROM barrier b
        WHERE b.status = 'eskalerad' AND ($1::uuid[] IS NULL OR b.id = ANY($1::uuid[])) AND NOT (b.id = ANY($2::uuid[]))`,
      [onlyIds ?? null, [...decisions.keys()]],
    )) as Array<{ id: string; member_count: number; municipality_counts: Record<string, number>; subproject_counts: Record<string, number>; escalated_on: string | null }>;
    if (unmet.length > 0) {
      await manager.query(
        `UPDATE barrier b SET escalation_reason = x.reason, updated_at = $3
           FROM unnest($1::uuid[], $2::text[]) AS x(id, reason)
          WHERE b.id = x.id AND b.escalation_reason IS DISTINCT FROM x.reason`,
        [
          unmet.map((row) => row.id),
          unmet.map((row) =>
            unmetEscalationReason(this.escalationRule, {
              escalatedOn: row.escalated_on,
              memberCount: row.member_count,
              municipalityCount: Object.keys(row.municipality_counts).length,
              subprojectCount: Object.keys(row.subproject_counts).length,
            }),
          ),
          now,
        ],
      );
    }
    return this.escalateNew(manager, new Map([...decisions].filter(([, decision]) => !decision.escalated)));
  }

  /**
   * The barriers (active, or only these) whose reports meet the escalation rule now, with the reason; `escalated`
   * tells whether the barrier is escalated already.
   */
  private async escalationDecisions(manager: EntityManager, onlyIds?: readonly string[]): Promise<Map<string, EscalationVerdict>> {
    const { byBarrier, escalated } = await this.escalationMembers(manager, onlyIds);
    const decisions = new Map<string, EscalationVerdict>();
    const rule = this.escalationRule;
    for (const [barrierId, members] of byBarrier) {
      const decision = decideEscalation(members, rule);
      if (decision) {
        decisions.set(barrierId, { reason: decision.reason, escalated: escalated.has(barrierId), windowMunicipalities: decision.window?.municipalities.length ?? null });
      }
    }
    return decisions;
  }

  /**
   * Whether these active barriers' reports together, as one barrier, would meet the escalation rule, and the reason it
   * would then give: what a merge of them leads to (escalateDue judges the merged barrier by the same members). Null
   * when they would not.
   */
  async escalationIfOne(manager: EntityManager, barrierIds: readonly string[]): Promise<{ reason: string } | null> {
    if (barrierIds.length === 0) return null;
    const { byBarrier } = await this.escalationMembers(manager, barrierIds);
    const decision = decideEscalation([...byBarrier.values()].flat(), this.escalationRule);
    return decision ? { reason: decision.reason } : null;
  }

  /** The members of the active barriers (or only these) as the escalation rule reads them, and which are escalated now. */
  private async escalationMembers(
    manager: EntityManager,
    onlyIds?: readonly string[],
  ): Promise<{ byBarrier: Map<string, EscalationMember[]>; escalated: Set<string> }> {
    // Every member of every open barrier, but not a row each: the dates of a barrier's reports per kommun and
    // delprojekt as one text (ids rather than names), a marked report on a row of its own with its reference.
    // decideEscalation gets the same members as one row per report would give; their order does not matter to it.
    const rows = (await manager.query(
      `SELECT bm.barrier_id, b.status = 'eskalerad' AS escalated, d.municipality_id, d.subproject_id,
              CASE WHEN ${MARKED_STRUCTURAL_SQL} THEN d.reference END AS marked_reference, string_agg(d.occurred_on::text, ',') AS dates
         FROM barrier_member bm
         JOIN barrier b ON b.id = bm.barrier_id AND b.status = ANY($2)
         JOIN deviation d ON d.id = bm.deviation_id
        WHERE $1::uuid[] IS NULL OR bm.barrier_id = ANY($1::uuid[])
        GROUP BY 1, 2, 3, 4, 5`,
      [onlyIds ?? null, ACTIVE_BARRIER_STATUSES],
    )) as Array<{ barrier_id: string; escalated: boolean; municipality_id: string; subproject_id: string; marked_reference: string | null; dates: string }>;
    const byBarrier = new Map<string, EscalationMember[]>();
    const escalated = new Set(rows.filter((row) => row.escalated).map((row) => row.barrier_id));
    if (rows.length === 0) return { byBarrier, escalated };
    const names = new Map(
      ((await manager.query(`SELECT id, name FROM municipality UNION ALL SELECT id, name FROM subproject`)) as Array<{ id: string; name: string }>).map((row) => [
        row.id,
        row.name,
      ]),
    );
    for (const row of rows) {
      const list = byBarrier.get(row.barrier_id) ?? [];
      const municipality = names.get(row.municipality_id) ?? row.municipality_id;
      const subproject = names.get(row.subproject_id) ?? row.subproject_id;
      for (const occurredOn of row.dates.split(',')) {
        list.push({ reference: row.marked_reference ?? '', municipality, subproject, occurredOn, markedStructural: row.marked_reference !== null });
      }
      byBarrier.set(row.barrier_id, list);
    }
    return { byBarrier, escalated };
  }

  /** Escalates these barriers and queues the analysts' mail; returns them. */
  private async escalateNew(manager: EntityManager, decisions: ReadonlyMap<string, EscalationVerdict>): Promise<EscalatedNow[]> {
    if (decisions.size === 0) return [];
    // One statement for all; the status check keeps a barrier escalated (and its analysts mailed) once.
    const updated = (await manager.query(
      `UPDATE barrier b SET status = 'eskalerad', escalation_reason = x.reason, escalated_at = $3, updated_at = $3,
              name_kept_at = coalesce(b.name_kept_at, $3)
         FROM unnest($1::uuid[], $2::text[]) AS x(id, reason)
        WHERE b.id = x.id AND b.status IN ('foreslagen', 'bekraftad')
        RETURNING b.id, b.name, b.member_count, b.municipality_counts, b.subproject_counts`,
      [[...decisions.keys()], [...decisions.values()].map((decision) => decision.reason), this.clock.now()],
    )) as [Array<{ id: string; name: string; member_count: number; municipality_counts: Record<string, number>; subproject_counts: Record<string, number> }>, number];
    const sorted = updated[0].sort((a, b) => a.id.localeCompare(b.id));
    await this.notifier.escalated(
      manager,
      sorted.map((barrier) => ({
        id: barrier.id,
        name: barrier.name,
        reason: (decisions.get(barrier.id) as EscalationVerdict).reason,
        windowMunicipalityCount: (decisions.get(barrier.id) as EscalationVerdict).windowMunicipalities,
        windowMonths: this.escalationRule.windowMonths,
        memberCount: barrier.member_count,
        municipalities: Object.keys(barrier.municipality_counts).sort((a, b) => a.localeCompare(b, 'sv')),
        subprojectCount: Object.keys(barrier.subproject_counts).length,
      })),
    );
    const escalated: EscalatedNow[] = sorted.map((barrier) => ({ id: barrier.id, reason: (decisions.get(barrier.id) as EscalationVerdict).reason }));
    return escalated;
  }

  /** From now on these barriers' generated names stay as they are (see GENERATED_NAME_FOLLOWS_SQL). */
  async keepNames(manager: EntityManager, barrierIds: readonly string[], now: Date = this.clock.now()): Promise<void> {
    if (barrierIds.length === 0) return;
    await manager.query(`UPDATE barrier SET name_kept_at = $2 WHERE id = ANY($1::uuid[]) AND name_kept_at IS NULL`, [[...new Set(barrierIds)], now]);
  }

  /** Ids of the active barriers, for refreshing all of them. */
  async activeIds(manager: EntityManager): Promise<string[]> {
    const rows = (await manager.query(`SELECT id FROM barrier WHERE status = ANY($1)`, [ACTIVE_BARRIER_STATUSES])) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }
}
