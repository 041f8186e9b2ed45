import { BarrierLetterAway, BarrierLetterSummary } from './barrier-letter.hook';
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
  /** Reports it had when a full run dissolved it (0 otherwise): "Återställ hindret" puts them back. */
  dissolvedReportCount: number;
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
  /** Letters that followed this barrier's reports to another barrier when a run merged it away and are still there. */
  lettersAway: BarrierLetterAway[];
  /** Its history, newest first (barrier_event). */
  history: BarrierHistoryEntry[];
  /** Escalated, but its reports no longer meet the rule: the page offers to take the escalation back. */
  escalationUnmet: boolean;
}

/** One line of a barrier's history. */
export interface BarrierHistoryEntry {
  at: Date;
  who: string;
  what: string;
}

/** After an analyst's change: a barrier that lost reports in it, and how its escalation stands (the page's notice). */
export interface BarrierChangeNote {
  barrierId: string;
  displayName: string;
  path: string;
  text: string;
  lostEscalation: boolean;
  escalationUnmet: boolean;
}

/** What a member report's page shows its lead and reporter. */
export interface BarrierNotice {
  barrierId: string;
  municipalityCount: number;
  text: string;
}

/**
 * Where a report stands among the barriers, for the analyst (and admin) on the report's page: the barrier it is in,
 * whether the analyst confirmed it there, barriers it was moved out of, and the barriers it can be put in.
 */
export interface BarrierPlacement {
  barrier: {
    id: string;
    displayName: string;
    generatedName: boolean;
    status: BarrierStatus;
    statusLabel: string;
    memberCount: number;
    municipalityCount: number;
    path: string;
  } | null;
  /** Confirmed there by the analyst (or held by a sent letter): no run moves it. */
  confirmed: boolean;
  /** Placed by the analyst rather than the engine. */
  placedByAnalyst: boolean;
  reasonLabels: string[];
  /** Barriers the analyst moved it out of: the engine never puts it back there. */
  excludedFrom: Array<{ id: string; displayName: string; path: string }>;
  /** Active barriers it can be put in: the one the engine says fits it better first, then by name. */
  options: Array<{ value: string; label: string }>;
  /** The engine's better place, when it has one (first among the options). */
  suggestedId: string | null;
}

/** A barrier the latest full run left without reports, as /hinder lists it. */
export interface DissolvedBarrier {
  id: string;
  displayName: string;
  /** Reports it had just before the run. */
  reportCount: number;
  /** Why, in Swedish. */
  why: string;
  /** What the analyst had made of it: 'eskalerat', 'bekräftat', 'namngivet'. */
  was: string[];
  mergedInto: { displayName: string; path: string } | null;
  restorable: boolean;
  path: string;
}

/** One line of `export barriers`: the report and its barrier, or null when it is part of none. */
export interface BarrierAssignment {
  deviationId: string;
  externalId: string | null;
  cluster: string | null;
}

/** One of the two barriers on the merge confirmation, as it is before the merge. */
export interface BarrierMergeSide {
  id: string;
  displayName: string;
  status: BarrierStatus;
  statusLabel: string;
  /** Its reports now (counted, not the stored figure). */
  memberCount: number;
  localFix: { date: string; note: string } | null;
  path: string;
}

/** A skrivelse on the merge confirmation: which, and what becomes of it. */
export interface BarrierMergeLetter {
  subject: string;
  statusLabel: string;
  /** Besvarad: it follows as history. */
  answered: boolean;
  path: string;
}

/**
 * What "Slå ihop" will do, for the analyst to read before it is done (BarrierService.mergePreview): the reports of
 * `other` move into `target`, which keeps its name and id and is confirmed with all its reports; `other` is marked
 * sammanslagen. Computed from the data as it is now, by the same rules BarrierService.merge applies.
 */
export interface BarrierMergePreview {
  target: BarrierMergeSide;
  other: BarrierMergeSide;
  /** Reports that move from `other` to `target`, and what `target` has afterwards. */
  moving: number;
  total: number;
  /** The kommuner the merged barrier spans, most reports first. */
  municipalities: Array<{ name: string; count: number }>;
  /** Those of them not among `target`'s kommuner now, by name. */
  addedMunicipalities: string[];
  subprojectCount: number;
  /** The merged barrier meets the escalation rule (the reason it will give), or null: it is then bekräftad. */
  escalation: { reason: string; already: boolean } | null;
  /** `other`'s local fix, taken over when `target` has none of its own; `dropped` when `target` keeps its own. */
  localFix: { taken: { date: string; note: string } | null; dropped: { date: string } | null };
  /** Reports the analyst moved out of `target` that are in `other`: they come back (merge deletes those exclusions). */
  returning: string[];
  /** Reports moved out of `other` that stay out of the merged barrier too. */
  excludedStayOut: number;
  /** Null when there is no letter module. */
  letters: {
    /** `other`'s letters that follow its reports to `target` (answered ones always; one under way when `target` has none). */
    following: BarrierMergeLetter[];
    /** `other`'s letter under way that stays with it because `target` has one under way too: both are kept. */
    stayingBehind: BarrierMergeLetter | null;
    /** `target`'s own letter under way; a draft's evidence then no longer matches the reports. */
    targetOpen: (BarrierMergeLetter & { draft: boolean }) | null;
  } | null;
}
