import { BarrierModel } from './engine-types';

/**
 * Changes whenever features, the model format or what a full run writes change: a stored model of another
 * version is not reused, and the next run is a full one (9: members' anchoring, filled in by that run; 10: thesaurus
 * variants and phrases holding a personal-data placeholder are left out; 12: while few barriers are confirmed, the
 * proposals are found as without them and the confirmed reports pinned onto them).
 */
export const ENGINE_VERSION = 'avvikelser-engine-12';

/** The corpus-wide part of a model (vocabulary, frequencies, options). */
export type SharedModel = Omit<BarrierModel, 'barriers'>;
/** One barrier's part of a model (its centre and core features). */
export type BarrierModelEntry = BarrierModel['barriers'][number];

/** Splits a model for storage: one shared part, one part per barrier (dropped with the barrier). */
export function splitModel(model: BarrierModel): { shared: SharedModel; perBarrier: Map<string, BarrierModelEntry> } {
  const { barriers, ...shared } = model;
  return { shared, perBarrier: new Map(barriers.map((b) => [b.key, b])) };
}

/** Puts a stored model back together (barriers in key order, so placement is deterministic). */
export function joinModel(shared: SharedModel, perBarrier: ReadonlyMap<string, BarrierModelEntry>): BarrierModel {
  const barriers = [...perBarrier.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { ...shared, barriers };
}
