/**
 * A finding as a refused form quotes it: marked, with hidden words before and after so a screen reader,
 * which mostly says nothing of <mark>, tells where the finding begins and ends.
 */
export function markedFinding(found: string): string {
  return `<span class="visually-hidden">Personuppgift: </span><mark>${found}</mark><span class="visually-hidden"> (slut på personuppgift)</span>`;
}

/** What looks like a participant's personal data in the personal-data specs, each unlike anything else the app stores, shows or logs. */
export const PARTICIPANT = { PERSONNUMMER: '811218-9876', PHONE: '070-987 65 43', NAME: 'Fatima Warsame', EMAIL: 'fatima.warsame@exempel.se' } as const;

/** PARTICIPANT's values, and the parts of them a careless mask might leave behind. */
export const PARTICIPANT_TRACES: readonly string[] = [...Object.values(PARTICIPANT), 'Warsame', '9876', '987 65'];

const UUIDS = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const LONG_HEX = /[0-9a-f]{16,}/gi;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a trace stands in the text as written, not by chance inside an id, hash or token: a short trace
 * such as "9876" turns up in some random uuid or password hash now and then, which made the specs flaky.
 */
export function containsTrace(text: string, trace: string): boolean {
  const plain = text.replace(UUIDS, ' ').replace(LONG_HEX, ' ');
  return new RegExp(`(?<![\\p{L}\\p{N}+/=])${escapeRegExp(trace)}(?![\\p{L}\\p{N}+/=])`, 'u').test(plain);
}

/** A page's error summary (the page holds no other such div). */
export function summaryOf(html: string): string {
  return /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
}
