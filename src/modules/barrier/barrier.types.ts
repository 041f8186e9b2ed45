import { BarrierMemberSource, BarrierStatus } from './barrier.constants';
import { QuarterCount, TrendDirection } from './barrier-trend';

/** The shapes BarrierService hands out to the pages and, as JSON, to /api/barriers. */

export interface BarrierSummary {
  id: string;
  name: string;
  nameSource: 'generated' | 'analyst';
  status: BarrierStatus;
  statusLabel: string;
  memberCount: number;
  municipalityCount: number;
  subprojectCount: number;
  /** Name → member reports, most first. */
  municipalities: Array<{ name: string; count: number }>;
  subprojects: Array<{ name: string; count: number }>;
  parties: string[];
  partyLabels: string[];
  terms: string[];
  periodFrom: string | null;
  periodTo: string | null;
  trend: { quarters: QuarterCount[]; direction: TrendDirection; directionLabel: string; sparkline: string };
  confirmedAt: Date | null;
  escalatedAt: Date | null;
  escalationReason: string | null;
  path: string;
}

export interface BarrierMemberView {
  deviationId: string;
  reference: string;
  externalId: string | null;
  title: string;
  municipality: string;
  subproject: string;
  occurredOn: string;
  categoryLabel: string;
  statusLabel: string;
  /** Why it belongs (Swedish). */
  reasons: string[];
  confirmedByAnalyst: boolean;
  source: BarrierMemberSource;
  path: string;
}

export interface BarrierDetail extends BarrierSummary {
  members: BarrierMemberView[];
  /** Reports the analyst moved out; the engine will not put them back. */
  excluded: Array<{ deviationId: string; reference: string; title: string; path: string }>;
  /** Other active barriers, for "merge with". */
  mergeCandidates: Array<{ id: string; name: string }>;
}

/** What a member report's page shows its lead and reporter. */
export interface BarrierNotice {
  barrierId: string;
  municipalityCount: number;
  text: string;
}

/** One line of `export barriers`: the report and its barrier, or null when it is part of none. */
export interface BarrierAssignment {
  deviationId: string;
  externalId: string | null;
  cluster: string | null;
}
