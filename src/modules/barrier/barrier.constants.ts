/** A barrier's life: found by the engine, confirmed by the analyst, escalated across kommuner. */
export const BARRIER_STATUSES = ['foreslagen', 'bekraftad', 'eskalerad', 'sammanslagen', 'upplost'] as const;
export type BarrierStatus = (typeof BARRIER_STATUSES)[number];

export const BARRIER_STATUS_LABELS: Record<BarrierStatus, string> = {
  foreslagen: 'Föreslagen',
  bekraftad: 'Bekräftad',
  eskalerad: 'Eskalerad',
  sammanslagen: 'Sammanslagen',
  upplost: 'Upplöst',
};

/** Barriers with reports; merged and dissolved ones are kept only so their ids stay valid. */
export const ACTIVE_BARRIER_STATUSES: readonly BarrierStatus[] = ['foreslagen', 'bekraftad', 'eskalerad'];

export type BarrierNameSource = 'generated' | 'analyst';
export type BarrierMemberSource = 'engine' | 'analyst';

/**
 * Below this anchoring (0-15, see memberAnchoring in the engine) a member is weakly anchored and worth the
 * analyst's look: over the samples and holdouts 1-20, 0.41-0.55 of the engine's members under 10 were in
 * the wrong barrier (0.88-0.92 under 5), 0.02-0.28 of those from 10 up; about a fifth of all members are under it.
 */
export const WEAK_ANCHORING = 10;
