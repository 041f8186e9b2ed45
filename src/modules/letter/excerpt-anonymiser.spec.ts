import { anonymiseExcerpt, dropRemovedLabels, REMOVED, shortenExcerpt } from './excerpt-anonymiser';

const keepWords = new Set(['haninge', 'salem', 'botkyrka', 'mia', 'östra', 'södertörn']);

describe('anonymiseExcerpt', () => {
  it('removes what the shared masker finds: personnummer, phone, e-mail and full names', () => {
    const result = anonymiseExcerpt('Deltagaren Anna Svensson 850312-1231 ringde från 070-123 45 67 och skrev från anna.svensson@example.se.', { keepWords });
    expect(result.text).not.toMatch(/Anna|Svensson|850312|070|example/);
    expect(result.text).toContain('[e-postadress borttagen]');
    expect(result.replacements).toBeGreaterThanOrEqual(3);
  });

  it('also removes a personnummer-like number with a wrong check digit, and other long numbers', () => {
    const result = anonymiseExcerpt('Gäller 850312-1234, ärende 4455667788 hos FK.', { keepWords });
    expect(result.text).toBe(`Gäller ${REMOVED.number}, ärende ${REMOVED.number} hos FK.`);
  });

  it('removes a lone first name mid-sentence or opening a sentence, but keeps kommuner and agencies', () => {
    const result = anonymiseExcerpt('Johan har väntat i Haninge. Handläggaren på Försäkringskassan sa att Fatima måste vänta. Salem och Botkyrka likadant.', { keepWords });
    expect(result.text).not.toMatch(/Johan|Fatima/);
    expect(result.text).toContain('Haninge');
    expect(result.text).toContain('Försäkringskassan');
    expect(result.text).toContain('Salem och Botkyrka');
  });

  it('removes any capitalised word straight after "deltagaren", known name or not', () => {
    expect(anonymiseExcerpt('Vi träffade deltagaren Xqzwy i veckan.', { keepWords }).text).toBe(`Vi träffade deltagaren ${REMOVED.name} i veckan.`);
  });

  it('removes a family\'s name after "familjen", "familj", "hos familjen" and "makarna", known name or not', () => {
    expect(anonymiseExcerpt('Familjen Qvarnqvist fick inget besked från FK.', { keepWords }).text).toBe(`Familjen ${REMOVED.name} fick inget besked från FK.`);
    expect(anonymiseExcerpt('AF hänvisade familjen Qvarnqvist till FK.', { keepWords }).text).toBe(`AF hänvisade familjen ${REMOVED.name} till FK.`);
    expect(anonymiseExcerpt('Vi gjorde hembesök hos familjen Brorsqvistsson i veckan.', { keepWords }).text).toBe(
      `Vi gjorde hembesök hos familjen ${REMOVED.name} i veckan.`,
    );
    expect(anonymiseExcerpt('En familj Xqzwy-Brorsqvist väntade.', { keepWords }).text).toBe(`En familj ${REMOVED.name} väntade.`);
    expect(anonymiseExcerpt('Makarna Qvarnqvist saknar försörjning.', { keepWords }).text).toBe(`Makarna ${REMOVED.name} saknar försörjning.`);
  });

  it('removes every word of a family\'s name, two surnames or two families joined by "och"', () => {
    // Two capitalised words in a row the shared masker may take for a full name already; either way neither is left.
    expect(anonymiseExcerpt('Familjen Qvarnqvist Brorsqvistsson ringde AF.', { keepWords }).text).toMatch(/^Familjen (\[namn borttaget\] ?)+ringde AF\.$/);
    expect(anonymiseExcerpt('makarna Qvarnqvist och Brorsqvistsson ringde AF.', { keepWords }).text).toBe(`makarna ${REMOVED.name} och ${REMOVED.name} ringde AF.`);
  });

  it('keeps ordinary words, authorities, services and kommuner after "familjen"', () => {
    for (const text of [
      'Familjen har väntat i tre veckor på ett beslut.',
      'familjen och Försäkringskassan har inte hörts.',
      'Handläggaren hänvisade familjen Försäkringskassan emellan, utan beslut.',
      'Familjen i Haninge fick avslag, familjen Socialtjänsten följer upp.',
      'Hela familjen AF-inskriven sedan maj.',
      'Familjen och Arbetsförmedlingen hade möte.',
    ]) {
      expect(anonymiseExcerpt(text, { keepWords }).text).toBe(text);
    }
    expect(anonymiseExcerpt('Familjen Qvarnqvist och Arbetsförmedlingen hade möte.', { keepWords }).text).toBe(`Familjen ${REMOVED.name} och Arbetsförmedlingen hade möte.`);
  });

  it('removes dates, ages, street addresses and initials', () => {
    const result = anonymiseExcerpt('Den 2018-03-12 och 12 mars 2018 sa K. att hon är en 34-årig kvinna, född 1984, boende på Storgatan 12 B.', { keepWords });
    expect(result.text).not.toMatch(/2018-03-12|12 mars|34-årig|1984|Storgatan|K\./);
    expect(result.text).toContain(REMOVED.date);
    expect(result.text).toContain(REMOVED.age);
    expect(result.text).toContain(REMOVED.address);
    expect(result.text).toContain(REMOVED.initials);
  });

  it('leaves an ordinary report as it is, with no replacements', () => {
    const text = 'FK drog in sjukpenningen efter dag 180 och AF kunde inte skriva in deltagaren. 2–10 timmar i veckan gick inte.';
    expect(anonymiseExcerpt(text, { keepWords })).toEqual({ text, replacements: 0 });
  });

  it('keeps "t.ex." and all-caps abbreviations', () => {
    const text = 'Insatser som t.ex. SIUS och lönebidrag kräver halvtid.';
    expect(anonymiseExcerpt(text, { keepWords }).text).toBe(text);
  });
});

