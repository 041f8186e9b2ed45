import { StopwordsSv } from '@nlpjs/lang-sv';

/** One word as written, and lower-cased. */
export interface RawToken {
  raw: string;
  lower: string;
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
const URL = /\bhttps?:\/\/\S+/gu;
// Placeholders the personal-data masker writes ("[personnummer borttaget]"): they say what was removed,
// not what happened, and would otherwise link every masked report to every other one.
const MASK_PLACEHOLDER = /\[[^\]\[]{1,40}\s(?:borttaget|borttagen|borttagna)\]/giu;

/** The first personal-data placeholder in a text ("[namn borttaget]"), or null. */
export function maskPlaceholderIn(text: string): string | null {
  if (!text.includes('[')) return null;
  MASK_PLACEHOLDER.lastIndex = 0;
  const found = MASK_PLACEHOLDER.exec(text)?.[0] ?? null;
  MASK_PLACEHOLDER.lastIndex = 0;
  return found;
}
// "AF:s", "SGI:n", "FK:s" – the inflection after the colon carries no meaning of its own.
const ABBREVIATION_INFLECTION = /(\p{L}):(s|n|en|et|ar|arna|na|ns)\b/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const wordCharCache = new Map<number, boolean>();

/** Letter or digit, any script; ASCII answered directly, the rest looked up once and cached. */
function isWordChar(code: number): boolean {
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57);
  let known = wordCharCache.get(code);
  if (known === undefined) {
    known = LETTER_OR_DIGIT.test(String.fromCharCode(code));
    wordCharCache.set(code, known);
  }
  return known;
}

function cleanText(text: string): string {
  // The costly patterns only run when their marker character is there at all.
  let cleaned = text.normalize('NFC');
  if (cleaned.includes('@')) cleaned = cleaned.replace(EMAIL, ' ');
  if (cleaned.includes('://')) cleaned = cleaned.replace(URL, ' ');
  if (cleaned.includes('[')) cleaned = cleaned.replace(MASK_PLACEHOLDER, ' ');
  if (cleaned.includes(':')) cleaned = cleaned.replace(ABBREVIATION_INFLECTION, '$1');
  return cleaned;
}

/** Calls `visit` with each word as written (a scanner, no regex per word: it runs on every report). */
export function forEachWord(text: string, visit: (raw: string) => void): void {
  const cleaned = cleanText(text);
  let start = -1;
  for (let i = 0; i <= cleaned.length; i++) {
    // Surrogate pairs (rare here) count as word characters so they are not split.
    const code = i < cleaned.length ? cleaned.charCodeAt(i) : 32;
    const inWord = i < cleaned.length && (isWordChar(code) || (code >= 0xd800 && code <= 0xdfff));
    if (inWord) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      visit(cleaned.slice(start, i));
      start = -1;
    }
  }
}

/** Splits text into words; e-mail addresses and links are dropped (they identify, never explain). */
export function tokenize(text: string): RawToken[] {
  const tokens: RawToken[] = [];
  forEachWord(text, (raw) => tokens.push({ raw, lower: raw.toLowerCase() }));
  return tokens;
}

/** True for tokens that are only digits (dates, personnummer, phone numbers, percentages). */
export function isNumeric(lower: string): boolean {
  return /^\d+$/.test(lower);
}

// Longer digit runs are years, dates, personnummer and phone numbers: they identify, never explain.
const MAX_QUANTITY_DIGITS = 3;

/**
 * True for a short number (1–3 digits): an age, hours a week, a day count or a percentage. Rules are
 * written in such quantities (stöd upphör vid 18, 15 timmar i veckan, dag 180), so they say what the
 * rule is as much as the words around them.
 */
export function isQuantity(lower: string): boolean {
  // A leading zero marks a code or a number's tail (08-, 070-, 25 000), not a quantity.
  return lower.length <= MAX_QUANTITY_DIGITS && isNumeric(lower) && (lower === '0' || lower[0] !== '0');
}

// Swedish function words: they say nothing about what happened.
const STOPWORDS_LIST =
  'och i att det som en på är av för med till den har de inte om ett han men var jag hon från vi så kan man när år säger hennes hans sin sitt sina sig ska skulle vill ville blir blev bli också eller efter under där då ut upp vad nu här alla andra annan annat än sedan sen hade ha haft in mot vara varit vår våra vårt oss er ert era dem deras honom henne mig dig du din ditt dina min mitt mina denna detta dessa där dit hit hur varför vem vilka vilken vilket vars ingen inget inga något någon några mycket mer mest mindre minst bara även redan fortfarande igen också både eller antingen varken heller samt utan genom enligt innan inför hos vid över mellan åt bland kring trots eftersom därför att fast medan om tills så pga p.g.a. t.ex. tex ex dvs osv etc ca cirka kanske dock ju väl nog jo nej ja inte icke får fick fått kunde kunnat måste behöver behövde behövs gör gjorde gjort göra görs gjordes gå går gick gått kom komma kommer kommit ta tar tog tagit sa sade sagt se ser såg sett finns fanns funnits ger gav gett givit står stod sätt sätta satt hela helt alltid aldrig ofta ibland inom utanför själv själva samma sådan sådant sådana vilket vissa viss visst denne dessutom alltså därmed därefter dagens just nog dels per sig sej dom dem sju sex fem fyra tre två ett en elva tio nio åtta första andra tredje nya ny nytt gamla gammal stor stort stora liten litet små lite flera fler flest många varje vart ens ens efter före före nästa senaste förra';
// Very common verbs and adjectives of everyday Swedish that describe no particular cause.
const GENERIC_WORDS =
  'vet veta visste tro tror trodde tycka tycker tyckte känna känner kände börja börjar började påbörja klara klarar klarade klarat fungera fungerar fungerade prata pratar pratade berätta berättar berättade fel bra dålig dåligt direkt typ väldigt ganska faktiskt sak saker läge fall hända händer hände hänt leda lett sätt försöka försöker försökte försökt hjälpa hjälper hjälpte hjälp vilja verkar verka blivit börjat lyckas lyckades';

/** Function words (nlp.js' Swedish list plus our own) and generic everyday words. */
export const SWEDISH_STOPWORDS: ReadonlySet<string> = new Set([
  ...STOPWORDS_LIST.split(/\s+/),
  ...GENERIC_WORDS.split(/\s+/),
  ...Object.keys(new StopwordsSv().dictionary),
]);
