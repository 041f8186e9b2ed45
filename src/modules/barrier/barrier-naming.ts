/** A name for a barrier the analyst has not named yet, from its characteristic terms and parties. */

import { swedishList } from '../../common/text/swedish-list';
import { PARTY_WORDS } from './barrier-wording';
import { SWEDISH_STOPWORDS, tokenize } from './engine/text-normalizer';

const MAX_TERMS = 3;

/**
 * Whether a generated name may still follow barrier `b`'s terms (a full run's, or those an analyst's change describes
 * it by): only while it is a proposal nobody has taken in. Once the analyst has opened its page or changed it, it was
 * confirmed, escalated (the analysts' mail names it), listed in a weekly digest (`name_kept_at` records the first of
 * those) or a skrivelse was started for it, people know it by that name: a merge page promising that it "behåller sitt
 * namn", an answered letter, mails already sent and the overview's effect would otherwise name another barrier than the
 * one renamed under them. From then on only the analyst renames it (Byt namn); pages mark the name as proposed.
 */
export const GENERATED_NAME_FOLLOWS_SQL = `(b.name_source = 'generated' AND b.name_kept_at IS NULL AND NOT EXISTS (SELECT 1 FROM letter l WHERE l.barrier_id = b.id))`;
export const BARRIER_NAME_MAX = 160;
/** A barrier's name must say something in words: "12345" names nothing (as organisation names, see organisation.dto). */
export const BARRIER_NAME_LETTERS = /\p{L}/u;
export const BARRIER_NAME_NEEDS_LETTERS = 'Namnet måste innehålla bokstäver, inte bara siffror eller tecken.';
/** The parties themselves: already in the name as codes, and they say nothing about the cause. */
const PARTY_TERMS = new Set(['arbetsförmedlingen', 'försäkringskassan', 'kommunen', 'regionen', 'region stockholm']);

/**
 * Words that never name a cause, however characteristic of a barrier's reports: pronouns, determiners, quantifiers
 * and common adjectives ("egen" named a demo barrier "Egen"), and the reports' commonest verbs in the forms the
 * endings below cannot tell from a noun ("anser" ends as the plural "insatser" does; "får", "står" are short).
 */
const FUNCTION_WORDS = new Set([
  // Pronouns, determiners, quantifiers and adverbs.
  'all', 'alla', 'allt', 'andra', 'annan', 'annat', 'bara', 'både', 'deras', 'egen', 'eget', 'egna', 'fler', 'flera', 'helt', 'hela', 'igen', 'ingen',
  'inget', 'inga', 'inte', 'kvar', 'man', 'mer', 'mest', 'många', 'någon', 'något', 'några', 'också', 'olika', 'redan', 'samma', 'sig', 'sin', 'sina',
  'sitt', 'själv', 'själva', 'varje', 'viss', 'vissa', 'även',
  // Common adjectives without a telling ending.
  'bra', 'dålig', 'dåligt', 'dåliga', 'hög', 'högt', 'höga', 'lång', 'långt', 'långa', 'låg', 'lågt', 'låga', 'liten', 'litet', 'lilla', 'ny', 'nytt',
  'nya', 'små', 'stor', 'stort', 'stora', 'svår', 'svårt', 'svåra',
  // Verbs: auxiliaries, and the present and past of verbs the reports use most.
  'anser', 'behöver', 'blev', 'blir', 'bör', 'finns', 'fick', 'får', 'ger', 'gick', 'gjorde', 'gäller', 'går', 'gör', 'hade', 'har', 'kan', 'kom',
  'kommer', 'kräver', 'kunde', 'menar', 'måste', 'sa', 'sade', 'ser', 'ska', 'skall', 'skulle', 'står', 'säger', 'tar', 'tog', 'tror', 'tycker', 'var',
  'vet', 'vill', 'ville', 'är',
]);

/**
 * Nouns ending as a present-tense verb does (-ar after a consonant: "saknar", "skickar"): an answer, a
 * responsibility, and plurals in -ar. Also as the last part of a compound ("handläggaransvar").
 */
const NOUNS_ENDING_AR = ['svar', 'ansvar', 'dagar', 'timmar', 'pengar'];

/**
 * Endings of Swedish verb forms, for a single word that is no thesaurus concept: the present in -ar after a consonant
 * ("saknar", "skickar"), of the verbs of -stå, -gå, -få and -slå ("avstår", "ingår"), the passive in -as ("saknas",
 * "nekas") and the past in -ade ("nekade"). The infinitive, in -a, is below.
 */
const VERB_ENDING = /(?:[^aeiouyåäö]ar|(?:stå|gå|få|slå)r|[^aeiouyåäös]as|ade)$/u;
/** Adjectives in -ig, -isk, -nsk, -sam and -bar, with their -t and -a forms ("långsiktig", "psykiskt", "medicinskt", "gemensamt", "möjliga"). */
const ADJECTIVE_ENDING = /(?:ig|igt|iga|[in]sk|[in]skt|[in]ska|sam|samt|samma|bar|bart|bara)$/u;

/**
 * Whether a single word reads as a verb form or an adjective. Ending in -a it is an infinitive or an adjective's
 * plural ("lämna", "upphöra", "påverka", "psykiska"), unless it is a noun's definite plural in -rna
 * ("myndigheterna"); a noun in -a ("förmåga") is taken for one too unless the thesaurus names it as a concept: a
 * name lacking a word is better than one built on a verb.
 */
