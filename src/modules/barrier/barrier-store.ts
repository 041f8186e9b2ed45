import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { AppConfigService } from '../../config/app-config.service';
import { ACTIVE_BARRIER_STATUSES } from './barrier.constants';
import { DEFAULT_MIN_STRUCTURAL_MARKS, decideEscalation, EscalationMember, EscalationRule } from './barrier-escalation';
import { BarrierNotifier } from './barrier-notifier';

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
   * Escalates every active barrier that now meets the rule, with its reason, and queues the analysts' mail.
   * The job checks all of them (a lead may have marked a report structural since the last run); an
   * analyst's change only the barriers it touched.
   */
  async escalateDue(manager: EntityManager, onlyIds?: readonly string[]): Promise<EscalatedNow[]> {
    if (onlyIds && onlyIds.length === 0) return [];
    // Every member of every open barrier, but not a row each: the dates of a barrier's reports per kommun and
    // delprojekt as one text (ids rather than names), a marked report on a row of its own with its reference.
    // decideEscalation gets the same members as one row per report would give; their order does not matter to it.
    const rows = (await manager.query(
      `SELECT bm.barrier_id, d.municipality_id, d.subproject_id, CASE WHEN ${MARKED_STRUCTURAL_SQL} THEN d.reference END AS marked_reference,
              string_agg(d.occurred_on::text, ',') AS dates
         FROM barrier_member bm
         JOIN barrier b ON b.id = bm.barrier_id AND b.status IN ('foreslagen', 'bekraftad')
         JOIN deviation d ON d.id = bm.deviation_id
        WHERE $1::uuid[] IS NULL OR bm.barrier_id = ANY($1::uuid[])
        GROUP BY 1, 2, 3, 4`,
      [onlyIds ?? null],
    )) as Array<{ barrier_id: string; municipality_id: string; subproject_id: string; marked_reference: string | null; dates: string }>;
    if (rows.length === 0) return [];
    const names = new Map(
      ((await manager.query(`SELECT id, name FROM municipality UNION ALL SELECT id, name FROM subproject`)) as Array<{ id: string; name: string }>).map((row) => [
        row.id,
        row.name,
      ]),
    );
    const byBarrier = new Map<string, EscalationMember[]>();
    for (const row of rows) {
      const list = byBarrier.get(row.barrier_id) ?? [];
      const municipality = names.get(row.municipality_id) ?? row.municipality_id;
      const subproject = names.get(row.subproject_id) ?? row.subproject_id;
      for (const occurredOn of row.dates.split(',')) {
        list.push({ reference: row.marked_reference ?? '', municipality, subproject, occurredOn, markedStructural: row.marked_reference !== null });
      }
      byBarrier.set(row.barrier_id, list);
    }
    const rule = this.escalationRule;
    const decisions = new Map<string, string>();
    for (const [barrierId, members] of byBarrier) {
      const decision = decideEscalation(members, rule);
      if (decision) decisions.set(barrierId, decision.reason);
    }
    if (decisions.size === 0) return [];
    // One statement for all; the status check keeps a barrier escalated (and its analysts mailed) once.
    const updated = (await manager.query(
      `UPDATE barrier b SET status = 'eskalerad', escalation_reason = x.reason, escalated_at = $3, updated_at = $3
         FROM unnest($1::uuid[], $2::text[]) AS x(id, reason)
        WHERE b.id = x.id AND b.status IN ('foreslagen', 'bekraftad')
        RETURNING b.id, b.name, b.member_count, b.municipality_counts, b.subproject_counts`,
      [[...decisions.keys()], [...decisions.values()], this.clock.now()],
    )) as [Array<{ id: string; name: string; member_count: number; municipality_counts: Record<string, number>; subproject_counts: Record<string, number> }>, number];
    const sorted = updated[0].sort((a, b) => a.id.localeCompare(b.id));
    await this.notifier.escalated(
      manager,
      sorted.map((barrier) => ({
        id: barrier.id,
        name: barrier.name,
        reason: decisions.get(barrier.id) as string,
        memberCount: barrier.member_count,
        municipalities: Object.keys(barrier.municipality_counts).sort((a, b) => a.localeCompare(b, 'sv')),
        subprojectCount: Object.keys(barrier.subproject_counts).length,
      })),
    );
    const escalated: EscalatedNow[] = sorted.map((barrier) => ({ id: barrier.id, reason: decisions.get(barrier.id) as string }));
    return escalated;
  }

  /** Ids of the active barriers, for refreshing all of them. */
  async activeIds(manager: EntityManager): Promise<string[]> {
    const rows = (await manager.query(`SELECT id FROM barrier WHERE status = ANY($1)`, [ACTIVE_BARRIER_STATUSES])) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }
}
