import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { stockholmDate } from '../../common/calendar/working-days';
import { DerivedRedaction, holdsDerived, scrubDerivedJson, scrubDerivedText } from '../../common/pii/derived-text-redaction';
import { LETTER_TEXT_FIELDS, LetterStatus, LetterTextField } from './letter.constants';

/** A letter already sent (skickad or besvarad) that quotes the removed text: it left the system and is not rewritten. */
export interface SentLetterMention {
  id: string;
  status: LetterStatus;
  /** The recipient's first line ("Nationella rådet för finansiell samordning"). */
  recipient: string;
  referenceNumber: string | null;
  /** YYYY-MM-DD, Swedish time. */
  sentOn: string | null;
  path: string;
}

export interface LetterRedactionResult {
  /** Drafts and reviewed letters the text was taken out of. */
  changedLetters: number;
  sent: SentLetterMention[];
}

const COLUMN: Record<LetterTextField, string> = {
  recipient: 'recipient',
  subject: 'subject',
  summary: 'summary',
  evidence: 'evidence',
  consequences: 'consequences',
  triedLocally: 'tried_locally',
  interfaceRules: 'interface_rules',
  requestedAction: 'requested_action',
};

type LetterRow = Record<LetterTextField, string> & {
  id: string;
  status: LetterStatus;
  generated: unknown;
  evidence_snapshot: unknown;
  reference_number: string | null;
  sent_at: Date | null;
};

/**
 * "Ta bort personuppgift" in the letters, in the report redaction's transaction: every letter that quotes the report
 * (the report is in its evidence, or the letter belongs to one of the report's barriers). A letter still under way
 * (utkast, granskad) loses the text in its sections, its generated proposals and its evidence snapshot, keeps its
 * status, and its log says a personal data was removed (where, never what); its version moves on, so an editor open
 * on the old text is asked to compare before saving. A sent or answered letter, and every letter's log, is a record
 * of what left the system: those are not rewritten, only named, so whoever removed the text can act outside it.
 */
@Injectable()
export class LetterRedaction {
  constructor(private readonly clock: Clock) {}

  async redactReport(
    manager: EntityManager,
    deviationId: string,
    barrierIds: readonly string[],
    redactions: readonly DerivedRedaction[],
    actorId: string,
  ): Promise<LetterRedactionResult> {
    const rows = (await manager.query(
      `SELECT id, status, recipient, subject, summary, evidence, consequences, tried_locally AS "triedLocally",
              interface_rules AS "interfaceRules", requested_action AS "requestedAction", generated, evidence_snapshot,
              reference_number, sent_at
         FROM letter
        WHERE barrier_id = ANY($2::uuid[]) OR evidence_snapshot->'memberIds' ? $1::text
        ORDER BY created_at, id
        FOR UPDATE`,
      [deviationId, barrierIds],
    )) as LetterRow[];
    const now = this.clock.now();
    let changedLetters = 0;
    const sent: SentLetterMention[] = [];
    for (const row of rows) {
      if (row.status === 'skickad' || row.status === 'besvarad') {
        const quoted = LETTER_TEXT_FIELDS.some((field) => holdsDerived(row[field], redactions)) || holdsDerived(JSON.stringify(row.evidence_snapshot), redactions);
        if (quoted) sent.push(mention(row));
        continue;
      }
      const fields = LETTER_TEXT_FIELDS.filter((field) => scrubDerivedText(row[field], redactions) !== row[field]);
      // The proposals are scrubbed alike, so an untouched section still reads as generated and the next refresh may replace it.
      const generated = scrubDerivedJson(row.generated, redactions);
      const snapshot = scrubDerivedJson(row.evidence_snapshot, redactions);
      const jsonChanged = JSON.stringify(generated) !== JSON.stringify(row.generated) || JSON.stringify(snapshot) !== JSON.stringify(row.evidence_snapshot);
      if (fields.length === 0 && !jsonChanged) continue;
      const sets = fields.map((field, i) => `${COLUMN[field]} = $${i + 5}`);
      await manager.query(
        `UPDATE letter SET ${[...sets, 'generated = $2', 'evidence_snapshot = $3', 'updated_at = $4', 'version = version + 1'].join(', ')} WHERE id = $1`,
        [row.id, JSON.stringify(generated), JSON.stringify(snapshot), now, ...fields.map((field) => scrubDerivedText(row[field], redactions))],
      );
      await manager.query(`INSERT INTO letter_event (letter_id, actor_id, kind, before, after, created_at) VALUES ($1, $2, 'personal_data_removed', NULL, $3, $4)`, [
        row.id,
        actorId,
        JSON.stringify({ fields, evidence: jsonChanged, deviationId }),
        now,
      ]);
      changedLetters++;
    }
    return { changedLetters, sent };
  }

  /** The sent letters a redaction named (by id), as the report page tells of them afterwards. */
  async sentLetters(manager: EntityManager, ids: readonly string[]): Promise<SentLetterMention[]> {
    if (ids.length === 0) return [];
    const rows = (await manager.query(
      `SELECT id, status, recipient, reference_number, sent_at FROM letter WHERE id = ANY($1::uuid[]) AND status IN ('skickad', 'besvarad') ORDER BY sent_at, id`,
      [ids],
    )) as LetterRow[];
    return rows.map(mention);
  }
}

function mention(row: Pick<LetterRow, 'id' | 'status' | 'recipient' | 'reference_number' | 'sent_at'>): SentLetterMention {
  return {
    id: row.id,
    status: row.status,
    recipient: row.recipient.split('\n')[0].trim(),
    referenceNumber: row.reference_number,
    sentOn: row.sent_at ? stockholmDate(row.sent_at) : null,
    path: `/skrivelser/${row.id}`,
  };
}
