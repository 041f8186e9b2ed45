import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { candidateStrings, DerivedRedaction, holdsDerived, scrubDerivedJson, scrubDerivedText, wholeWordsPattern, wordsOf } from '../../common/pii/derived-text-redaction';
import { BarrierStore } from './barrier-store';
import { stemSwedish } from './engine/swedish-stemmer';

/** A text taken out of a report (the report's own redaction: the text and its placeholder). */
export interface ReportRedaction {
  readonly needle: string;
  readonly placeholder: string;
}

export interface BarrierRedactionResult {
  /** The barriers the report is or was in (member, moved out of it, merged into one of those), whose texts were searched. */
  barrierIds: string[];
  /** How many of them had a text changed (name, terms, reason for escalation, members' reasons or model). */
  changedBarriers: number;
  /** How many of them had their name changed (what the confirmation before a redaction names). */
  changedNames: number;
  /** What derived texts elsewhere (letters) should lose: each text, and its words no report of the barrier holds now. */
  derived: DerivedRedaction[];
}

interface BarrierTextRow {
  id: string;
  name: string;
  terms: string[];
  escalation_reason: string | null;
  model: unknown;
}

/**
 * "Ta bort personuppgift" in the barrier module's tables, in the report redaction's transaction (called after the
 * report's own texts are replaced). The barrier's generated name, its terms, its members' reasons and the engine's
 * stored models are made of its reports' words: the removed text, and each of its words that no report of the barrier
 * holds any more, is taken out of them now, so the analyst never sees it, and a full run is requested, which builds
 * them anew from the reports as they are. The report's cached language-model vector, made from its old text, is
 * dropped (the next run makes it again).
 */
@Injectable()
export class BarrierRedaction {
  constructor(
    private readonly store: BarrierStore,
    private readonly clock: Clock,
  ) {}

