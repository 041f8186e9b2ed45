import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { AppConfigService } from '../../config/app-config.service';
import { MAIL_MAX_ATTEMPTS, mailBackoffMs } from './mail-backoff';
import { MailOutboxService, RenderedMail } from './mail-outbox.service';
import { MailTransport } from './mail-transport';

export interface MailPassResult {
  sent: number;
  /** Failed this time, will be tried again later. */
  retrying: number;
  /** Failed for the last time: status "failed". */
  failed: number;
  /** No SMTP server in development/test: stored for reading on /admin/utskick. */
  kept: number;
}

interface ClaimedMail {
  id: string;
  recipients: string[];
  template: string;
  context: Record<string, unknown> | null;
  subject: string | null;
  html: string | null;
  text: string | null;
  attempts: number;
}

const BATCH_SIZE = 20;
/** Without SMTP (development) mails are only rendered and kept, so bigger batches are cheap. */
const KEEP_BATCH_SIZE = 500;
/** Batches per pass, so one pass ends even if mail keeps arriving. */
const MAX_BATCHES_PER_PASS = 50;
/** A mail "sending" longer than this is assumed orphaned by a crashed instance and taken over. */
export const MAIL_LEASE_MS = 5 * 60_000;
const MAX_ERROR_LENGTH = 500;

/** The SMTP error only: code, server response, message. Never the mail itself. */
export function describeSmtpError(error: unknown): string {
  // Duck-typed: errors from Node's socket layer need not be `instanceof` this realm's Error.
  if (error === null || typeof error !== 'object' || typeof (error as { message?: unknown }).message !== 'string') return 'Okänt fel';
  const details = error as { message: string; code?: unknown };
  const code = typeof details.code === 'string' ? `${details.code}: ` : '';
  return `${code}${details.message}`.replace(/\s+/g, ' ').slice(0, MAX_ERROR_LENGTH);
}

/**
 * Sends the outbox. Each pass claims due mails with FOR UPDATE SKIP LOCKED and a lease, so any
 * number of app instances can run it without sending a mail twice; a mail whose sender crashed
 * is taken over when the lease runs out. Runs on a timer only when SCHEDULER_ENABLED is 'true';
 * tests and the CLI call processDueNow().
 */
