/**
 * What the app needs from the clustering engine (src/modules/barrier/engine/), in the app's words.
 * The engine is pure and knows nothing of the database; PatternsService feeds it and stores what it
 * finds. Tests put a predictable engine in its place (test/support/fake-pattern-engine.ts).
 */
import type { EngineReport } from './engine/engine-types';
import type { GeneratorPlace } from './engine/report-generator';

export type { GeneratorPlace };

/** A report as the engine reads it: the situation only, no reporter and no personal data. */
export type PatternReport = EngineReport;

export interface PatternBarrier {
  key: string;
  memberIds: string[];
  /** Display forms, most characteristic first. */
  terms: string[];
  parties: string[];
  /** Why each member belongs (Swedish). */
  reasons: Record<string, string[]>;
  /** How firmly each member is anchored in the barrier, 0-15 (the engine's memberAnchoring): the weakest are worth a look first. */
  anchoring: Record<string, number>;
  /** Weakly anchored members that another barrier (its key) would anchor far better, with the anchoring there. */
  better: Record<string, { key: string; anchoring: number }>;
}

export interface FullRunRequest {
  /** The analyst's thesaurus lines, added after the engine's default thesaurus. */
  thesaurusLines: readonly string[];
  /** Report id → barrier key (our barrier id), confirmed by the analyst. */
  confirmed: ReadonlyMap<string, string>;
  /** Report id → barrier keys the analyst moved it out of. */
  excluded: ReadonlyMap<string, readonly string[]>;
  previous: ReadonlyArray<{ key: string; memberIds: readonly string[] }>;
  /** Weight of the reports' meaning keys (EngineOptions.meaningWeight); only given when reports carry them. */
  meaningWeight?: number;
  /**
   * Meaning keys by report id, for reports handed over without them: a session's reports go to the engine
   * as they are read, before the language model has read them all. Given to those reports before the run.
   */
  meaningKeys?: ReadonlyMap<string, readonly string[]>;
}

/**
 * A full run whose reports are handed over in batches while they are still being read, so the engine
 * can make ready meanwhile (see PatternEngine.startFull).
 */
export interface FullRunSession {
  /** The next reports, in the order read: the run sees the batches one after the other, as one list. */
  add(reports: readonly PatternReport[]): void;
  /** Every report has been added: runs the engine over them all, and resolves once it has finished. */
  finish(request: FullRunRequest): Promise<FinishedFullRun>;
  /** The run will not be finished (reading the reports failed): lets go of what it holds. */
  abandon(): void;
}

/**
 * A finished full run. Its outcome is unpacked when asked for: that takes a while at scale (a few hundred
 * ms for 100 000 reports), so the caller can first set the database to work on what does not need it.
 */
export interface FinishedFullRun {
  outcome(): FullRunOutcome;
}

/** The reports with the request's meaning keys (see FullRunRequest.meaningKeys); the same list when there are none. */
export function withMeaningKeys(reports: readonly PatternReport[], keys: FullRunRequest['meaningKeys']): readonly PatternReport[] {
  if (keys === undefined) return reports;
  return reports.map((report) => {
    const meaningKeys = keys.get(report.id);
    return meaningKeys === undefined ? report : { ...report, meaningKeys };
  });
}

/** A session that keeps the batches and runs `run` over them at finish: for engines with nothing to make ready. */
export function gatheredFullRun(run: (reports: readonly PatternReport[], request: FullRunRequest) => Promise<FullRunOutcome>): FullRunSession {
  const reports: PatternReport[] = [];
  return {
    add(batch) {
      for (const report of batch) reports.push(report);
    },
    finish: async (request) => {
      const outcome = await run(withMeaningKeys(reports, request.meaningKeys), request);
      return { outcome: () => outcome };
    },
    abandon() {
      reports.length = 0;
    },
  };
}

/**
 * The engine's model, split the way it is stored: what belongs to the whole corpus (barrier_engine_state)
 * and what belongs to each barrier (barrier.model), so merged or dissolved barriers drop out of it.
 */
export interface StoredModel {
  shared: unknown;
  perBarrier: Map<string, unknown>;
}

export interface FullRunOutcome {
  barriers: PatternBarrier[];
  model: StoredModel;
}

export interface IncrementalOutcome {
  /** Report id → barrier key, or null for a one-off. */
  assignments: Map<string, string | null>;
  reasons: Record<string, string[]>;
  /** Report id → its anchoring in the barrier it was placed in, as a full run would score it. */
  anchoring: Record<string, number>;
}

/** A barrier described from its current reports (PatternEngine.describe). */
export interface PatternDescription {
  /** Display forms, most characteristic first. */
  terms: string[];
  parties: string[];
  /** The barrier's part of the stored model (StoredModel.perBarrier), or null when the engine has none to give. */
  model: unknown;
}

export interface ClusteringScores {
  ari: number;
  precision: number;
  recall: number;
  f1: number;
}

export abstract class PatternEngine {
  /** Changes when the engine's model format or features change: a stored model from another version is not reused. */
  abstract readonly version: string;
  /** A full run, its reports to be added batch by batch (see FullRunSession). */
  abstract startFull(): FullRunSession;
  /** A full run over reports already at hand. */
  async runFull(reports: readonly PatternReport[], request: FullRunRequest): Promise<FullRunOutcome> {
    const session = this.startFull();
    session.add(reports);
    return (await session.finish(request)).outcome();
  }
  abstract assignIncremental(reports: readonly PatternReport[], model: StoredModel, thesaurusLines: readonly string[]): IncrementalOutcome;
  /**
   * Describes these reports as one barrier (terms, parties, its part of the model) against the stored shared model,
   * without grouping anything: for a barrier the analyst split, merged or moved reports in or out of. Null when the
   * shared model is not this engine's (no full run yet).
   */
  abstract describe(reports: readonly PatternReport[], shared: unknown, thesaurusLines: readonly string[], barrier: { id: string; confirmed: boolean }): PatternDescription | null;
  abstract score(truth: ReadonlyArray<string | null>, predicted: ReadonlyArray<string | null>): ClusteringScores;
  /** Synthetic reports for the benchmark, varied from templates, deterministic for a seed, spread over the given kommuner. */
  abstract generateReports(templates: readonly PatternReport[], count: number, seed: number, places: readonly GeneratorPlace[]): PatternReport[];
}
