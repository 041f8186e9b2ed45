import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../../common/auth/auth-user';
import { PiiExcerpt, piiExcerpts } from '../../common/pii/pii-excerpt';
import { createFinding, PiiFinding } from '../../common/pii/pii-finding';
import { Clock } from '../../common/clock/clock';
import { ForbiddenError, NotFoundError, ValidationFailedError } from '../../common/errors/domain-error';
import { BarrierRedaction } from '../barrier/barrier-redaction.service';
import { LetterRedaction, SentLetterMention } from '../letter/letter-redaction.service';
import { canRead, canRedact } from './deviation-access';
import {
  REDACTABLE_FIELDS,
  RedactableField,
  RedactionChoice,
  redactionChoices,
  RedactableTexts,
  Redaction,
  REDACTED_FIELD_PHRASES,
  RedactionPlace,
  RedactionPreview,
  redactionPreviewSummary,
  maskedForChoice,
  occurrencesOf,
  pastedTextRefusal,
  REDACTION_PLACEHOLDER,
  REDACTION_TEXT_MAX,
  redactionForChoice,
  RedactionRecord,
  replaceInHtml,
  replaceInJson,
  replaceText,
  wordAround,
} from './deviation-redaction';
import { DeviationStatus } from './deviation-workflow';

/** The string values in a JSON value (an event's before and after), where a lead's comment or resolution is kept. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}

/** "Text 2: " before a problem when the API sent several texts, so the caller knows which. */
function numbered(index: number, count: number): string {
  return count > 1 ? `Text ${index + 1}: ` : '';
}

/** Quotes a confirmation shows at most: enough to see which sense of the text is meant. */
const PREVIEW_QUOTES_MAX = 6;

/** Thrown to roll a preview's transaction back. */
class PreviewRollback extends Error {}

/** What the confirmation showed, posted back with it: the redaction is refused if it would now change other places. */
function previewDigest(preview: RedactionPreview): string {
  return createHash('sha256').update(JSON.stringify(preview)).digest('base64url').slice(0, 16);
}

/** A preview, its sentence, its quotes and the digest the confirmation posts back. */
export interface RedactionPreviewResult {
  preview: RedactionPreview;
  summary: string;
  quotes: PiiExcerpt[];
  digest: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the lead asked to remove: findings ticked on the page, and/or a text pasted as it stands (the API: several). */
export interface RedactionInput {
  choices?: string[];
  text?: string;
  /** The API's texts; a problem is told at `texts`, numbered when there are several. */
  texts?: string[];
  /** The digest of the preview the lead confirmed (RedactionPreviewResult.digest). */
  expected?: string;
  /** Where the request came from, for what a stale choice's message tells to do: 'page' (default) or 'api'. */
  via?: 'page' | 'api';
}

/** What a redaction did: where it took the text out, and the sent letters it could not (they left the system). */
export interface RedactionOutcome {
  record: RedactionRecord;
  mails: number;
  /** Barriers whose name, terms, reasons or model lost the text. */
  barriers: number;
  /** Letters under way (utkast, granskad) the text was taken out of. */
  letters: number;
  sentLetters: SentLetterMention[];
}

interface ReportRow extends Record<RedactableField, string | null> {
  id: string;
  subproject_id: string;
  reporter_id: string | null;
  reporter_email: string | null;
  status: DeviationStatus;
}

interface MailRow {
  id: string;
  subject: string | null;
  html: string | null;
  text: string | null;
  context: unknown;
}

/**
 * "Ta bort personuppgift": takes a text out of a stored report everywhere this system keeps it, in one transaction:
 * the report's texts, its comments, its audit log (the one UPDATE the log allows, see migration 1763900001900), and
 * the stored copies of its mails (those not yet sent then go out without it). The timeline records that personal data
 * was removed, from where and by whom, never what. Nothing about the text is logged.
 *
 * Then what other modules made of the report's words, in the same transaction: its barriers' names, terms, reasons
 * and the engine's models (BarrierRedaction, which also requests a full run), and letters under way that quote it
 * (LetterRedaction). Not rewritten: letters already sent and every letter's log, mails already sent: they left the
 * system; the sent letters that quote the text are named in the outcome, so whoever removed it can act outside.
 */
@Injectable()
export class DeviationRedactionService {
  private readonly logger = new Logger('Avvikelser');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly barriers: BarrierRedaction,
    private readonly letters: LetterRedaction,
  ) {}

