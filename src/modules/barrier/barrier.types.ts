import { BarrierLetterSummary } from './barrier-letter.hook';
import { SimilarBarrier } from './barrier-similarity';
import { BarrierMemberSource, BarrierStatus } from './barrier.constants';
import { QuarterCount, TrendDirection } from './barrier-trend';

/** The shapes BarrierService hands out to the pages and, as JSON, to /api/barriers. */

export interface BarrierSummary {
  id: string;
  name: string;
  /** The name as pages show it: a generated name without its trailing party codes (barrier-wording.ts). */
  displayName: string;
  nameSource: 'generated' | 'analyst';
  status: BarrierStatus;
  statusLabel: string;
  memberCount: number;
  /** Members worth the analyst's look: unconfirmed and weakly anchored (under WEAK_ANCHORING) or not yet judged. */
  toReview: number;
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
  /** sparkline: block characters (for the API); sparklineLevels: the same bars in eighths, which the pages draw. */
  trend: { quarters: QuarterCount[]; direction: TrendDirection; directionLabel: string; sparkline: string; sparklineLevels: number[] };
  confirmedAt: Date | null;
  escalatedAt: Date | null;
  escalationReason: string | null;
  /** Something changed locally because of the barrier; null when none is recorded. */
  localFix: BarrierLocalFix | null;
  path: string;
}

export interface BarrierLocalFix {
  /** YYYY-MM-DD: the Swedish day it took effect. */
  date: string;
  /** What was done. */
  note: string;
  /** Who recorded it (name), and when. */
  recordedBy: string | null;
  recordedAt: Date;
}

/** Member reports a lead resolved as "åtgärdad lokalt": a hint for recording a local fix, never one by itself. */
export interface LocallyResolvedHint {
  count: number;
  /** YYYY-MM-DD of the latest. */
  latest: string;
}

/** One page of a barrier's member reports on /hinder/:id. */
export interface MemberPage {
  /** 1-based. */
  page: number;
  pageSize: number;
  pages: number;
  total: number;
  /** 1-based positions of the first and last report shown. */
  first: number;
  last: number;
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
  /** The reasons as the page shows them: party codes in words. */
  reasonLabels: string[];
  /** How firmly the pattern run found it anchored, 0-15 (low: worth a look); null when no run has scored it. */
  anchoring: number | null;
  /** The same for the page (Swedish), or null for a confirmed report. */
  anchoringLabel: string | null;
  /** An active barrier the last full run found would anchor this unconfirmed report far better, with its anchoring there. */
  betterPlace: { barrierId: string; name: string; displayName: string; anchoring: number | null; anchoringText: string | null; path: string } | null;
  confirmedByAnalyst: boolean;
  source: BarrierMemberSource;
  path: string;
}

/** How a barrier's member reports are listed: by date, or the weakest anchored first. */
export type BarrierMemberOrder = 'date' | 'anchoring';

export interface BarrierDetail extends BarrierSummary {
  /** All member reports, or one page of them when asked for a page (membersPage says which). */
  members: BarrierMemberView[];
  membersPage: MemberPage | null;
  locallyResolved: LocallyResolvedHint | null;
  /** Reports the analyst moved out; the engine will not put them back. */
  excluded: Array<{ deviationId: string; reference: string; title: string; path: string }>;
  /** Other active barriers, for "merge with". */
  mergeCandidates: Array<{ id: string; name: string; displayName: string }>;
  /** Active barriers whose reports say much the same: candidates to merge with this one. */
  similar: Array<SimilarBarrier & { displayName: string }>;
  /** Its skrivelser, those under way first and then the newest: its own and those that stayed with barriers merged into it. */
  letters: BarrierLetterSummary[];
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
