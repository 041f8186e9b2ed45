import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { TemplateRenderer } from '../../common/templates/template-renderer';
import { AppConfigService } from '../../config/app-config.service';
import { MAIL_STATUSES, MailOutbox, MailStatus } from './mail-outbox.entity';

/**
 * A mail to queue. `template` names templates/mail/<template>.subject.njk, .html.njk and .txt.njk;
 * `context` is what they render with (`baseUrl` is added). Each address in `to` gets a message of its
 * own (one outbox row each), so recipients never see each other and one bouncing address does not hold
 * up the rest. `dedupeKey` makes a second enqueue of the same notice to the same address a no-op, e.g.
 * `deviation-new:<deviationId>` (stored as `deviation-new:<deviationId>:<address>`).
 * Never put a participant's personal data in the context: mails leave the system.
 */
export interface OutboxMessage {
  to: string[];
  template: string;
  context: object;
  dedupeKey?: string;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** The stored dedupe key of one recipient's copy of a notice. */
export function recipientDedupeKey(dedupeKey: string, address: string): string {
  return `${dedupeKey}:${address.trim().toLowerCase()}`;
}

/** Said where a mail cannot be sent for want of an e-mail server, with how to set one. */
export const NO_SMTP_MESSAGE =
  'Ingen e-postserver är inställd, så utskicket kan inte skickas. Sätt miljövariabeln SMTP_URL (t.ex. smtp://e-postserver:25 eller smtps://användare:lösenord@e-postserver:465) och starta om appen; sedan kan det skickas igen härifrån.';

const TEMPLATE_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/**
 * The only way to send e-mail: `enqueue` renders the mail and stores it in `mail_outbox`; the
 * MailOutboxWorker sends it later, with retries. Nothing is sent inside a request.
 *
 *   await this.mail.enqueue({ to: [lead.email], template: 'deviation-new', context: { … }, dedupeKey }, manager);
 *
 * Pass the EntityManager of your transaction so the mail is queued if and only if your change commits.
 */
@Injectable()
export class MailOutboxService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(MailOutbox) private readonly outbox: Repository<MailOutbox>,
    private readonly templates: TemplateRenderer,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
  ) {}

  async enqueue(message: OutboxMessage, manager?: EntityManager): Promise<void> {
    const recipients = [...new Set(message.to.map((address) => address.trim().toLowerCase()).filter((address) => address !== ''))];
    // Programming errors, not user errors: callers pass addresses from the user table.
    if (recipients.length === 0) throw new Error(`Mail ${message.template} has no recipients`);
    const invalid = recipients.filter((address) => !EMAIL.test(address));
    if (invalid.length > 0) throw new DomainError('mail_invalid_recipient', 'En mottagaradress är ogiltig.', 400);
    const rendered = this.render(message.template, message.context);
    const runner = manager ?? this.dataSource.manager;
    // One statement for all rows: without a caller transaction it is still all or nothing.
    const dedupeKeys = recipients.map((address) => (message.dedupeKey === undefined ? null : recipientDedupeKey(message.dedupeKey, address)));
    await runner.query(
      `INSERT INTO mail_outbox (recipients, subject, html, text, template, status, next_attempt_at, dedupe_key)
       SELECT ARRAY[r.address], $2, $3, $4, $5, 'pending', $6, r.dedupe_key
         FROM unnest($1::text[], $7::text[]) AS r(address, dedupe_key)
       ON CONFLICT (dedupe_key) DO NOTHING`,
      [recipients, rendered.subject, rendered.html, rendered.text, message.template, this.clock.now(), dedupeKeys],
    );
  }

  /** Renders a mail without queueing it (also used by enqueue). Throws if a template file is missing. */
  render(template: string, context: object): RenderedMail {
    if (!TEMPLATE_NAME.test(template)) throw new Error(`Invalid mail template name: ${template}`);
    for (const part of ['subject', 'html', 'txt']) {
      const file = `mail/${template}.${part}.njk`;
      if (!this.templates.exists(file)) throw new Error(`Mail template missing: templates/${file}`);
    }
    const data = { baseUrl: this.config.env.BASE_URL.replace(/\/+$/, ''), ...context };
    return {
      // A subject is one line; a stray newline would otherwise break the header.
      subject: this.templates.renderText(`mail/${template}.subject.njk`, data).replace(/\s+/g, ' ').trim(),
      html: this.templates.render(`mail/${template}.html.njk`, data),
      text: `${this.templates.renderText(`mail/${template}.txt.njk`, data).trim()}\n`,
    };
  }

  /**
   * What a stored mail says: its rendered parts, or, for a mail queued unrendered, rendered now. A mail
   * whose template cannot be filled in (it failed for that reason) says so instead of breaking the page
   * that lists it.
   */
  content(mail: Pick<MailOutbox, 'template' | 'context' | 'subject' | 'html' | 'text'>): RenderedMail {
    if (mail.subject !== null && mail.html !== null && mail.text !== null) return { subject: mail.subject, html: mail.html, text: mail.text };
    try {
      return this.render(mail.template, mail.context ?? {});
    } catch {
      const note = `(Mallen ${mail.template} kunde inte fyllas i; se felet)`;
      return { subject: note, html: `<p>${note.replace(/[<>&"]/g, '')}</p>`, text: `${note}\n` };
    }
  }

  /** For admins: failed mails first, then the newest. */
  async list(options: { status?: MailStatus; limit?: number } = {}): Promise<MailOutbox[]> {
    const query = this.outbox
      .createQueryBuilder('m')
      .orderBy(`CASE WHEN m.status = 'failed' THEN 0 ELSE 1 END`, 'ASC')
      .addOrderBy('m.created_at', 'DESC')
      .limit(Math.min(Math.max(options.limit ?? 200, 1), 1000));
    if (options.status) query.where('m.status = :status', { status: options.status });
    return query.getMany();
  }

  async countByStatus(): Promise<Record<MailStatus, number>> {
    const rows = (await this.dataSource.query(`SELECT status, count(*)::int AS count FROM mail_outbox GROUP BY status`)) as Array<{
      status: MailStatus;
      count: number;
    }>;
    const counts = Object.fromEntries(MAIL_STATUSES.map((status) => [status, 0])) as Record<MailStatus, number>;
    for (const row of rows) counts[row.status] = row.count;
    return counts;
  }

  async get(id: string): Promise<MailOutbox> {
    const mail = await this.outbox.findOneBy({ id });
    if (!mail) throw new NotFoundError('Utskicket');
    return mail;
  }

  /** Whether an e-mail server is set (SMTP_URL): without one nothing is sent, whatever the outbox says. */
  get smtpConfigured(): boolean {
    return Boolean(this.config.env.SMTP_URL);
  }

  /**
   * An admin sends a failed (or kept) mail again: a fresh round of attempts, due now. Refused while no e-mail server is
   * set: the mail would only be kept again at once (or wait in production), so "sent again" would not be true.
   */
  async retry(id: string): Promise<MailOutbox> {
    if (!this.smtpConfigured) {
      await this.get(id);
      throw new DomainError('mail_no_smtp', NO_SMTP_MESSAGE, 409);
    }
    const now = this.clock.now();
    const [, affected] = (await this.dataSource.query(
      `UPDATE mail_outbox SET status = 'pending', attempts = 0, next_attempt_at = $2, locked_until = NULL, updated_at = $2
        WHERE id = $1 AND status IN ('failed', 'kept')`,
      [id, now],
    )) as [unknown[], number];
    if (affected === 0) {
      await this.get(id);
      throw new DomainError('mail_not_retryable', 'Bara utskick som misslyckats eller sparats kan skickas igen.', 409);
    }
    return this.get(id);
  }
}
