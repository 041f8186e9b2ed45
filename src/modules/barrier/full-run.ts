import { randomUUID } from 'node:crypto';
import { splitModel } from './engine/barrier-model';
import { runFull } from './engine/barrier-engine';
import type { FullRunOutcome, FullRunRequest, PatternReport } from './pattern-engine.port';

/** What a full run needs, as it crosses into the engine's thread: plain data only. */
export interface FullRunInput {
  reports: readonly PatternReport[];
  /** The default thesaurus with the analyst's lines appended. */
  thesaurus: string;
  confirmed: FullRunRequest['confirmed'];
  excluded: FullRunRequest['excluded'];
  previous: FullRunRequest['previous'];
  meaningWeight?: number;
}

/**
 * A full engine run in the app's shape. Engine keys are our barrier ids: previous barriers go in under
 * their ids and new ones are made with randomUUID, so a key is the id to store. Kept free of Nest so the
 * worker thread (full-run.worker.ts) loads only the engine.
 */
export function fullRunOutcome(input: FullRunInput): FullRunOutcome {
  const result = runFull(input.reports, {
    thesaurus: input.thesaurus,
    confirmed: input.confirmed,
    excluded: input.excluded,
    previous: input.previous,
    newId: randomUUID,
    // Only with meaning keys: without them the stored options stay as they were.
    ...(input.meaningWeight === undefined ? {} : { options: { meaningWeight: input.meaningWeight } }),
  });
  const { shared, perBarrier } = splitModel(result.model);
  return {
    barriers: result.barriers.map((barrier) => ({
      key: barrier.key,
      memberIds: barrier.memberIds,
      terms: barrier.terms.map((term) => term.term),
      parties: barrier.parties,
      reasons: barrier.reasons,
      anchoring: barrier.anchoring,
      better: barrier.better,
    })),
    model: { shared, perBarrier },
  };
}
