import { EngineReport } from './engine-types';
import { reportTexts } from './report-features';
import { forEachWord, isNumeric, SWEDISH_STOPWORDS } from './text-normalizer';

/**
 * How many letters of a word make its beginning. Six keeps the inflections and derivations of a
 * word together (registrering, registreringen, registrerad; pendeln, pendeltåget) where the
 * stemmer and the thesaurus, made with the samples' vocabulary, may not.
 */
export const BEGINNING_LENGTH = 6;

/** The distinct beginnings of a report's words (lower case; short words, numbers and stopwords left out). */
export function wordBeginnings(report: EngineReport): string[] {
  const out = new Set<string>();
  for (const text of reportTexts(report)) {
    forEachWord(text, (raw) => {
      const lower = raw.toLowerCase();
      if (lower.length < 3 || isNumeric(lower) || SWEDISH_STOPWORDS.has(lower)) return;
      out.add(lower.slice(0, BEGINNING_LENGTH));
    });
  }
  return [...out];
}

/**
 * Word beginnings of a set of reports as numbers, for the odds steps (see OddsContext): negative, so
 * they never meet the feature space's ids, and only those that two or more reports of the set share
 * and not all of them, as the feature space keeps its features (a beginning no other report has links nothing).
 */
export function beginningIds(reports: readonly EngineReport[]): Int32Array[] {
  const perReport = reports.map(wordBeginnings);
  const df = new Map<string, number>();
  for (const beginnings of perReport) for (const b of beginnings) df.set(b, (df.get(b) ?? 0) + 1);
  const ids = new Map<string, number>();
  return perReport.map((beginnings) => {
    const out: number[] = [];
    for (const b of beginnings) {
      const count = df.get(b) as number;
      if (count < 2 || count >= reports.length) continue;
      let id = ids.get(b);
      if (id === undefined) {
        id = -1 - ids.size;
        ids.set(b, id);
      }
      out.push(id);
    }
    return Int32Array.from(out);
  });
}
