import { Column, Entity } from 'typeorm';
import { AppBaseEntity } from '../../../database/base.entity';
import { ReminderKind } from './deviation-reminders';

/** One reminder about one overdue report: kind, the Swedish day it went out, and to how many people. */
@Entity('deviation_reminder')
export class DeviationReminder extends AppBaseEntity {
  @Column({ type: 'uuid' })
  deviationId: string;

  @Column({ type: 'text' })
  kind: ReminderKind;

  /** YYYY-MM-DD, Swedish date. */
  @Column({ type: 'date' })
  remindedOn: string;

  @Column({ type: 'integer' })
  daysOverdue: number;

  @Column({ type: 'integer' })
  recipientCount: number;
}
