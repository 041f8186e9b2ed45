import { BarrierModelEntry, SharedModel } from './barrier-model';
import { explainBarrier, profileGroup } from './barrier-explainer';
import { EngineReport, PartyCode } from './engine-types';
import { featureSpaceFromModel } from './feature-space';
import { extractFeatures } from './report-features';
import { parseThesaurus } from './thesaurus';

/** What a barrier's own reports say about it: the part of a full run's output that describes, not groups. */
export interface BarrierDescription {
  /** Characteristic terms, most characteristic first (display forms). */
  terms: string[];
  parties: PartyCode[];
  /** The barrier's part of the model (its centre and core features), as a full run stores it. */
  model: BarrierModelEntry;
}

/** Whether a stored shared model is this engine's (another engine, or a test's stand-in, stores other things). */
export function isSharedModel(value: unknown): value is SharedModel {
  if (typeof value !== 'object' || value === null) return false;
  const model = value as Partial<Record<keyof SharedModel, unknown>>;
  return model.version === 1 && Array.isArray(model.lexicon) && Array.isArray(model.featureDf) && typeof model.docCount === 'number' && typeof model.options === 'object';
}

/**
 * Describes a set of reports as one barrier, against the vocabulary and frequencies of the last full run's model:
 * terms, parties and centre from these reports alone, as explainBarrier does in a run. For the analyst's split,
 * merge and moves, whose barriers would otherwise show the terms of the reports they had until the next full run.
 * It groups nothing. Words are shown in the shortest form these reports write them in (a run takes the corpus's).
 * Meaning keys are left out: they are never shown as terms.
 */
export function describeBarrier(reports: readonly EngineReport[], shared: SharedModel, thesaurusText: string, key: string, confirmed: boolean): BarrierDescription {
  const thesaurus = parseThesaurus(thesaurusText);
  const space = featureSpaceFromModel(thesaurus, shared.lexicon, shared.featureDf, shared.docCount);
  // In id order, as a run numbers its vectors, so ties in the ranking fall the same way.
  const sorted = [...reports].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const vectors = sorted.map((report, index) => {
    const features = extractFeatures({ ...report, meaningKeys: undefined }, thesaurus, space.lexicon, shared.options.meaningWeight);
    for (const [feature, surface] of features.surfaces) space.rememberSurface(feature, surface);
    return space.vectorize(index, report, features);
  });
  const profile = profileGroup(space, vectors);
  const barrier = explainBarrier(space, key, vectors, new Set(), profile);
  const core = [...profile.core].sort((a, b) => a - b);
  return {
    terms: barrier.terms.map((term) => term.term),
    parties: barrier.parties,
    model: {
      key,
      centroid: [...profile.centroid.ids].map((id, k) => [space.keys[id], profile.centroid.weights[k]] as [string, number]),
      coreFeatures: core.map((id) => [space.keys[id], space.displayOf(space.keys[id])] as [string, string]),
      coreCounts: core.map((id) => profile.memberCounts.get(id) ?? 0),
      size: vectors.length,
      confirmed,
    },
  };
}
