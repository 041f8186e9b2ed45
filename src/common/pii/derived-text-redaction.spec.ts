import { candidateStrings, holdsDerived, scrubDerivedJson, scrubDerivedText, wholeWordsPattern, wordsOf } from './derived-text-redaction';

const P = '[personuppgift borttagen]';

describe('scrubbing a removed text out of texts made from a report', () => {
  it('finds the text as whole words in any case and with any white space, never inside a longer word', () => {
    const redactions = [{ needle: 'Familjen Qvarnqvist', placeholder: P, words: [] }];
    expect(scrubDerivedText('”familjen  qvarnqvist\nringde” – FAMILJEN QVARNQVIST', redactions)).toBe(`”${P}\nringde” – ${P}`);
    expect(scrubDerivedText('Familjen Qvarnqvists ringde', redactions)).toBe('Familjen Qvarnqvists ringde');
    expect(scrubDerivedText('Bo i Botkyrka', [{ needle: 'Bo', placeholder: P, words: [] }])).toBe(`${P} i Botkyrka`);
  });

  it('takes out the words given one by one too, as terms and keys hold them', () => {
    const redactions = [{ needle: 'Anna Qvarnqvist', placeholder: P, words: ['Qvarnqvist'] }];
    expect(scrubDerivedText('delar termerna: qvarnqvist, väntetid', redactions)).toBe(`delar termerna: ${P}, väntetid`);
    expect(scrubDerivedJson({ lexicon: [['qvarnqvist', 2], ['anna', 3]], featureDf: [['t:qvarnqvist', 2]] }, redactions)).toEqual({
      lexicon: [[P, 2], ['anna', 3]],
      featureDf: [[`t:${P}`, 2]],
    });
    expect(holdsDerived('Qvarnqvist', redactions)).toBe(true);
    expect(holdsDerived('väntetid', redactions)).toBe(false);
  });

  it('splits words as the engine does and gives case variants for finding candidate rows', () => {
    expect(wordsOf('Familjen Qvarnqvist-Lind, 19850312-1234 och familjen')).toEqual(['Familjen', 'Qvarnqvist', 'Lind', '19850312', '1234', 'och']);
    expect(candidateStrings([{ needle: 'Ärlig Åkesson', placeholder: P, words: ['Åkesson'] }])).toEqual(
      expect.arrayContaining(['Ärlig', 'ärlig', 'ÄRLIG', 'Åkesson', 'åkesson', 'ÅKESSON']),
    );
    expect(wholeWordsPattern('   ')).toBeNull();
    // Punctuation in the text is matched as itself.
    expect(scrubDerivedText('Tel (070) 123', [{ needle: '(070) 123', placeholder: P, words: [] }])).toBe(`Tel ${P}`);
  });
});