  async redactReport(manager: EntityManager, deviationId: string, redactions: readonly ReportRedaction[]): Promise<BarrierRedactionResult> {
    // The same lock as the analyst's changes: a run does not write old terms over these meanwhile.
    await this.store.lockState(manager);
    const now = this.clock.now();
    const barrierIds = await this.relatedBarriers(manager, deviationId);
    const derived = await this.withGoneWords(manager, deviationId, redactions);
    let changedBarriers = 0;
    let changedNames = 0;

    if (barrierIds.length > 0) {
      const candidates = candidateStrings(derived);
      // The model is searched with the words' stems too: its feature keys are stems ("t:qvarnqvist").
      const modelRedactions = withStems(derived);
      const rows = (await manager.query(`SELECT id, name, terms, escalation_reason, model FROM barrier WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [
        barrierIds,
      ])) as BarrierTextRow[];
      const changed = new Set<string>();
      for (const row of rows) {
        const name = scrubDerivedText(row.name, derived);
        // A term with the text in it is dropped rather than kept as a placeholder: terms name the barrier and its letter.
        const terms = row.terms.filter((term) => !holdsDerived(term, derived));
        const reason = row.escalation_reason === null ? null : scrubDerivedText(row.escalation_reason, derived);
        const model = row.model === null ? null : scrubDerivedJson(row.model, modelRedactions);
        if (name !== row.name) changedNames++;
        if (name === row.name && terms.length === row.terms.length && reason === row.escalation_reason && JSON.stringify(model) === JSON.stringify(row.model)) continue;
        await manager.query(`UPDATE barrier SET name = $2, terms = $3, escalation_reason = $4, model = $5, updated_at = $6 WHERE id = $1`, [
          row.id,
          name,
          terms,
          reason,
          model === null ? null : JSON.stringify(model),
          now,
        ]);
        changed.add(row.id);
      }
      // Members' reasons name the terms they share ("delar termerna: …"); only rows that may hold a word are read.
      const members = (await manager.query(
        `SELECT id, barrier_id, reason FROM barrier_member
          WHERE barrier_id = ANY($1::uuid[])
            AND EXISTS (SELECT 1 FROM unnest(reason) r, unnest($2::text[]) v WHERE strpos(r, v) > 0)
          FOR UPDATE`,
        [barrierIds, candidates],
      )) as Array<{ id: string; barrier_id: string; reason: string[] }>;
      for (const member of members) {
        const reason = member.reason.map((line) => scrubDerivedText(line, derived));
        if (reason.every((line, i) => line === member.reason[i])) continue;
        await manager.query(`UPDATE barrier_member SET reason = $2, updated_at = $3 WHERE id = $1`, [member.id, reason, now]);
        changed.add(member.barrier_id);
      }
      changedBarriers = changed.size;
    }

    await this.redactEngineState(manager, derived, now);
    await manager.query(`DELETE FROM deviation_embedding WHERE deviation_id = $1`, [deviationId]);
    await this.store.requestFullRun(manager);
    return { barrierIds, changedBarriers, changedNames, derived };
  }

  /** The report's barrier, those it was moved out of, and every barrier merged (at any remove) into one of them. */
  private async relatedBarriers(manager: EntityManager, deviationId: string): Promise<string[]> {
    const rows = (await manager.query(
      `WITH RECURSIVE seed AS (
         SELECT barrier_id AS id FROM barrier_member WHERE deviation_id = $1
         UNION SELECT barrier_id FROM barrier_exclusion WHERE deviation_id = $1
       ), related AS (
         SELECT id FROM seed
         UNION SELECT b.id FROM barrier b JOIN related r ON b.merged_into_id = r.id
       )
       SELECT id FROM related ORDER BY id`,
      [deviationId],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  /**
   * Each redaction with the words of its text that neither this report (as it is now) nor any other report of its
   * barrier holds: "Qvarnqvist" of "Familjen Qvarnqvist" goes from the terms, "familjen" stays while other reports say it.
   */
  private async withGoneWords(manager: EntityManager, deviationId: string, redactions: readonly ReportRedaction[]): Promise<DerivedRedaction[]> {
    const result: DerivedRedaction[] = [];
    for (const redaction of redactions) {
      const words = wordsOf(redaction.needle);
      if (words.length === 0) {
        result.push({ ...redaction, words: [] });
        continue;
      }
      const candidates = candidateStrings([{ needle: '', placeholder: '', words }]);
      // Candidates by strpos over the texts the engine and the letters read; the exact whole-word test is below.
      const rows = (await manager.query(
        `WITH reports AS (
           SELECT $1::uuid AS id
           UNION SELECT m.deviation_id FROM barrier_member m WHERE m.barrier_id IN (SELECT barrier_id FROM barrier_member WHERE deviation_id = $1)
         )
         SELECT concat_ws(' ', d.title, d.description, d.consequence, d.tried, d.resolution) AS text
           FROM reports r JOIN deviation d ON d.id = r.id
          WHERE EXISTS (SELECT 1 FROM unnest($2::text[]) v
                         WHERE strpos(concat_ws(' ', d.title, d.description, d.consequence, d.tried, d.resolution), v) > 0)`,
        [deviationId, candidates],
      )) as Array<{ text: string }>;
      const gone = words.filter((word) => {
        const pattern = wholeWordsPattern(word);
        return pattern !== null && !rows.some((row) => new RegExp(pattern.source, 'iu').test(row.text));
      });
      result.push({ ...redaction, words: gone });
    }
    return result;
  }

  /** The engine's corpus-wide model (vocabulary and feature frequencies) loses the text and its words as well. */
  private async redactEngineState(manager: EntityManager, derived: readonly DerivedRedaction[], now: Date): Promise<void> {
    const modelRedactions = withStems(derived);
    const [state] = (await manager.query(
      `SELECT model FROM barrier_engine_state
        WHERE id = 1 AND model IS NOT NULL AND EXISTS (SELECT 1 FROM unnest($1::text[]) v WHERE strpos(model::text, v) > 0)`,
      [candidateStrings(modelRedactions)],
    )) as Array<{ model: unknown }>;
    if (!state) return;
    const model = scrubDerivedJson(state.model, modelRedactions);
    if (JSON.stringify(model) === JSON.stringify(state.model)) return;
    await manager.query(`UPDATE barrier_engine_state SET model = $1, updated_at = $2 WHERE id = 1`, [JSON.stringify(model), now]);
  }
}

/** The redactions with each word's Snowball stem added (four letters or more), as the engine keys its features. */
function withStems(derived: readonly DerivedRedaction[]): DerivedRedaction[] {
  return derived.map((redaction) => {
    const stems = redaction.words.map((word) => stemSwedish(word.toLocaleLowerCase('sv'))).filter((stem) => stem.length >= 4);
    return { ...redaction, words: [...new Set([...redaction.words, ...stems])] };
  });
}