@Injectable()
export class MailOutboxWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Epost');
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private current: Promise<MailPassResult> | null = null;
  private warnedUnconfigured = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
    private readonly outbox: MailOutboxService,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.env.SCHEDULER_ENABLED !== 'true') return;
    this.running = true;
    this.schedule();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current?.catch(() => undefined);
  }

  /** One pass over every due mail. Concurrent calls in one process share the same pass. */
  processDueNow(): Promise<MailPassResult> {
    if (!this.current) {
      this.current = this.pass().finally(() => {
        this.current = null;
      });
    }
    return this.current;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.processDueNow()
        .catch((error: unknown) => this.logger.error(`Utskicket av e-post misslyckades: ${describeSmtpError(error)}`))
        .finally(() => this.schedule());
    }, this.config.env.OUTBOX_POLL_MS);
    this.timer.unref();
  }

  private async pass(): Promise<MailPassResult> {
    const result: MailPassResult = { sent: 0, retrying: 0, failed: 0, kept: 0 };
    if (!this.transport.configured) {
      if (this.config.isProduction) {
        if (!this.warnedUnconfigured) {
          this.logger.warn('SMTP_URL är inte satt: e-post väntar i utkorgen och skickas när SMTP_URL har satts och appen startats om.');
          this.warnedUnconfigured = true;
        }
        return result;
      }
      await this.keepPending(result);
      if (result.kept > 0) this.logger.log(`SMTP_URL är inte satt: ${result.kept} e-post sparades i stället för att skickas. Läs dem på /admin/utskick.`);
      return result;
    }
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch++) {
      const claimed = await this.claim();
      if (claimed.length === 0) break;
      await Promise.all(claimed.map((mail) => this.deliver(mail, result)));
      if (claimed.length < BATCH_SIZE) break;
    }
    if (result.retrying + result.failed > 0) {
      this.logger.warn(`E-post: ${result.sent} skickade, ${result.retrying} försöks igen senare, ${result.failed} misslyckades slutgiltigt.`);
    }
    return result;
  }

  /**
   * No SMTP in development: mails are kept for the admin page. Each is rendered once here, so a template
   * that cannot be filled in shows as failed at once, but only the status is written: the page renders a
   * kept mail from its template and context when someone opens it (MailOutboxService.content), and
   * writing every rendered mail back would double the database's work while reports are being filed.
   */
  private async keepPending(result: MailPassResult): Promise<void> {
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS; batch++) {
      const claimed = await this.claim(KEEP_BATCH_SIZE);
      const rendered: ClaimedMail[] = [];
      for (const mail of claimed) {
        if (await this.contentOf(mail)) rendered.push(mail);
      }
      if (rendered.length > 0) {
        await this.dataSource.query(
          `UPDATE mail_outbox m SET status = 'kept', locked_until = NULL, updated_at = $3
             FROM unnest($1::uuid[], $2::int[]) AS r(id, attempts)
            WHERE m.id = r.id AND m.status = 'sending' AND m.attempts = r.attempts`,
          [rendered.map((mail) => mail.id), rendered.map((mail) => mail.attempts), this.clock.now()],
        );
      }
      result.kept += rendered.length;
      result.failed += claimed.length - rendered.length;
      if (claimed.length < KEEP_BATCH_SIZE) break;
    }
  }

  /**
   * The mail's subject, html and text; a mail queued unrendered is rendered now. A mail whose template
   * cannot be rendered fails for good (retrying would not help) and null is returned.
   */
  private async contentOf(mail: ClaimedMail): Promise<RenderedMail | null> {
    if (mail.subject !== null && mail.html !== null && mail.text !== null) return { subject: mail.subject, html: mail.html, text: mail.text };
    try {
      return this.outbox.render(mail.template, mail.context ?? {});
    } catch (error) {
      const message = `Mallen ${mail.template} kunde inte fyllas i: ${describeSmtpError(error)}`;
      await this.dataSource.query(
        `UPDATE mail_outbox SET status = 'failed', locked_until = NULL, last_error = $3, updated_at = $4 WHERE id = $1 AND status = 'sending' AND attempts = $2`,
        [mail.id, mail.attempts, message.slice(0, MAX_ERROR_LENGTH), this.clock.now()],
      );
      this.logger.error(`E-post ${mail.id}: ${message}`);
      return null;
    }
  }

  private async claim(limit = BATCH_SIZE): Promise<ClaimedMail[]> {
    const now = this.clock.now();
    const [rows] = (await this.dataSource.query(
      `UPDATE mail_outbox m
          SET status = 'sending', attempts = m.attempts + 1, locked_until = $2, updated_at = $1
        WHERE m.id IN (
          SELECT id FROM mail_outbox
           WHERE (status = 'pending' AND next_attempt_at <= $1)
              OR (status = 'sending' AND locked_until <= $1)
           ORDER BY next_attempt_at, created_at
           LIMIT $3
           FOR UPDATE SKIP LOCKED)
        RETURNING m.id, m.recipients, m.template, m.context, m.subject, m.html, m.text, m.attempts`,
      [now, new Date(now.getTime() + MAIL_LEASE_MS), limit],
    )) as [ClaimedMail[], number];
    return rows;
  }

  private async deliver(mail: ClaimedMail, result: MailPassResult): Promise<void> {
    const content = await this.contentOf(mail);
    if (!content) {
      result.failed += 1;
      return;
    }
    try {
      const sent = await this.transport.send({ id: mail.id, to: mail.recipients, ...content });
      // `attempts` is the claim token: if the lease ran out and another instance took over, leave its row alone.
      // The rendered parts are kept, so the admin page shows what was sent.
      await this.dataSource.query(
        `UPDATE mail_outbox SET status = 'sent', sent_at = $3, message_id = $4, locked_until = NULL, last_error = NULL, updated_at = $3,
                subject = $5, html = $6, text = $7
          WHERE id = $1 AND status = 'sending' AND attempts = $2`,
        [mail.id, mail.attempts, this.clock.now(), sent.messageId, content.subject, content.html, content.text],
      );
      result.sent += 1;
    } catch (error) {
      const now = this.clock.now();
      const final = mail.attempts >= MAIL_MAX_ATTEMPTS;
      await this.dataSource.query(
        `UPDATE mail_outbox SET status = $3, next_attempt_at = $4, locked_until = NULL, last_error = $5, updated_at = $6
          WHERE id = $1 AND status = 'sending' AND attempts = $2`,
        [mail.id, mail.attempts, final ? 'failed' : 'pending', new Date(now.getTime() + mailBackoffMs(mail.attempts)), describeSmtpError(error), now],
      );
      if (final) {
        result.failed += 1;
        this.logger.error(`E-post ${mail.id} kunde inte skickas efter ${mail.attempts} försök: ${describeSmtpError(error)}`);
      } else {
        result.retrying += 1;
      }
    }
  }
}
