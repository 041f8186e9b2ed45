import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Path of the default thesaurus shipped beside the engine (copy it as an asset when building). */
export const DEFAULT_THESAURUS_PATH = join(__dirname, 'thesaurus.sv.txt');

/** The default thesaurus text; the app appends the analyst's lines before passing it to the engine. */
export function loadDefaultThesaurus(path: string = DEFAULT_THESAURUS_PATH): string {
  return readFileSync(path, 'utf8');
}

/** Default text plus analyst additions (later lines win). */
export function combineThesaurus(defaultText: string, analystLines: readonly string[]): string {
  return analystLines.length === 0 ? defaultText : `${defaultText}\n# --- Analytikerns tillägg ---\n${analystLines.join('\n')}\n`;
}