describe('shortenExcerpt', () => {
  it('keeps a short text whole', () => {
    expect(shortenExcerpt('Kort text.', 50)).toBe('Kort text.');
  });

  it('cuts at a sentence end when one fits', () => {
    const text = 'Första meningen är ganska lång och handlar om FK. Andra meningen är också lång och handlar om AF och mer.';
    expect(shortenExcerpt(text, 70)).toBe('Första meningen är ganska lång och handlar om FK.');
  });

  it('cuts at a word with an ellipsis, never inside a placeholder', () => {
    const text = `Handläggaren sa att deltagaren inte kunde skrivas in eftersom ${REMOVED.name} saknade intyg från vården`;
    const short = shortenExcerpt(text, 70);
    expect(short.length).toBeLessThanOrEqual(70);
    expect(short.endsWith('…')).toBe(true);
    expect(short).not.toMatch(/\[[^\]]*…$/);
  });
});

describe('dropRemovedLabels', () => {
  const EMAIL = '[e-postadress borttagen]';
  const PHONE = '[telefonnummer borttaget]';

  it('drops a label and its masked value within a sentence, with the comma that led to it', () => {
    expect(dropRemovedLabels(`Hon mejlade handläggaren, mejladress: ${EMAIL}, men fick inget svar.`)).toBe('Hon mejlade handläggaren, men fick inget svar.');
    expect(dropRemovedLabels(`Vi ringde FK, tel: ${PHONE} och mejl: ${EMAIL}.`)).toBe('Vi ringde FK.');
    expect(dropRemovedLabels(`Kontakta handläggaren – tel: ${PHONE}`)).toBe('Kontakta handläggaren');
  });

  it('drops one in brackets', () => {
    expect(dropRemovedLabels(`Handläggaren (tel: ${PHONE}) svarade inte på tre veckor.`)).toBe('Handläggaren svarade inte på tre veckor.');
  });

  it('drops one opening a later sentence, and what follows opens it', () => {
    expect(dropRemovedLabels(`Kommunen gav inget besked. Mejladress: ${EMAIL}. AF hänvisade till FK.`)).toBe('Kommunen gav inget besked. AF hänvisade till FK.');
    expect(dropRemovedLabels(`Deltagaren har ingen ersättning. Tel: ${PHONE}, ring efter lunch.`)).toBe('Deltagaren har ingen ersättning. Ring efter lunch.');
    expect(dropRemovedLabels(`Ingen svarade. Mejladress: ${EMAIL}`)).toBe('Ingen svarade.');
  });

  it('drops several at the start, as before', () => {
    expect(dropRemovedLabels(`Namn: ${REMOVED.name}, tel: ${PHONE}. Kommunen kräver inskrivning på AF först.`)).toBe('Kommunen kräver inskrivning på AF först.');
    expect(dropRemovedLabels(`Tel: ${PHONE}, ring efter lunch.`)).toBe('Ring efter lunch.');
  });

  it('leaves a placeholder without a label, a label of a kept value, and a label with words after the placeholder mid-text', () => {
    for (const text of [
      `Handläggaren ${REMOVED.name} svarade inte. Beslut: avslag, utan motivering.`,
      `Deltagaren väntar. Handläggaren skrev: ${REMOVED.name} får vänta på beslut.`,
      'FK drog in sjukpenningen; AF skrev inte in deltagaren. Tid: tre veckor.',
    ]) {
      expect(dropRemovedLabels(text)).toBe(text);
    }
  });
});
