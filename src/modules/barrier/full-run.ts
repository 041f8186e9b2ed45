import { randomUUID } from 'node:crypto';
import { splitModel } from './engine/barrier-model';
import { runFull } from './engine/barrier-engine';
import { FullRunOutcome, FullRunRequest, PatternBarrier, PatternReport, StoredModel, withMeaningKeys } from './pattern-engine.port';

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

/**
 * A full run's outcome as it leaves the engine's thread (packOutcome, unpackOutcome). The members' reasons and
 * anchoring go as arrays beside the ids they belong to, not as objects keyed by 100 000 ids: copying those keys,
 * twice, cost more than the rest of the outcome together. Each distinct reason text goes once.
 */
export interface PackedOutcome {
  reasonTexts: string[];
  barriers: PackedBarrier[];
  model: StoredModel;
}

interface PackedBarrier extends Omit<PatternBarrier, 'reasons' | 'anchoring'> {
  /** The ids that have reasons, in their order; null when they are memberIds (as the engine gives them). */
  reasonIds: string[] | null;
  /** Reasons of the k-th id: reasonTexts[reasonRefs[i]] for i from reasonStarts[k] up to reasonStarts[k + 1]. */
  reasonStarts: Int32Array;
  reasonRefs: Int32Array;
  /** As reasonIds, for anchoring. */
  anchoringIds: string[] | null;
  anchoring: Float64Array;
}

/** null when `ids` are `memberIds` in the same order, else `ids`. */
function unlessMembers(ids: string[], memberIds: readonly string[]): string[] | null {
  return ids.length === memberIds.length && ids.every((id, k) => id === memberIds[k]) ? null : ids;
}

export function packOutcome(outcome: FullRunOutcome): PackedOutcome {
  const reasonTexts: string[] = [];
  const textNumbers = new Map<string, number>();
  const barriers = outcome.barriers.map(({ key, memberIds, terms, parties, reasons, anchoring, better }): PackedBarrier => {
    const reasonIds = Object.keys(reasons);
    const reasonStarts = new Int32Array(reasonIds.length + 1);
    const refs: number[] = [];
    for (let k = 0; k < reasonIds.length; k++) {
      for (const text of reasons[reasonIds[k]]) {
        let n = textNumbers.get(text);
        if (n === undefined) {
          n = reasonTexts.push(text) - 1;
          textNumbers.set(text, n);
        }
        refs.push(n);
      }
      reasonStarts[k + 1] = refs.length;
    }
    const anchoringIds = Object.keys(anchoring);
    return {
      key,
      memberIds,
      terms,
      parties,
      better,
      reasonIds: unlessMembers(reasonIds, memberIds),
      reasonStarts,
      reasonRefs: Int32Array.from(refs),
      anchoringIds: unlessMembers(anchoringIds, memberIds),
      anchoring: Float64Array.from(anchoringIds, (id) => anchoring[id]),
    };
  });
  return { reasonTexts, barriers, model: outcome.model };
}

/** The outcome packOutcome packed, as it was. */
export function unpackOutcome(packed: PackedOutcome): FullRunOutcome {
  const { reasonTexts } = packed;
  return {
    barriers: packed.barriers.map(({ key, memberIds, terms, parties, better, reasonIds, reasonStarts, reasonRefs, anchoringIds, anchoring: values }) => {
      const reasons: Record<string, string[]> = {};
      const withReasons = reasonIds ?? memberIds;
      for (let k = 0; k < withReasons.length; k++) {
        const texts: string[] = [];
        for (let i = reasonStarts[k]; i < reasonStarts[k + 1]; i++) texts.push(reasonTexts[reasonRefs[i]]);
        reasons[withReasons[k]] = texts;
      }
      const anchoring: Record<string, number> = {};
      const anchored = anchoringIds ?? memberIds;
      for (let k = 0; k < anchored.length; k++) anchoring[anchored[k]] = values[k];
      return { key, memberIds, terms, parties, reasons, anchoring, better };
    }),
    model: packed.model,
  };
}
