/**
 * "Liknande hinder" on a barrier's page: other barriers whose reports say much the same, so the analyst
 * can merge what the engine split (Sentry's similar-issue suggestions). Pure, on the stored per-barrier
 * model (centre and core features), so a page view does not re-read any report.
 */

import { isMeaningFeature } from './engine/meaning-features';

/** What the engine stored for a barrier (BarrierModelEntry), as far as similarity needs it. */
export interface BarrierProfile {
  /** Feature key -> weight of the members' centre ('t:' words, 'c:' concepts, 'm:' meaning keys, 'b:' broader, 'p:' parties, 'k:' category). */
  centroid: ReadonlyArray<readonly [string, number]>;
  /** Features at least two members carry, with the form shown to people. */
  coreFeatures: ReadonlyArray<readonly [string, string]>;
}

export interface SimilarBarrier {
  id: string;
  name: string;
  /** Cosine of the two centres over words and concepts (weighted by how rare they are among barriers), 0–1. */
  similarity: number;
  /** Words and concepts both barriers' reports share, strongest first. */
  sharedTerms: string[];
}

/** Whether a stored per-barrier model has what similarity needs (another engine may store other things). */
export function isBarrierProfile(model: unknown): model is BarrierProfile {
  if (typeof model !== 'object' || model === null) return false;
  const { centroid, coreFeatures } = model as Partial<Record<keyof BarrierProfile, unknown>>;
  return Array.isArray(centroid) && Array.isArray(coreFeatures);
}

// On the three invented holdouts the other part of a barrier the engine split scores 0.18–0.35 (and
// is then first in the list, or second); unrelated neighbours reach 0.15–0.37, so these stay suggestions.
export const SIMILAR_MIN = 0.15;
export const SIMILAR_LIMIT = 3;
const SHARED_TERMS_SHOWN = 5;

// Only words, concepts and the language model's meaning keys (the engine treats those as concepts): parties
// and the category are shared by many unrelated barriers and say nothing about whether two describe the same
// cause; broader concepts are too general as well.
function isEvidence(key: string): boolean {
  return key.startsWith('t:') || key.startsWith('c:') || isMeaningFeature(key);
}

// Weighted by how few barriers carry the feature in their core (idf over barriers): what most
// barriers share (an authority's name, "ersättning") does not make two of them alike.
function evidenceVector(profile: BarrierProfile, idf: ReadonlyMap<string, number>, fallbackIdf: number): Map<string, number> {
  const out = new Map<string, number>();
  let norm = 0;
  for (const [key, centre] of profile.centroid) {
    if (!isEvidence(key) || centre <= 0) continue;
    const weight = centre * (idf.get(key) ?? fallbackIdf);
    if (weight <= 0) continue;
    out.set(key, weight);
    norm += weight * weight;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [key, weight] of out) out.set(key, weight / norm);
  return out;
}

function barrierIdf(profiles: readonly BarrierProfile[]): { idf: Map<string, number>; fallback: number } {
  const df = new Map<string, number>();
  for (const profile of profiles) for (const key of new Set(profile.coreFeatures.map(([k]) => k))) df.set(key, (df.get(key) ?? 0) + 1);
  const n = profiles.length;
  const idf = new Map<string, number>();
  for (const [key, count] of df) idf.set(key, Math.log((n + 1) / count));
  return { idf, fallback: Math.log(n + 1) };
}

/** Other barriers most like `target`, at least `min` alike, best first (ties by name, then id). */
export function similarBarriers(
  target: BarrierProfile,
  others: ReadonlyArray<{ id: string; name: string; profile: BarrierProfile | null }>,
  options: { min?: number; limit?: number } = {},
): SimilarBarrier[] {
  const min = options.min ?? SIMILAR_MIN;
  const limit = options.limit ?? SIMILAR_LIMIT;
  const profiles = [target, ...others.flatMap((other) => (other.profile ? [other.profile] : []))];
  const { idf, fallback } = barrierIdf(profiles);
  const own = evidenceVector(target, idf, fallback);
  if (own.size === 0) return [];
  const ownCore = new Map(target.coreFeatures.map(([key, label]) => [key, label]));
  const found: SimilarBarrier[] = [];
  for (const other of others) {
    if (other.profile === null) continue;
    const theirs = evidenceVector(other.profile, idf, fallback);
    let similarity = 0;
    const shared: Array<{ label: string; weight: number }> = [];
    for (const [key, weight] of theirs) {
      const mine = own.get(key);
      if (mine === undefined) continue;
      similarity += mine * weight;
      const label = ownCore.get(key);
      if (label !== undefined && other.profile.coreFeatures.some(([k]) => k === key)) shared.push({ label, weight: mine * weight });
    }
    if (similarity < min) continue;
    shared.sort((a, b) => b.weight - a.weight || a.label.localeCompare(b.label, 'sv'));
    const labels: string[] = [];
    for (const { label } of shared) if (!labels.includes(label) && labels.push(label) >= SHARED_TERMS_SHOWN) break;
    found.push({ id: other.id, name: other.name, similarity: Math.round(similarity * 100) / 100, sharedTerms: labels });
  }
  found.sort((a, b) => b.similarity - a.similarity || a.name.localeCompare(b.name, 'sv') || (a.id < b.id ? -1 : 1));
  return found.slice(0, limit);
}
