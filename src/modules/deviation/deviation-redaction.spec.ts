import {
  escapeHtml,
  maskedForChoice,
  redactedPlaces,
  redactionChoices,
  redactionForChoice,
  replaceInHtml,
  replaceInJson,
  replaceText,
  wordAround,
} from './deviation-redaction';

const texts = {
  title: 'Fel nummer i kallelsen',
  description: 'Kallelsen till Fatima Warsame hade personnummer 19850312-1234. Hon nås på 070-987 65 43.',
  consequence: 'Deltagaren fick vänta.',
  tried: null,
  resolution: null,
};

describe('redactionChoices', () => {
  it('offers what the detector finds and the near misses, by field and kind, masked, never with the text in the value', () => {
    const choices = redactionChoices(texts);
    expect(choices.map((c) => [c.field, c.kind, c.label])).toEqual([
      ['description', 'namn', 'Ett namn i beskrivningen'],
      ['description', 'personnummer', 'Ett personnummer i beskrivningen'],
      ['description', 'telefonnummer', 'Ett telefonnummer i beskrivningen'],
    ]);
    const shown = JSON.stringify(choices);
    for (const part of ['Warsame', '19850312', '987 65']) expect(shown).not.toContain(part);
    expect(choices[1].quote.segments.find((s) => s.marked)?.text).toBe('••••••••-••34');
    expect(choices[0].quote.segments.find((s) => s.marked)?.text).toBe('F••••• W••••••');
  });

  it('leaves out the reporter’s own address', () => {
    expect(redactionChoices({ description: 'Svara till hanna@kommun.se.' }, { ignoredEmailAddresses: ['hanna@kommun.se'] })).toEqual([]);
  });
});

describe('redactionForChoice', () => {
  it('gives the text and its kind’s placeholder while the report is as it was', () => {
    const [name, number] = redactionChoices(texts);
    expect(redactionForChoice(texts, name.value)).toEqual({ needle: 'Fatima Warsame', placeholder: '[namn borttaget]' });
    expect(redactionForChoice(texts, number.value)).toEqual({ needle: '19850312-1234', placeholder: '[personnummer borttaget]' });
  });

  it('refuses a choice once the text has changed, and anything made up', () => {
    const [name] = redactionChoices(texts);
    expect(redactionForChoice({ ...texts, description: `Ny text. ${texts.description}` }, name.value)).toBeNull();
    expect(redactionForChoice(texts, name.value.replace(/:[^:]+$/, ':AAAAAAAAAAAA'))).toBeNull();
    expect(redactionForChoice(texts, 'description:0:5')).toBeNull();
    expect(redactionForChoice(texts, 'reporter_email:0:5:AAAAAAAAAAAA')).toBeNull();
  });
});

describe('replacing', () => {
  it('in text, in every string of a JSON value (not keys), and in HTML as the templates escape it', () => {
    expect(replaceText('A O’Brien och O’Brien', 'O’Brien', '[x borttagen]')).toBe('A [x borttagen] och [x borttagen]');
    expect(replaceInJson({ comment: 'Qvist ringde', n: 3, list: ['Qvist'], Qvist: null }, 'Qvist', '[x borttagen]')).toEqual({
      comment: '[x borttagen] ringde',
      n: 3,
      list: ['[x borttagen]'],
      Qvist: null,
    });
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(replaceInHtml('<p>Familjen D&#39;Angelo &amp; co</p>', "D'Angelo & co", '[x borttagen]')).toBe('<p>Familjen [x borttagen]</p>');
  });
});

describe('wordAround', () => {
  it('finds a longer word the text stands inside, so it is not broken by the replacement', () => {
    expect(wordAround('Bo bor i Botkyrka.', 'Bo')).toBe('Botkyrka');
    expect(wordAround('Bo bor i Haninge.', 'Bo')).toBeNull();
    expect(wordAround('Pnr 850312-1234.', '850312-1234')).toBeNull();
    expect(wordAround('Ref 12850312-1234.', '850312-1234')).toBe('12850312-1234');
  });
});

describe('redactedPlaces', () => {
  it('says where, in the timeline’s words', () => {
    expect(redactedPlaces({ fields: ['description'], comments: 0, log: false })).toBe('beskrivningen');
    expect(redactedPlaces({ fields: ['title', 'description'], comments: 2, log: true })).toBe('rubriken, beskrivningen, 2 kommentarer och tidslinjen');
    expect(redactedPlaces({ fields: [], comments: 1, log: false })).toBe('en kommentar');
  });
});

describe('maskedForChoice', () => {
  it('keeps the first letter of words and the last two digits of numbers', () => {
    expect(maskedForChoice('fatima.warsame@exempel.se')).toBe('f•••••.w••••••@e••••••.s•');
    expect(maskedForChoice('Qvarnqvist')).toBe('Q•••••••••');
    expect(maskedForChoice('070-987 65 43')).toBe('•••-••• •• 43');
  });
});
