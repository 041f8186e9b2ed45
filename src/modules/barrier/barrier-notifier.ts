import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MailOutboxService } from '../mail/mail-outbox.service';
import { swedishList } from '../../common/text/swedish-list';
import { barrierDisplayName } from './barrier-wording';

export interface EscalatedBarrierMail {
  id: string;
  name: string;
  reason: string;
  /**
   * The kommuner within the escalation window, as the reason counts them, or null when leads' marks alone escalated
   * it. The subject says this number, with the window, so it agrees with the reason; the barrier's kommuner over
   * its whole period (`municipalities`) are said as such in the text.
   */
  windowMunicipalityCount: number | null;
  windowMonths: number;
  memberCount: number;
  municipalities: string[];
  subprojectCount: number;
}

/** The analysts hear of an escalated barrier once (dedupe key per barrier), in the escalation's transaction. */
@Injectable()
export class BarrierNotifier {
  private readonly logger = new Logger('Hinder');

  constructor(private readonly mail: MailOutboxService) {}

  /** One mail per barrier to every active analyst; the analysts are read once for all of them. */
  async escalated(manager: EntityManager, barriers: readonly EscalatedBarrierMail[]): Promise<void> {
    if (barriers.length === 0) return;
    const analysts = (await manager.query(`SELECT email FROM app_user WHERE role = 'analyst' AND active ORDER BY email`)) as Array<{ email: string }>;
    if (analysts.length === 0) {
      this.logger.warn(`Ingen aktiv verksamhetsutvecklare fick mejl om ${barriers.length === 1 ? 'det eskalerade hindret' : 'de eskalerade hindren'} ${barriers.map((b) => b.id).join(', ')}.`);
      return;
    }
    for (const barrier of barriers) {
      await this.mail.enqueue(
        {
          to: analysts.map((analyst) => analyst.email),
          template: 'barrier-escalated',
          context: {
            name: barrierDisplayName(barrier.name),
            reason: barrier.reason,
            windowMunicipalityCount: barrier.windowMunicipalityCount,
            windowMonths: barrier.windowMonths,
            memberCount: barrier.memberCount,
            municipalityCount: barrier.municipalities.length,
            municipalityList: swedishList(barrier.municipalities),
            subprojectCount: barrier.subprojectCount,
            path: `/hinder/${barrier.id}`,
          },
          dedupeKey: `barrier-escalated:${barrier.id}`,
        },
        manager,
      );
    }
  }
}
