/**
 * A finding as a refused form quotes it: marked, with hidden words before and after so a screen reader,
 * which mostly says nothing of <mark>, tells where the finding begins and ends.
 */
export function markedFinding(found: string): string {
  return `<span class="visually-hidden">Personuppgift: </span><mark>${found}</mark><span class="visually-hidden"> (slut på personuppgift)</span>`;
}
