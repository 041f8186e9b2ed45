import { detectPii } from './pii-detector';
import { PiiExcerpt, piiExcerpts } from './pii-excerpt';

/** The excerpt as one line, the marked parts in brackets: easy to read in an expectation. */
function render(excerpt: PiiExcerpt): string {
  const body = excerpt.segments.map((s) => (s.marked ? `[${s.text}]` : s.text)).join('');
  return `${excerpt.clippedBefore ? '…' : ''}${body}${excerpt.clippedAfter ? '…' : ''}`;
}

function excerptsOf(text: string): string[] {
  return piiExcerpts(text, detectPii(text)).map(render);
}

describe('piiExcerpts', () => {
  it('quotes four words either side of the finding, with the finding marked and the rest clipped', () => {
    const text = 'Vi träffades på kontoret i går och deltagaren med 811218-9876 berättade att FK inte har svarat på tre veckor.';
    expect(excerptsOf(text)).toEqual(['…går och deltagaren med [811218-9876] berättade att FK inte…']);
  });

  it('does not clip at the ends of the text', () => {
    expect(excerptsOf('Ring 070-123 45 67 efter lunch.')).toEqual(['Ring [070-123 45 67] efter lunch.']);
    expect(excerptsOf('811218-9876')).toEqual(['[811218-9876]']);
  });

  it('quotes findings that are close together once, with each one marked', () => {
    const text = 'Gäller Fatima Warsame, 070-987 65 43, som väntar på beslut från Försäkringskassan sedan i våras och mer.';
    const [excerpt, ...rest] = piiExcerpts(text, detectPii(text));
    expect(rest).toEqual([]);
    expect(render(excerpt)).toBe('Gäller [Fatima Warsame], [070-987 65 43], som väntar på beslut…');
    expect(excerpt.kinds).toEqual(['namn', 'telefonnummer']);
  });

  it('quotes findings far apart separately, in text order', () => {
    const text =
      'Personnumret 811218-9876 stod i ärendet. Sedan hände ingenting på flera veckor trots påminnelser till alla parter, ' +
      'och till slut skrev handläggaren till fatima.w@exempel.se om saken.';
    expect(excerptsOf(text)).toEqual([
      'Personnumret [811218-9876] stod i ärendet. Sedan…',
      '…slut skrev handläggaren till [fatima.w@exempel.se] om saken.',
    ]);
  });

  it('reads line breaks and runs of spaces as one space', () => {
    expect(excerptsOf('Deltagaren\n\nnås på\t070-123 45 67\r\nefter lunch')).toEqual(['Deltagaren nås på [070-123 45 67] efter lunch']);
  });

  it('cuts a very long word next to the finding instead of quoting all of it', () => {
    const long = 'x'.repeat(200);
    const [excerpt] = piiExcerpts(`${long} 811218-9876 ${long}`, detectPii(`${long} 811218-9876 ${long}`));
    const text = render(excerpt);
    expect(text.length).toBeLessThan(110);
    expect(text).toContain('[811218-9876]');
    expect(excerpt.clippedBefore && excerpt.clippedAfter).toBe(true);
  });

  it('leaves out a long word beyond the first, keeping whole words', () => {
    const text = `${'y'.repeat(60)} och med 811218-9876 här`;
    expect(excerptsOf(text)).toEqual(['…och med [811218-9876] här']);
  });

  it('gives nothing for no findings, and ignores a finding that does not fit the text', () => {
    expect(piiExcerpts('Inget här.', [])).toEqual([]);
    expect(piiExcerpts('kort', [{ kind: 'namn', label: 'namn', start: 2, end: 40 }])).toEqual([]);
  });
});
