import { Column, Entity } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';

export const MAIL_STATUSES = ['pending', 'sending', 'sent', 'failed', 'kept'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/** Swedish labels for the admin page. */
export const MAIL_STATUS_LABELS: Record<MailStatus, string> = {
  pending: 'Väntar',
  sending: 'Skickas',
  sent: 'Skickat',
  failed: 'Misslyckades',
  kept: 'Sparat (ej skickat)',
};

/**
 * One e-mail, rendered when it was queued, or queued as `template` + `context` and rendered by the
 * worker when it is sent (subject, html and text are then filled in). `kept` means no SMTP server was configured in
 * development, so the mail is only readable on the admin page. `lastError` holds the SMTP
 * error only, never message content.
 */
@Entity('mail_outbox')
export class MailOutbox extends AppBaseEntity {
  @Column({ type: 'text', array: true })
  recipients: string[];

  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @Column({ type: 'text', nullable: true })
  html: string | null;

  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Column({ type: 'text' })
  template: string;

  /** What an unrendered mail's templates render with (never personal data of participants). */
  @Column({ type: 'jsonb', nullable: true })
  context: Record<string, unknown> | null;

  @Column({ type: 'text', default: 'pending' })
  status: MailStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz' })
  nextAttemptAt: Date;

  /** While "sending": when another worker may assume this one crashed and take the mail over. */
  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ type: 'text', nullable: true })
  messageId: string | null;

  @Column({ type: 'text', nullable: true })
  dedupeKey: string | null;
}
