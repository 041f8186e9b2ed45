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

/** A page's error summary (the page holds no other such div). */
export function summaryOf(html: string): string {
  return /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
}