function looksLikeVerbOrAdjective(lower: string): boolean {
  if (lower.endsWith('a') && !lower.endsWith('rna')) return true;
  return VERB_ENDING.test(lower) || ADJECTIVE_ENDING.test(lower);
}

/** A noun's definite forms, as a concept line lists them among its variants ("arbetsförmåga: arbetsförmågan, …"). */
const DEFINITE_ENDINGS = ['n', 'en', 'et', 'na', 'rna'];

/**
 * The thesaurus's concepts that it writes as nouns, in lower case: those whose name is a phrase, or whose variants
 * include the name's definite form ("grundskola: grundskolan"). They name a barrier even where their ending would
 * read as a verb's ("arbetsförmåga"); a concept for a happening ("upphöra: upphör, upphörde") is judged by its ending.
 */
export function nounConceptsOf(thesaurusText: string): Set<string> {
  const nouns = new Set<string>();
  for (const raw of thesaurusText.split(/\r?\n/u)) {
    const line = raw.trim();
    const colon = line.indexOf(':');
    if (line === '' || /^[#!=]/u.test(line) || colon <= 0) continue;
    // "Visningsnamn [PART] > Bredare: variant, …": the name before any party or broader concept.
    const name = line.slice(0, colon).split('>')[0].replace(/\[[^\]]*\]/gu, '').trim().toLocaleLowerCase('sv');
    if (name === '') continue;
    const variants = new Set(line.slice(colon + 1).split(',').map((variant) => variant.trim().toLocaleLowerCase('sv')));
    if (/\s/u.test(name) || DEFINITE_ENDINGS.some((ending) => variants.has(name + ending))) nouns.add(name);
  }
  return nouns;
}

/** Whether a characteristic term can be part of a barrier's name: a concept, a phrase, or a single word that reads as a noun. */
export function isNameWord(term: string, concepts: ReadonlySet<string> = new Set()): boolean {
  const lower = term.toLocaleLowerCase('sv').trim();
  if (lower === '' || PARTY_TERMS.has(lower)) return false;
  if (concepts.has(lower)) return true;
  // A phrase ("ekonomiskt bistånd", "jobb- och utvecklingsgarantin") is the thesaurus's or a compound's: a name.
  if (/[\s-]/u.test(lower)) return true;
  if (FUNCTION_WORDS.has(lower)) return false;
  if (NOUNS_ENDING_AR.some((noun) => lower.endsWith(noun))) return true;
  // Short words ("krav", "avslag", "beslut") are too short for their endings to say anything.
  return lower.length <= 4 || !looksLikeVerbOrAdjective(lower);
}

/**
 * The barrier's name from its first three terms that are concepts or nouns (isNameWord), most characteristic first,
 * and its parties as codes (pages show the name without them). With no such term the parties name it.
 * `concepts`: the thesaurus's concepts written as nouns (nounConceptsOf; ThesaurusService.nounConcepts).
 */
export function generatedBarrierName(terms: readonly string[], parties: readonly string[], concepts: ReadonlySet<string> = new Set()): string {
  const picked = terms.filter((term) => isNameWord(term, concepts)).slice(0, MAX_TERMS);
  const partyWords = parties.map((party) => PARTY_WORDS[party] ?? party);
  const core = picked.length ? swedishList(picked) : partyWords.length ? `Återkommande hinder som rör ${swedishList(partyWords)}` : 'Återkommande hinder';
  const named = core.charAt(0).toLocaleUpperCase('sv') + core.slice(1);
  const withParties = parties.length ? `${named} (${parties.join(', ')})` : named;
  return withParties.slice(0, BARRIER_NAME_MAX);
}

/** At most this many terms from the reports' own words (termsFromReportWords). */
const MAX_WORD_TERMS = 5;
/** Words nearly every report uses: they tell one barrier from no other. */
const EVERY_REPORT_WORDS = new Set(['deltagare', 'deltagaren', 'deltagarens', 'deltagarna', 'avvikelse', 'avvikelsen', 'rapport', 'rapporten']);

/**
 * Characteristic terms of a few reports from their own words, without the engine's model: the words (no function
 * words, numbers or verb forms, see isNameWord) that most of the reports use, then in the order they first appear.
 * For a barrier the analyst created where the engine has no words for it (no full run yet, or none its reports share
 * in the model's vocabulary): it is named and described from its reports rather than by a placeholder.
 */
export function termsFromReportWords(texts: readonly string[], concepts: ReadonlySet<string> = new Set()): string[] {
  const reportsUsing = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  for (const text of texts) {
    const seen = new Set<string>();
    for (const token of tokenize(text)) {
      const lower = token.lower.toLocaleLowerCase('sv');
      if (lower.length < 4 || /\d/u.test(lower) || SWEDISH_STOPWORDS.has(lower) || EVERY_REPORT_WORDS.has(lower) || !isNameWord(lower, concepts)) continue;
      if (!firstSeen.has(lower)) firstSeen.set(lower, firstSeen.size);
      seen.add(lower);
    }
    for (const word of seen) reportsUsing.set(word, (reportsUsing.get(word) ?? 0) + 1);
  }
  return [...reportsUsing]
    .sort(([a, x], [b, y]) => y - x || (firstSeen.get(a) ?? 0) - (firstSeen.get(b) ?? 0))
    .slice(0, MAX_WORD_TERMS)
    .map(([word]) => word);
}
