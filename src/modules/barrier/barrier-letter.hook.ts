import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** A barrier's skrivelse as the barrier pages show it (read through the hook: the letter module owns letters). */
export interface BarrierLetterSummary {
  id: string;
  /** The letter's status code (utkast, granskad, skickad, besvarad) and its Swedish label. */
  status: string;
  statusLabel: string;
  subject: string;
  /** YYYY-MM-DD (Swedish time); null until sent, answered. */
  sentOn: string | null;
  answerReceivedOn: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** A draft whose evidence was built from another set of reports than the barrier has now. */
  evidenceOutdated: boolean;
  /**
   * Set when the letter belongs to a barrier merged into this one and stayed with it, because this barrier already
   * had a letter under way: both are kept, and the page says where this one comes from.
   */
  fromMergedBarrier: { id: string; name: string } | null;
  path: string;
}

/**
 * A letter that followed this barrier's reports to another barrier when a full run merged this one away, and is there
 * still: after a restore, one that could not come back (sent or answered since, or the barrier had a letter under way).
 */
export interface BarrierLetterAway {
  id: string;
  subject: string;
  status: string;
  statusLabel: string;
  barrier: { id: string; name: string; path: string };
  path: string;
}

/** What the letter module offers: create the draft skrivelse for a barrier, or bring its one draft up to date. */
export interface BarrierLetterDrafter {
  upsertDraftForBarrier(barrierId: string): Promise<unknown>;
  /** Several, each in its own transaction; the ones that failed, with the error. */
  upsertDraftsForBarriers(barrierIds: readonly string[]): Promise<Map<string, unknown>>;
  /** In the merge's transaction: the merged barrier's letters follow the barrier its reports went to (LetterService.followMerge). */
  followMerge(manager: EntityManager, fromBarrierId: string, intoBarrierId: string, actorId: string): Promise<void>;
  /** In a full run's transaction: the letters under way of barriers it merged away follow (LetterService.followRunMerges). */
  followRunMerges(manager: EntityManager, mergedBarrierIds: readonly string[]): Promise<void>;
  /**
   * In a restore's transaction: the letters under way that followed the barrier's reports away in the run that dissolved
   * it (at or after `since`) come back to it (LetterService.followRestore); how many came back.
   */
  followRestore(manager: EntityManager, barrierId: string, since: Date, actorId: string): Promise<number>;
  /** The letters that followed this barrier away in a run and are still with another barrier. */
  lettersAway(barrierId: string): Promise<BarrierLetterAway[]>;
  /** Each barrier's letters, its own and those that stayed with barriers merged into it, newest first. */
  lettersOf(barrierIds: readonly string[]): Promise<Map<string, BarrierLetterSummary[]>>;
}

/**
 * HOOK for the skrivelse (letter) module, src/modules/letter/: the patterns job calls `draftFor` for each
 * escalated barrier of interface problems, a merge lets the letters follow (`barrierMerged`), and the barrier
 * pages show each barrier's letters (`lettersFor`). The letter module registers itself here
 * (`hook.register(letterService)` in its onModuleInit), so the barrier module needs no import of it
 * (the letter module reads barriers, so importing it back would make a cycle). Until one registers,
 * drafting is skipped and said so once in the log, and the pages show no letters.
 */
@Injectable()
export class BarrierLetterHook {
  private readonly logger = new Logger('Hinder');
  private drafter: BarrierLetterDrafter | null = null;
  private warned = false;

  register(drafter: BarrierLetterDrafter): void {
    this.drafter = drafter;
  }

  get available(): boolean {
    return this.drafter !== null;
  }

  /** True when the letter module took it; false when there is no letter module. */
  async draftFor(barrierId: string): Promise<boolean> {
    if (!this.drafter) {
      if (!this.warned) this.logger.warn('Skrivelsemodulen är inte registrerad: inga utkast till skrivelser skapas för eskalerade hinder.');
      this.warned = true;
      return false;
    }
    await this.drafter.upsertDraftForBarrier(barrierId);
    return true;
  }

  /** The job's drafts at once (their members read in one query): the ones that failed, or null when there is no letter module. */
  async draftForAll(barrierIds: readonly string[]): Promise<Map<string, unknown> | null> {
    if (!this.drafter) {
      if (!this.warned) this.logger.warn('Skrivelsemodulen är inte registrerad: inga utkast till skrivelser skapas för eskalerade hinder.');
      this.warned = true;
      return null;
    }
    return this.drafter.upsertDraftsForBarriers(barrierIds);
  }

  /** `fromBarrierId` was merged into `intoBarrierId` (in `manager`'s transaction); its letters follow where they can. */
  async barrierMerged(manager: EntityManager, fromBarrierId: string, intoBarrierId: string, actorId: string): Promise<void> {
    await this.drafter?.followMerge(manager, fromBarrierId, intoBarrierId, actorId);
  }

  /** A full run merged these barriers away (in `manager`'s transaction); their letters under way follow where they can. */
  async barriersMergedByRun(manager: EntityManager, mergedBarrierIds: readonly string[]): Promise<void> {
    await this.drafter?.followRunMerges(manager, mergedBarrierIds);
  }

  /** A barrier a run dissolved was restored (in `manager`'s transaction): its letters that followed away come back where they can. */
  async barrierRestored(manager: EntityManager, barrierId: string, since: Date, actorId: string): Promise<number> {
    return this.drafter ? this.drafter.followRestore(manager, barrierId, since, actorId) : 0;
  }

  /** Letters that followed the barrier away and are still elsewhere; none without a letter module. */
  async lettersAway(barrierId: string): Promise<BarrierLetterAway[]> {
    return this.drafter ? this.drafter.lettersAway(barrierId) : [];
  }

  /** Each barrier's letters for its page; none without a letter module. */
  async lettersFor(barrierIds: readonly string[]): Promise<Map<string, BarrierLetterSummary[]>> {
    return this.drafter ? this.drafter.lettersOf(barrierIds) : new Map();
  }
}
