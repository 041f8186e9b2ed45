/**
 * Features that stand for a report's meaning as an optional language model reads it (EngineReport.meaningKeys,
 * made by src/modules/barrier/embeddings/). The engine treats them like thesaurus concepts; a person never
 * sees a key, only this label.
 */
export const MEANING_PREFIX = 'm:';

/** What the analyst reads where reports share meaning features (never the keys themselves). */
export const MEANING_LABEL = 'liknande innebörd enligt språkmodellen';

/**
 * Each meaning key counts this much of one occurrence of a concept (EngineOptions.meaningWeight): 0.5 of a
 * concept's double weight makes a key weigh as much as a word. Not tuned: no language model could be run
 * where the engine was built.
 */
export const DEFAULT_MEANING_WEIGHT = 0.5;

export function isMeaningFeature(key: string): boolean {
  return key.startsWith(MEANING_PREFIX);
}