  /** Makes the redaction. With `input.expected` (the digest a preview showed), refused if it would now change other places. */
  async redact(user: AuthUser, id: string, input: RedactionInput): Promise<RedactionOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const { outcome, preview } = await this.run(manager, user, id, input, false);
      if (input.expected !== undefined && input.expected !== previewDigest(preview)) {
        // Thrown inside the transaction: nothing is kept.
        throw new ValidationFailedError([
          { field: 'text', message: 'Avvikelsen har ändrats sedan du såg vad som skulle tas bort. Kontrollera igen innan du tar bort.' },
        ]);
      }
      return outcome;
    });
  }

  /**
   * What the redaction would change (counts and places, and quotes of the pasted texts in the report), without
   * changing anything: the same work as redact() in a transaction that is rolled back, so the count is what it does.
   */
  async preview(user: AuthUser, id: string, input: RedactionInput): Promise<RedactionPreviewResult> {
    let result: RedactionPreviewResult | null = null;
    try {
      await this.dataSource.transaction(async (manager) => {
        const { preview, quotes } = await this.run(manager, user, id, input, true);
        result = { preview, quotes, summary: redactionPreviewSummary(preview), digest: previewDigest(preview) };
        throw new PreviewRollback();
      });
    } catch (error) {
      if (!(error instanceof PreviewRollback)) throw error;
    }
    if (result === null) throw new Error('Förhandsvisningen gav inget resultat.');
    return result;
  }

  private async run(
    manager: EntityManager,
    user: AuthUser,
    id: string,
    input: RedactionInput,
    dryRun: boolean,
  ): Promise<{ outcome: RedactionOutcome; preview: RedactionPreview; quotes: PiiExcerpt[] }> {
    const row = await this.load(manager, user, id);
    const texts: RedactableTexts = Object.fromEntries(REDACTABLE_FIELDS.map((field) => [field, row[field]]));
    const comments = (await manager.query(`SELECT id, body FROM deviation_comment WHERE deviation_id = $1 ORDER BY created_at, id FOR UPDATE`, [row.id])) as Array<{
      id: string;
      body: string;
    }>;
    const logged = (await manager.query(`SELECT before, after FROM deviation_event WHERE deviation_id = $1`, [row.id])) as Array<{ before: unknown; after: unknown }>;
    const redactions = this.redactionsFor(input, texts, [...comments.map((c) => c.body), ...logged.flatMap((e) => [...stringsIn(e.before), ...stringsIn(e.after)])], row.reporter_email);

    // Counted before anything is replaced: each text's occurrences, one redaction after the other as they are made.
    const places: RedactionPlace[] = [];
    let occurrences = 0;
    for (const field of REDACTABLE_FIELDS) {
      let value = texts[field];
      if (typeof value !== 'string') continue;
      let count = 0;
      for (const r of redactions) {
        count += occurrencesOf(value, r.needle);
        value = replaceText(value, r.needle, r.placeholder);
      }
      if (count > 0) places.push({ place: REDACTED_FIELD_PHRASES[field], count });
      occurrences += count;
    }
    let commentCount = 0;
    let inComments = 0;
    for (const comment of comments) {
      let body = comment.body;
      let count = 0;
      for (const r of redactions) {
        count += occurrencesOf(body, r.needle);
        body = replaceText(body, r.needle, r.placeholder);
      }
      if (count > 0) commentCount++;
      inComments += count;
    }
    if (inComments > 0) places.push({ place: commentCount === 1 ? 'en kommentar' : `${commentCount} kommentarer`, count: inComments });
    occurrences += inComments;
    const quotes = dryRun ? this.quotesOf(input, redactions, texts, comments.map((c) => c.body)) : [];

    // The report's texts and comments.
    const changedFields: RedactableField[] = [];
    const next: RedactableTexts = { ...texts };
    for (const field of REDACTABLE_FIELDS) {
      let value = next[field];
      if (typeof value !== 'string') continue;
      for (const r of redactions) value = replaceText(value, r.needle, r.placeholder);
      if (value !== next[field]) changedFields.push(field);
      next[field] = value;
    }
    const changedComments: Array<{ id: string; body: string }> = [];
    for (const comment of comments) {
      let body = comment.body;
      for (const r of redactions) body = replaceText(body, r.needle, r.placeholder);
      if (body !== comment.body) changedComments.push({ id: comment.id, body });
    }
    const now = this.clock.now();
    if (changedFields.length > 0) {
      await manager.query(
        `UPDATE deviation SET title = $2, description = $3, consequence = $4, tried = $5, resolution = $6, updated_at = $7 WHERE id = $1`,
        [row.id, next.title, next.description, next.consequence, next.tried, next.resolution, now],
      );
    }
    for (const comment of changedComments) {
      await manager.query(`UPDATE deviation_comment SET body = $2, updated_at = $3 WHERE id = $1`, [comment.id, comment.body, now]);
    }

    // The audit log: status comments, resolutions and reasons for a move are stored there too.
    let events = 0;
    for (const r of redactions) {
      const [changed] = (await manager.query(`SELECT deviation_event_redact($1, $2, $3) AS n`, [row.id, r.needle, r.placeholder])) as Array<{ n: number }>;
      events += changed.n;
    }

    const mails = await this.redactMails(manager, row.id, redactions, now);
    // After the report's own texts: which of the text's words its barrier's reports still hold is read from them as they are now.
    const barriers = await this.barriers.redactReport(manager, row.id, redactions);
    const letters = await this.letters.redactReport(manager, row.id, barriers.barrierIds, barriers.derived, user.id);
    const record: RedactionRecord = {
      fields: changedFields,
      comments: changedComments.length,
      log: events > 0,
      barriers: barriers.changedBarriers,
      letters: letters.changedLetters,
      sentLetters: letters.sent.map((letter) => letter.id),
    };
    const preview: RedactionPreview = {
      occurrences,
      places,
      log: events,
      mails,
      barriers: barriers.changedBarriers,
      barrierNames: barriers.changedNames,
      letters: letters.changedLetters,
      sentLetters: letters.sent.length,
    };
    const outcome: RedactionOutcome = { record, mails, barriers: barriers.changedBarriers, letters: letters.changedLetters, sentLetters: letters.sent };
    if (dryRun) return { outcome, preview, quotes };
    await manager.query(
      `INSERT INTO deviation_event (deviation_id, actor_id, kind, before, after, created_at) VALUES ($1, $2, 'personal_data_removed', NULL, $3, $4)`,
      [row.id, user.id, JSON.stringify(record), now],
    );
    // How many places, never what.
    this.logger.log(
      `Personuppgift borttagen ur en avvikelse: ${changedFields.length} fält, ${changedComments.length} kommentarer, ${events} händelser, ${mails} e-post, ` +
        `${barriers.changedBarriers} hinder, ${letters.changedLetters} skrivelser under arbete, ${letters.sent.length} skickade skrivelser orörda`,
    );
    return { outcome, preview, quotes };
  }

  /**
   * The pasted texts where they stand in the report's texts and comments, a few words either side, marked: what the
   * lead already reads on the page. A finding ticked among the choices is masked in them, as the choices show it.
   */
  private quotesOf(input: RedactionInput, redactions: readonly Redaction[], texts: RedactableTexts, comments: readonly string[]): PiiExcerpt[] {
    const pasted = new Set([...(input.texts ?? []), input.text ?? ''].map((raw) => raw.replace(/\r\n?/g, '\n').trim()).filter((t) => t !== ''));
    const chosen = redactions.filter((r) => !pasted.has(r.needle));
    const quotes: PiiExcerpt[] = [];
    const sources = [...REDACTABLE_FIELDS.map((field) => texts[field]).filter((v): v is string => typeof v === 'string'), ...comments];
    for (const source of sources) {
      let text = source;
      for (const r of chosen) text = replaceText(text, r.needle, maskedForChoice(r.needle));
      const found: PiiFinding[] = [];
      for (const needle of pasted) {
        for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) found.push(createFinding('namn', at, at + needle.length));
      }
      quotes.push(...piiExcerpts(text, found));
      if (quotes.length >= PREVIEW_QUOTES_MAX) break;
    }
    return quotes.slice(0, PREVIEW_QUOTES_MAX);
  }

  /**
   * The sent letters the user's latest redaction of this report found the text in, for the page's notice after it
   * (read from the redaction's event: the page is not told the text).
   */
  async lastSentLetters(user: AuthUser, id: string): Promise<SentLetterMention[]> {
    if (!UUID.test(id)) return [];
    const rows = (await this.dataSource.query(
      `SELECT after FROM deviation_event WHERE deviation_id = $1 AND kind = 'personal_data_removed' AND actor_id = $2 ORDER BY id DESC LIMIT 1`,
      [id, user.id],
    )) as Array<{ after: Partial<RedactionRecord> | null }>;
    const ids = rows[0]?.after?.sentLetters;
    return Array.isArray(ids) ? this.letters.sentLetters(this.dataSource.manager, ids.filter((v): v is string => typeof v === 'string' && UUID.test(v))) : [];
  }

  /** What the report's texts hold that looks like personal data, as the page offers it (the API's GET …/redactions). */
  async choices(user: AuthUser, id: string): Promise<RedactionChoice[]> {
    const row = await this.load(this.dataSource.manager, user, id, false);
    return redactionChoices(row, { ignoredEmailAddresses: row.reporter_email ? [row.reporter_email] : [] });
  }

  /** The report (locked for the change); 404 for one the user may not see, 403 for one they see but may not redact. */
  private async load(manager: EntityManager, user: AuthUser, id: string, lock = true): Promise<ReportRow> {
    if (!UUID.test(id)) throw new NotFoundError('Avvikelsen');
    const rows = (await manager.query(
      `SELECT id, subproject_id, reporter_id, reporter_email, status, title, description, consequence, tried, resolution
         FROM deviation WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    )) as ReportRow[];
    const row = rows[0];
    const facts = row && { subprojectId: row.subproject_id, reporterId: row.reporter_id, reporterEmail: row.reporter_email, status: row.status };
    if (!row || !canRead(user, facts)) throw new NotFoundError('Avvikelsen');
    if (!canRedact(user, facts)) {
      throw new ForbiddenError('Bara delprojektledare i delprojektet som äger avvikelsen, verksamhetsutvecklare och administratörer kan ta bort personuppgifter ur den.');
    }
    return row;
  }

  /** The texts to replace, checked against the report as it is now; a ValidationFailedError says what to fix. */
  private redactionsFor(input: RedactionInput, texts: RedactableTexts, elsewhere: string[], reporterEmail: string | null): Redaction[] {
    const options = { ignoredEmailAddresses: reporterEmail ? [reporterEmail] : [] };
    const redactions: Redaction[] = [];
    const api = input.via === 'api';
    for (const choice of input.choices ?? []) {
      const redaction = redactionForChoice(texts, choice, options);
      if (!redaction) {
        const message = api
          ? 'Fyndet finns inte i avvikelsen som den är nu (den har ändrats, eller värdet är fel). Hämta fynden igen med GET /api/deviations/:id/redactions och skicka ett av deras value.'
          : 'Avvikelsen har ändrats sedan sidan visades. Välj igen bland det som visas nu.';
        throw new ValidationFailedError([{ field: 'choices', message }]);
      }
      if (!redactions.some((r) => r.needle === redaction.needle)) redactions.push(redaction);
    }
    const pastedTexts = api ? (input.texts ?? []) : [input.text ?? ''];
    const field = api ? 'texts' : 'text';
    for (const [index, raw] of pastedTexts.entries()) {
      const pasted = raw.replace(/\r\n?/g, '\n').trim();
      if (pasted === '') {
        if (api) throw new ValidationFailedError([{ field, message: `${numbered(index, pastedTexts.length)}Texten är tom. Ange texten som ska tas bort, eller ta bort den ur listan.` }]);
        continue;
      }
      const problem = this.pastedProblem(pasted, texts, elsewhere);
      // The page's words are for pasting; an API caller sends the text.
      if (problem) throw new ValidationFailedError([{ field, message: `${numbered(index, pastedTexts.length)}${api ? problem.replace(/Klistra in/g, 'Ange') : problem}` }]);
      if (!redactions.some((r) => r.needle === pasted)) redactions.push({ needle: pasted, placeholder: REDACTION_PLACEHOLDER });
    }
    if (redactions.length === 0) {
      const message = api
        ? 'Ange texten som ska tas bort (texts) eller fynden (choices, från GET /api/deviations/:id/redactions).'
        : 'Kryssa i det som ska bort, eller klistra in texten som ska tas bort.';
      throw new ValidationFailedError([{ field, message }]);
    }
    return redactions;
  }

  /** `elsewhere`: the comments, and the texts kept in the log (status comments, resolutions, reasons for a move). */
  private pastedProblem(pasted: string, texts: RedactableTexts, elsewhere: string[]): string | null {
    if (pasted.length < 2) return 'Skriv minst två tecken, t.ex. hela namnet eller numret.';
    if (pasted.length > REDACTION_TEXT_MAX) return `Texten får vara högst ${REDACTION_TEXT_MAX} tecken. Ta bort en uppgift i taget, t.ex. ett namn eller ett nummer.`;
    if (/^\[[^\]]*bortt\p{L}*\]$/u.test(pasted) || REDACTION_PLACEHOLDER.includes(pasted)) return 'Det är en platshållare för något som redan är borttaget. Klistra in texten som ska bort.';
    const refusal = pastedTextRefusal(pasted);
    if (refusal) return refusal;
    const all = [...REDACTABLE_FIELDS.map((field) => texts[field]).filter((v): v is string => typeof v === 'string'), ...elsewhere];
    if (!all.some((text) => text.includes(pasted))) {
      return 'Texten finns inte i avvikelsen. Klistra in den exakt som den står, med samma stora och små bokstäver.';
    }
    for (const text of all) {
      const word = wordAround(text, pasted);
      // The pasted text goes back only to the browser that sent it, in the same answer.
      if (word) return `Texten står också inuti ordet ”${word}”, som då också skulle ändras. Klistra in mer av texten runt omkring, t.ex. hela namnet.`;
    }
    return null;
  }

  /**
   * The stored mails about this report (rendered, or queued as template and context): each copy the text is in. A mail
   * not yet sent then goes out without it; the stored copy of a sent one no longer holds it.
   */
  private async redactMails(manager: EntityManager, deviationId: string, redactions: Redaction[], now: Date): Promise<number> {
    // About the report, or about the barrier it belongs to, whose generated name is made of its reports' words.
    const rows = (await manager.query(
      `WITH about AS (
         SELECT $1::text AS id UNION ALL SELECT barrier_id::text FROM barrier_member WHERE deviation_id = $1::uuid
       )
       SELECT m.id, m.subject, m.html, m.text, m.context FROM mail_outbox m
        WHERE EXISTS (SELECT 1 FROM about a
                       WHERE strpos(coalesce(m.dedupe_key, ''), a.id) > 0 OR strpos(coalesce(m.context::text, ''), a.id) > 0
                          OR strpos(coalesce(m.html, ''), a.id) > 0 OR strpos(coalesce(m.text, ''), a.id) > 0)
        FOR UPDATE OF m`,
      [deviationId],
    )) as MailRow[];
    let changed = 0;
    for (const row of rows) {
      let { subject, html, text, context } = row;
      for (const r of redactions) {
        subject = subject === null ? null : replaceText(subject, r.needle, r.placeholder);
        html = html === null ? null : replaceInHtml(html, r.needle, r.placeholder);
        text = text === null ? null : replaceText(text, r.needle, r.placeholder);
        context = context === null ? null : replaceInJson(context, r.needle, r.placeholder);
      }
      if (subject === row.subject && html === row.html && text === row.text && JSON.stringify(context) === JSON.stringify(row.context)) continue;
      await manager.query(`UPDATE mail_outbox SET subject = $2, html = $3, text = $4, context = $5, updated_at = $6 WHERE id = $1`, [
        row.id,
        subject,
        html,
        text,
        context === null ? null : JSON.stringify(context),
        now,
      ]);
      changed++;
    }
    return changed;
  }
}
