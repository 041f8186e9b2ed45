import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { MailOutboxService } from '../mail/mail-outbox.service';
import { swedishList } from './barrier-escalation';

export interface EscalatedBarrierMail {
  id: string;
  name: string;
  reason: string;
  memberCount: number;
  municipalities: string[];
  subprojectCount: number;
}

/** The analysts hear of an escalated barrier once (dedupe key per barrier), in the escalation's transaction. */
@Injectable()
export class BarrierNotifier {
  private readonly logger = new Logger('Hinder');

  constructor(private readonly mail: MailOutboxService) {}

  async escalated(manager: EntityManager, barrier: EscalatedBarrierMail): Promise<void> {
    const analysts = (await manager.query(`SELECT email FROM app_user WHERE role = 'analyst' AND active ORDER BY email`)) as Array<{ email: string }>;
    if (analysts.length === 0) {
      this.logger.warn(`Ingen aktiv verksamhetsutvecklare fick mejl om det eskalerade hindret ${barrier.id}.`);
      return;
    }
    await this.mail.enqueue(
      {
        to: analysts.map((analyst) => analyst.email),
        template: 'barrier-escalated',
        context: {
          name: barrier.name,
          reason: barrier.reason,
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
