/** The parties whose rules meet at the interfaces (same codes as the app). */
export type PartyCode = 'AF' | 'FK' | 'KOMMUN' | 'REGION' | 'ANNAN';

export const PARTY_CODES: readonly PartyCode[] = ['AF', 'FK', 'KOMMUN', 'REGION', 'ANNAN'];

export function isPartyCode(value: string): value is PartyCode {
  return (PARTY_CODES as readonly string[]).includes(value);
}

/** A deviation report as the engine sees it: no reporter, no personal data fields. */
export interface EngineReport {
  id: string;
  title: string;
  description: string;
  consequence?: string;
  tried?: string;
  category: string;
  parties: string[];
  municipality: string;
  subproject: string;
  /** YYYY-MM-DD */
  occurredOn: string;
  /**
   * Optional: keys for the report's meaning as a language model reads it ('m:…', see meaning-features.ts).
   * Reports that share them are alike as if they shared concepts. Absent, the engine reads words only.
   */
  meaningKeys?: readonly string[];
}

/** A weighted term that characterises a barrier, in a form a person can read. */
export interface BarrierTerm {
  term: string;
  weight: number;
}

/** A recurring structural barrier found by the engine (or kept from a previous run). */
export interface EngineBarrier {
  /** Stable id: kept from the previous run or a confirmed key, else from the id generator. */
  key: string;
  memberIds: string[];
  /** Characteristic words and concepts, strongest first (display forms, never stems). */
  terms: BarrierTerm[];
  parties: PartyCode[];
  municipalities: string[];
  subprojects: string[];
  period: { from: string; to: string };
  /** Why each member belongs (Swedish, for the analyst). */
  reasons: Record<string, string[]>;
  /** How firmly each member is anchored in the barrier (see memberAnchoring): low ones are worth a look first. */
  anchoring: Record<string, number>;
  /** Weakly anchored members that another barrier would anchor far better: member id -> that barrier (see betterPlaces). */
  better: Record<string, { key: string; anchoring: number }>;
  /** Mean similarity of the members to the barrier's centre, 0..1. */
  cohesion: number;
  /** True when at least one member was confirmed by the analyst. */
  confirmed: boolean;
}

/** A barrier from an earlier run, as stored by the app. */
export interface PreviousBarrier {
  key: string;
  memberIds: readonly string[];
}

/** Tunable parameters; the defaults (DEFAULT_ENGINE_OPTIONS) were validated on invented data. */
export interface EngineOptions {
  /** Minimum average similarity for two groups of reports to be joined. */
  linkThreshold: number;
  /**
   * Among barriers holding confirmed reports, a report moves to another one when its words are at
   * least this much more similar to that barrier's confirmed reports than to its own barrier's.
   */
  confirmedMargin: number;
  /** In a barrier holding confirmed reports, an unconfirmed report stays only if its mean similarity to the other members is at least this. */
  memberThreshold: number;
  /**
   * Among barriers holding confirmed reports, an unconfirmed member moves to another one when the
   * features it carries are at least this much (natural log of the odds) more typical of that
   * barrier's members than of its own barrier's.
   */
  oddsMargin: number;
  /** Minimum similarity for a report to join an existing barrier in incremental runs and at scale. */
  assignThreshold: number;
  /** Two reports must share at least this many words/concepts to count as similar at all. */
  minSharedFeatures: number;
  /** A recurring barrier needs at least this many reports ... */
  minReports: number;
  /** ... from at least this many kommuner. */
  minMunicipalities: number;
  /** Above this many reports the engine clusters a sample and assigns the rest. */
  exactLimit: number;
  /**
   * This many of each proposal's most typical reports are treated as its confirmed examples and the
   * reports clustered again (0: not at all). With two or more barriers confirmed by the analyst, only
   * proposals beyond a recurring barrier's bare minimum get them (see selfTrain in barrier-engine.ts).
   */
  selfTrainingSeeds: number;
  /**
   * Weight of each meaning key as a count of occurrences (DEFAULT_MEANING_WEIGHT when absent). Optional, so
   * a model made without meaning keys stores the same options as before.
   */
  meaningWeight?: number;
}

/** Serialisable state needed to place new reports without a full run (store as JSON). */
export interface BarrierModel {
  version: 1;
  docCount: number;
  /** Lower-case word -> number of reports (words in at least two reports). */
  lexicon: Array<[string, number]>;
  /** Feature key -> number of reports it occurs in. */
  featureDf: Array<[string, number]>;
  barriers: Array<{
    key: string;
    /** Unit-length centre of the members' vectors, as feature key -> weight. */
    centroid: Array<[string, number]>;
    /** Features carried by at least two members, with display forms (a new report must share some). */
    coreFeatures: Array<[string, string]>;
    /** How many members carry each core feature (same order), for a new report's anchoring. */
    coreCounts: number[];
    /** Members at the full run. */
    size: number;
    confirmed: boolean;
  }>;
  options: EngineOptions;
}

export interface RunFullInput {
  /** Thesaurus text: the default file, then analyst lines. */
  thesaurus: string;
  /** Report id -> barrier key, as confirmed by the analyst; never overridden. */
  confirmed?: ReadonlyMap<string, string>;
  /** Report id -> barrier keys the analyst moved it out of; it will not be put back there. */
  excluded?: ReadonlyMap<string, readonly string[]>;
  /** Barriers of the previous run, so ids stay stable. */
  previous?: readonly PreviousBarrier[];
  /** Makes fresh barrier ids (injected so the app decides the format). */
  newId: () => string;
  options?: Partial<EngineOptions>;
}

export interface RunFullResult {
  barriers: EngineBarrier[];
  /** Every report id -> its barrier key, or null when it is a one-off. */
  assignments: Map<string, string | null>;
  model: BarrierModel;
}

export interface IncrementalResult {
  assignments: Map<string, string | null>;
  /** Why each placed report was placed (Swedish). */
  reasons: Record<string, string[]>;
  /** How firmly each placed report is anchored in its barrier, as a full run would score it (see memberAnchoring). */
  anchoring: Record<string, number>;
}
