import { EngineReport } from './engine-types';
import { SeededRandom } from './seeded-random';

/** A kommun and the delprojekt it belongs to. */
export interface GeneratorPlace {
  municipality: string;
  subproject: string;
}

export interface GeneratorOptions {
  count: number;
  seed: number;
  places: readonly GeneratorPlace[];
  /** Dates are drawn uniformly from this range (YYYY-MM-DD, inclusive). */
  from: string;
  to: string;
  /** Probability that a word gets a typo (default 0.02). */
  typoRate?: number;
  /** Prefix of generated ids (default 'G-'). */
  idPrefix?: string;
}

/** A generated report and the template it was made from (to carry the template's truth label). */
export interface GeneratedReport {
  report: EngineReport;
  templateId: string;
}

// Ways of writing the same thing in this field; generated reports swap between them.
const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['Arbetsförmedlingen', 'AF', 'Af'],
  ['Försäkringskassan', 'FK', 'Fk'],
  ['ekonomiskt bistånd', 'försörjningsstöd', 'ek.bistånd', 'bistånd'],
  ['socialtjänsten', 'soc', 'socialsekreteraren'],
  ['läkarintyget', 'intyget', 'läkarintyg'],
  ['deltagaren', 'dlt', 'personen'],
  ['vårdcentralen', 'vc', 'husläkaren'],
  ['sjukpenningen', 'sjukpenning', 'sjp'],
  ['arbetsträning', 'praktik', 'arbetsträningen'],
  ['samtycke', 'samtycket', 'samtyckesblankett'],
  ['handläggaren', 'handläggare', 'hl'],
  ['förrehabilitering', 'förrehab'],
  ['psykiatrin', 'psyk', 'öppenpsykiatrin'],
];

const SYNONYM_INDEX: ReadonlyMap<string, readonly string[]> = new Map(
  SYNONYM_GROUPS.flatMap((group) => group.map((word) => [word.toLowerCase(), group] as [string, readonly string[]])),
);
const SYNONYM_PATTERN = new RegExp(
  `(?<![\\p{L}])(${[...SYNONYM_INDEX.keys()].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.]/g, '\\.')).join('|')})(?![\\p{L}])`,
  'giu',
);

function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

function dateOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

function typo(word: string, rng: SeededRandom): string {
  if (word.length < 5) return word;
  const i = 1 + rng.int(word.length - 2);
  switch (rng.int(3)) {
    case 0:
      return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2); // swap
    case 1:
      return word.slice(0, i) + word.slice(i + 1); // drop
    default:
      return word.slice(0, i) + word[i] + word.slice(i); // double
  }
}

function vary(text: string, rng: SeededRandom, typoRate: number, shuffle: boolean): string {
  if (text.trim() === '') return text;
  let sentences = text.split(/(?<=[.!?])\s+/u);
  if (shuffle && sentences.length > 1) sentences = rng.shuffle(sentences);
  return sentences
    .join(' ')
    .replace(SYNONYM_PATTERN, (match) => {
      const group = SYNONYM_INDEX.get(match.toLowerCase());
      return group !== undefined && rng.next() < 0.5 ? rng.pick(group) : match;
    })
    .replace(/\p{L}{5,}/gu, (word) => (rng.next() < typoRate ? typo(word, rng) : word));
}

/**
 * Makes `count` reports from templates (e.g. the sample reports), varied the way real reports
 * vary: sentences shuffled, synonyms and abbreviations swapped, typos, another kommun and date.
 * Pure and deterministic for the same templates and options.
 */
export function generateReports(templates: readonly EngineReport[], options: GeneratorOptions): GeneratedReport[] {
  if (templates.length === 0 || options.places.length === 0) return [];
  const rng = new SeededRandom(options.seed);
  const typoRate = options.typoRate ?? 0.02;
  const prefix = options.idPrefix ?? 'G-';
  const first = dayNumber(options.from);
  const span = Math.max(1, dayNumber(options.to) - first + 1);
  const width = String(options.count).length;
  const out: GeneratedReport[] = [];
  for (let n = 0; n < options.count; n++) {
    const template = templates[rng.int(templates.length)];
    const place = rng.pick(options.places);
    out.push({
      templateId: template.id,
      report: {
        id: `${prefix}${String(n + 1).padStart(width, '0')}`,
        title: vary(template.title, rng, typoRate, false),
        description: vary(template.description, rng, typoRate, true),
        consequence: vary(template.consequence ?? '', rng, typoRate, false),
        tried: vary(template.tried ?? '', rng, typoRate, false),
        category: rng.next() < 0.15 ? 'ovrigt' : template.category,
        parties: rng.next() < 0.1 ? [] : [...template.parties],
        municipality: place.municipality,
        subproject: place.subproject,
        occurredOn: dateOf(first + rng.int(span)),
      },
    });
  }
  return out;
}
