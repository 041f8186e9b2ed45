import { Injectable, OnModuleDestroy } from '@nestjs/common';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { AppConfigService } from '../../config/app-config.service';

export interface OutgoingMail {
  /** The outbox row id: it becomes the Message-ID, so a resend after a crash can be recognised. */
  id: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
}

export interface SentMail {
  messageId: string;
}

const DEFAULT_SENDER_NAME = 'Avvikelser MIA';

/** "Namn <adress>" or a bare address; a bare address gets the Swedish sender name. */
export function parseSender(mailFrom: string): { name: string; address: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(mailFrom);
  if (match) return { name: match[1].trim() || DEFAULT_SENDER_NAME, address: match[2].trim() };
  return { name: DEFAULT_SENDER_NAME, address: mailFrom.trim() };
}

/**
 * The SMTP side effect, and nothing else: a pooled nodemailer transport built from SMTP_URL.
 * Only the MailOutboxWorker calls it. Without SMTP_URL it is "not configured" and sends nothing.
 */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private readonly transporter: Mail | null;
  private readonly sender: { name: string; address: string };

  constructor(config: AppConfigService) {
    this.sender = parseSender(config.env.MAIL_FROM);
    const url = config.env.SMTP_URL;
    this.transporter = url
      ? nodemailer.createTransport({
          url,
          pool: true,
          maxConnections: 3,
          // Well below the worker's lease, so a hung server fails the attempt instead of the lease.
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 30_000,
          // A mail whose connection drops is retried by the outbox with backoff, not by the pool at once.
          maxRequeues: 0,
        })
      : null;
  }

  get configured(): boolean {
    return this.transporter !== null;
  }

  async send(mail: OutgoingMail): Promise<SentMail> {
    if (!this.transporter) throw new Error('SMTP_URL är inte satt');
    const domain = this.sender.address.split('@')[1] ?? 'avvikelser.local';
    const messageId = `<${mail.id}@${domain}>`;
    await this.transporter.sendMail({
      from: this.sender,
      to: mail.to,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      messageId,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    return { messageId };
  }

  onModuleDestroy(): void {
    this.transporter?.close();
  }
}
