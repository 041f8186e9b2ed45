import { TrendDirection } from '../barrier/barrier-trend';
import { DeviationCategory, DeviationParty } from '../deviation/deviation.constants';

export interface NamedRef {
  id: string;
  name: string;
}

/** The filters after the server applied the user's scope: a lead's delprojekt is always set. */
export interface DashboardFilters {
  /** Swedish dates, inclusive. */
  from?: string;
  to?: string;
  /** null: every delprojekt (analysts only). */
  subprojectIds: string[] | null;
  municipalityId?: string;
  category?: DeviationCategory;
  party?: DeviationParty;
}

/** The counts statement's rows (buildCountsQuery); each kind fills its own columns, the rest are null. */
export interface CountsRow {
  kind: 'cell' | 'month';
  municipality_id: string | null;
  subproject_id: string | null;
  category: DeviationCategory | null;
  parties: DeviationParty[] | null;
  month: string | null;
  n: number;
}

/** Open and overdue reports per delprojekt (buildDeadlineQuery). */
export interface DeadlineRaw {
  subproject_id: string;
  open: number;
  not_accepted: number;
  not_resolved: number;
}

/** The counts, summed up from CountsRow. */
export interface CountsRaw {
  heat: Array<{ municipality_id: string; category: DeviationCategory; n: number }>;
  monthly: Array<{ month: string; n: number }>;
  party_sets: Array<{ subproject_id: string; parties: DeviationParty[]; n: number }>;
  /** Reports per delprojekt. */
  reports: Map<string, number>;
}

/** One row per delprojekt with reports that got that far (buildDurationQuery); [median, 90th percentile] in days. */
export interface DurationRaw {
  subproject_id: string;
  n: number;
  percentiles: [number, number];
}

export interface HeatmapData {
  municipalities: NamedRef[];
  categories: Array<{ value: DeviationCategory; label: string }>;
  /** Every kommun × category, zeros included, in display order. */
  cells: Array<{ municipalityId: string; municipality: string; category: DeviationCategory; count: number }>;
}

export interface MonthData {
  /** YYYY-MM (Swedish time). */
  month: string;
  count: number;
}

export interface PartyPairData {
  /** Two parties in the order AF, FK, KOMMUN, REGION, ANNAN; the same twice for a report naming one party only. */
  parties: [DeviationParty, DeviationParty];
  label: string;
  count: number;
  /** Every delprojekt in scope, zeros included. */
  bySubproject: Array<{ subprojectId: string; subproject: string; count: number }>;
}

export interface DurationStats {
  /** How many reports the figures are computed from. */
  count: number;
  /** Days, one decimal; null when count is 0. */
  medianDays: number | null;
  p90Days: number | null;
}

export interface HandlingTimeData {
  subprojectId: string;
  subproject: string;
  reports: number;
  /** From reported to mottagen. */
  accept: DurationStats;
  /** From reported to åtgärdad lokalt, eskalerad or avslutad, whichever came first. */
  resolve: DurationStats;
}

export interface OverdueData {
  subprojectId: string;
  subproject: string;
  /** Not yet åtgärdad, eskalerad or avslutad: "Väntar på åtgärd" (narrower than the queue's "öppna"). */
  open: number;
  /** Still ny after the accept deadline. */
  notAccepted: number;
  /** Still open after the resolve deadline. */
  notResolved: number;
}

export interface BarrierSizeData {
  id: string;
  title: string;
  /** Linked reports within the filters. */
  reports: number;
  municipalities: number;
  /** Linked reports per quarter of occurrence, the last eight up to today's (or the period's end), gaps as 0. */
  quarters: Array<{ quarter: string; label: string; count: number }>;
  /** As on the barrier pages (quarterTrend in barrier-trend.ts). */
  trend: TrendDirection;
}

export interface BarrierEffectData {
  barrierId: string;
  title: string;
  /** What happened on `date`. */
  action: 'skrivelse' | 'lokal_atgard';
  actionLabel: string;
  /** Swedish date of the letter or the fix. */
  date: string;
  /** What was done: the fix's note, or the letter's subject. */
  note: string | null;
  monthsBefore: number;
  reportsBefore: number;
  /** Linked reports per month before and after the date; one decimal. */
  ratePerMonthBefore: number;
  monthsAfter: number;
  reportsAfter: number;
  ratePerMonthAfter: number | null;
}

export type BarrierSection<T> = { available: false; reason: string } | { available: true; items: T[] };

export interface DashboardData {
  generatedAt: string;
  filters: {
    from: string | null;
    to: string | null;
    subproject: NamedRef | null;
    municipality: NamedRef | null;
    category: DeviationCategory | null;
    party: DeviationParty | null;
  };
  /** The delprojekt whose reports are counted. */
  subprojects: NamedRef[];
  totals: { reports: number; withoutParties: number };
  byMunicipalityAndCategory: HeatmapData;
  byMonth: MonthData[];
  partyPairs: PartyPairData[];
  handlingTimes: HandlingTimeData[];
  overdue: OverdueData[];
  barriers: BarrierSection<BarrierSizeData>;
  effect: BarrierSection<BarrierEffectData>;
}
