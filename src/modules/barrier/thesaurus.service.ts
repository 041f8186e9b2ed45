import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { AuthUser } from '../../common/auth/auth-user';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { detectPii } from '../../common/pii/pii-detector';
import { nounConceptsOf } from './barrier-naming';
import { combineThesaurus, loadDefaultThesaurus } from './engine/default-thesaurus';
import { isSettledLocally } from './engine/settled-locally';
import { maskPlaceholderIn } from './engine/text-normalizer';
import { parseThesaurus } from './engine/thesaurus';
import { defaultThesaurusPath } from './pattern-engine.adapter';
import { ThesaurusEntry } from './thesaurus-entry.entity';

/**
 * "Begrepp [PART]: variant, variant", "! allmänt ord, allmänt ord" or "= löst på plats, fras" (the engine's
 * thesaurus format; see thesaurus.sv.txt).
 */
const CONCEPT_LINE = /^([^:!=#\n][^:\n]*?)\s*(?:\[(AF|FK|KOMMUN|REGION|ANNAN)\])?\s*:\s*(\S[^\n]*)$/iu;
/** Any bracket before the colon: "[XYZ]" or a typo would otherwise become part of the concept's name. */
const BRACKET_BEFORE_COLON = /^[^:]*\[[^\]]*\]?[^:]*:/u;
const GENERIC_LINE = /^!\s*(\S[^\n]*)$/u;
const SETTLED_LINE = /^=\s*(\S[^\n]*)$/u;
export const THESAURUS_LINE_MAX = 500;

export interface ParsedThesaurusLine {
  /** Stored normalised: single spaces, variants separated by ", ". */
  line: string;
  canonical: string;
}

function variantsOf(list: string): string[] {
  return list
    .split(',')
    .map((variant) => variant.trim().replace(/\s+/g, ' '))
    .filter((variant) => variant !== '');
}

/** Reads one analyst line; null when it is not in the format. */
export function parseThesaurusLine(input: string): ParsedThesaurusLine | null {
  const text = input.trim();
  for (const [pattern, mark] of [[GENERIC_LINE, '!'], [SETTLED_LINE, '=']] as const) {
    const list = pattern.exec(text);
    if (!list) continue;
    const words = variantsOf(list[1]);
    return words.length ? { line: `${mark} ${words.join(', ')}`, canonical: `${mark} ${words.join(', ')}` } : null;
  }
  const concept = CONCEPT_LINE.exec(text);
  if (!concept) return null;
  const canonical = concept[1].trim().replace(/\s+/g, ' ');
  const variants = variantsOf(concept[3]);
  if (!canonical || variants.length === 0 || canonical.includes('[')) return null;
  // The engine reads the party in capitals only ("[fk]" would silently be no party).
  const party = concept[2]?.toUpperCase();
  return { line: `${canonical}${party ? ` [${party}]` : ''}: ${variants.join(', ')}`, canonical };
}

/** A line after "Ta bort personuppgifterna åt mig": the variants that held personal data taken out. */
export interface ThesaurusLineWithoutPersonalData {
  /** The rest of the line, commas tidied: "sjukpenning [FK]: sjukpenningen". */
  line: string;
  /** How many variants were taken out. */
  removed: number;
  /** Personal data is left before the colon, in the concept's name, which is no variant to take out. */
  inConcept: boolean;
  /** No variant is left after the concept or the mark. */
  empty: boolean;
}

/** Where the list of variants starts: after "!" or "=", after the first colon, or at once for a line without either. */
function listStart(text: string): number {
  if (/^[!=]/u.test(text)) return 1;
  return text.indexOf(':') + 1;
}

/**
 * Takes out whole variants (or "!"/"=" phrases) with personal data, rather than masking them: a placeholder is no
 * synonym of anything. Pure; runs again while taking one out reveals another (a name read from its neighbours).
 */
export function withoutPersonalDataVariants(input: string): ThesaurusLineWithoutPersonalData {
  let text = input.trim().replace(/\s+/gu, ' ');
  let removed = 0;
  for (let round = 0; round < 3; round++) {
    const findings = detectPii(text);
    const start = listStart(text);
    const kept: string[] = [];
    let taken = 0;
    let at = start;
    for (const part of text.slice(start).split(',')) {
      const end = at + part.length;
      if (findings.some((finding) => finding.start < end && finding.end > at)) taken += 1;
      else if (part.trim() !== '') kept.push(part.trim());
      at = end + 1;
    }
    const head = text.slice(0, start).trim();
    text = [head, kept.join(', ')].filter((piece) => piece !== '').join(' ');
    removed += taken;
    if (taken === 0) break;
  }
  const start = listStart(text);
  return {
    line: text,
    removed,
    inConcept: detectPii(text).some((finding) => finding.start < start),
    empty: start > 0 && text.slice(start).trim() === '',
  };
}

/** The analyst's additions to the engine's thesaurus. Changing them makes the next pattern run a full one. */
@Injectable()
export class ThesaurusService {
  /** The parsed thesaurus behind settledLocallyCheck, kept until the analyst's lines change. */
  private settled: { lines: string; check: (text: string) => boolean } | null = null;
  /** nounConcepts for these analyst lines. */
  private nouns: { lines: string; concepts: ReadonlySet<string> } | null = null;

  constructor(@InjectRepository(ThesaurusEntry) private readonly entries: Repository<ThesaurusEntry>) {}

  /**
   * The engine's own test of whether a text says its matter was settled locally (the default thesaurus's
   * and the analyst's "=" lines, negations respected), for those who quote reports: a letter must not
   * quote "frågan löst lokalt" as evidence of a structural barrier. Inside a transaction, pass its manager:
   * on a one-connection pool (the embedded database) asking for another connection would wait for itself.
   */
  async settledLocallyCheck(manager?: EntityManager): Promise<(text: string) => boolean> {
    const lines = (await this.lines(manager)).join('\n');
    if (this.settled?.lines !== lines) {
      const thesaurus = parseThesaurus(combineThesaurus(loadDefaultThesaurus(defaultThesaurusPath()), lines ? lines.split('\n') : []));
      this.settled = { lines, check: (text) => isSettledLocally(thesaurus, [text]) };
    }
    return this.settled.check;
  }

  /** The concepts of the default thesaurus and these analyst lines that it writes as nouns, for generated barrier names. */
  nounConcepts(lines: readonly string[]): ReadonlySet<string> {
    const key = lines.join('\n');
    if (this.nouns?.lines !== key) this.nouns = { lines: key, concepts: nounConceptsOf(combineThesaurus(loadDefaultThesaurus(defaultThesaurusPath()), lines)) };
    return this.nouns.concepts;
  }

  /** The built-in thesaurus as shipped beside the engine, for the analyst to read (/hinder/tesaurus). */
  builtIn(): string {
    return loadDefaultThesaurus(defaultThesaurusPath());
  }

  list(manager?: EntityManager): Promise<ThesaurusEntry[]> {
    const entries = manager ? manager.getRepository(ThesaurusEntry) : this.entries;
    return entries.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The lines in the order they were added: later lines win in the engine. */
  async lines(manager?: EntityManager): Promise<string[]> {
    return (await this.list(manager)).map((entry) => entry.line);
  }

  /** Identifies the analyst's thesaurus: a different hash means the stored model is out of date. */
  static hash(engineVersion: string, lines: readonly string[]): string {
    return createHash('sha256').update(`${engineVersion}\n${lines.join('\n')}`).digest('hex');
  }

  async add(user: AuthUser, input: string): Promise<ThesaurusEntry> {
    // What "Ta bort personuppgifterna åt mig" and the art. 9 masking write ("[e-postadress borttagen]"): as a variant it
    // is no word of the matter, and on a "=" line it would call every report with a masked address settled locally.
    const placeholder = maskPlaceholderIn(input);
    if (placeholder) {
      throw new DomainError(
        'thesaurus_placeholder',
        `Raden innehåller platshållaren ”${placeholder}”. Den står för en borttagen uppgift och är inget ord att känna igen i rapporterna: ta bort den ur raden.`,
        400,
        [{ field: 'line', message: `Ta bort ”${placeholder}” ur raden och skriv bara ord och uttryck som betyder samma sak.` }],
      );
    }
    const parsed = parseThesaurusLine(input);
    if (!parsed && BRACKET_BEFORE_COLON.test(input.trim()) && !/^[!=]/u.test(input.trim())) {
      throw new DomainError('thesaurus_line_invalid', 'Parten inom hakparentes finns inte. Skriv AF, FK, KOMMUN, REGION eller ANNAN, eller ta bort hakparentesen.', 400, [
        { field: 'line', message: 'Skriv parten som [AF], [FK], [KOMMUN], [REGION] eller [ANNAN], t.ex. sjukpenning [FK]: sjukpenningen.' },
      ]);
    }
    if (!parsed || parsed.line.length > THESAURUS_LINE_MAX) {
      throw new DomainError('thesaurus_line_invalid', 'Raden följer inte formatet. Skriv till exempel: sjukpenning [FK]: sjukpenningen, sjukersättning', 400, [
        { field: 'line', message: `Skriv begreppet, ett kolon och varianterna åtskilda med kommatecken (högst ${THESAURUS_LINE_MAX} tecken).` },
      ]);
    }
    if (detectPii(parsed.line).length > 0) {
      throw new DomainError('personal_data_found', 'Raden innehåller något som liknar personuppgifter. Skriv om utan personuppgifter.', 422, [
        { field: 'line', message: 'Raden innehåller något som liknar personuppgifter.' },
      ]);
    }
    try {
      return await this.entries.save(this.entries.create({ line: parsed.line, canonical: parsed.canonical, createdById: user.id }));
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new DomainError('thesaurus_duplicate', `Begreppet "${parsed.canonical}" finns redan. Ta bort den gamla raden först.`, 409, [
          { field: 'line', message: 'Begreppet finns redan.' },
        ]);
      }
      throw error;
    }
  }

  async remove(id: string): Promise<void> {
    const result = await this.entries.delete({ id });
    if (!result.affected) throw new NotFoundError('Raden');
  }
}
