import { StemmerSv } from '@nlpjs/lang-sv';

// The Snowball Swedish stemmer (port in @nlpjs/lang-sv); one instance, it keeps its own cache.
const snowball = new StemmerSv();

/** Snowball stem of one lower-case word; short words and numbers are returned unchanged. */
export function stemSwedish(lowerWord: string): string {
  if (lowerWord.length < 3 || /\d/.test(lowerWord)) return lowerWord;
  return snowball.stemWord(lowerWord);
}

// Snowball leaves the definite endings -et/-t/-an/-n (intyget, samtycket, arbetsförmågan); these
// are only removed when the shorter form is a word we already know, so no new words are invented.
const DEFINITE_ENDINGS = ['et', 'an', 'en', 't', 'n'] as const;

/** Candidate stems once a definite ending is removed, most specific first. */
export function definiteFoldCandidates(lowerWord: string): string[] {
  const out: string[] = [];
  if (lowerWord.length < 5) return out;
  for (const ending of DEFINITE_ENDINGS) {
    if (lowerWord.endsWith(ending) && lowerWord.length - ending.length >= 3) {
      out.push(stemSwedish(lowerWord.slice(0, -ending.length)));
    }
  }
  return out;
}
