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
