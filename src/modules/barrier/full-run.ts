import { randomUUID } from 'node:crypto';
import { splitModel } from './engine/barrier-model';
import { runFull } from './engine/barrier-engine';
import { FullRunOutcome, FullRunRequest, PatternReport, withMeaningKeys } from './pattern-engine.port';

/** What a full run needs, as it crosses into the engine's thread: plain data only. */
export interface FullRunInput {
  reports: readonly PatternReport[];
  /** The default thesaurus with the analyst's lines appended. */
  thesaurus: string;
  confirmed: FullRunRequest['confirmed'];
  excluded: FullRunRequest['excluded'];
  previous: FullRunRequest['previous'];
  meaningWeight?: number;
  meaningKeys?: FullRunRequest['meaningKeys'];
}

/**
 * The messages the engine's thread is sent (full-run.worker.ts): the reports in batches as they are read,
 * then the rest of the input, which starts the run.
 */
export type FullRunMessage = { reports: readonly PatternReport[] } | { run: Omit<FullRunInput, 'reports'> };

/**
 * A full engine run in the app's shape. Engine keys are our barrier ids: previous barriers go in under
 * their ids and new ones are made with randomUUID, so a key is the id to store. Kept free of Nest so the
 * worker thread (full-run.worker.ts) loads only the engine.
 */
export function fullRunOutcome(input: FullRunInput): FullRunOutcome {
  const result = runFull(withMeaningKeys(input.reports, input.meaningKeys), {
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

