import { Injectable, Logger } from '@nestjs/common';

/** What the letter module offers: create the draft skrivelse for a barrier, or bring its one draft up to date. */
export interface BarrierLetterDrafter {
  upsertDraftForBarrier(barrierId: string): Promise<unknown>;
  /** Several, each in its own transaction; the ones that failed, with the error. */
  upsertDraftsForBarriers(barrierIds: readonly string[]): Promise<Map<string, unknown>>;
}

/**
 * HOOK for the skrivelse (letter) module, src/modules/letter/: the patterns job calls `draftFor` for each
 * escalated barrier of interface problems. The letter module registers itself here
 * (`hook.register(letterService)` in its onModuleInit), so the barrier module needs no import of it
 * (the letter module reads barriers, so importing it back would make a cycle). Until one registers,
 * drafting is skipped and said so once in the log.
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
}
