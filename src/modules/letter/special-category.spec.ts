import { compileSpecialCategoryDetector, defaultSpecialCategoryDetector, parseSpecialCategoryTerms } from './special-category';

const HEALTH = '[hälsouppgift borttagen]';

describe('the special-category word list format', () => {
  const vocabulary = parseSpecialCategoryTerms(`
# kommentar
+ svår, Misstänkt
> sjukdom
! psykosocial
[hälsouppgift borttagen]: ångest, social ångest, psykos, ADHD, "medicin"
[uppgift om religion borttagen]: muslim
[hälsouppgift borttagen]: diabetes
inte en rad
`);

  it('reads groups by placeholder, degree words, following words and exceptions', () => {
    expect(vocabulary.groups).toEqual([
      { placeholder: HEALTH, terms: ['ångest', 'social ångest', 'psykos', 'ADHD', '"medicin"', 'diabetes'] },
      { placeholder: '[uppgift om religion borttagen]', terms: ['muslim'] },
    ]);
    expect(vocabulary.degreeWords).toEqual(['svår', 'misstänkt']);
    expect(vocabulary.followingWords).toEqual(['sjukdom']);
    expect(vocabulary.exceptions).toEqual(['psykosocial']);
  });

  it('finds a term with its endings and compounds, a long term inside a compound too, a quoted term only as written', () => {
    const detector = compileSpecialCategoryDetector(vocabulary);
    expect(detector.mask('Ångesten och panikångest, ångestproblematik.').text).toBe(`${HEALTH} och ${HEALTH}, ${HEALTH}.`);
    expect(detector.mask('Medicin, medicinen och medicinskt underlag.').text).toBe(`${HEALTH}, medicinen och medicinskt underlag.`);
    expect(detector.find('Hon har diabetes.')).toEqual([{ start: 8, end: 16, placeholder: HEALTH }]);
  });

  it('takes a degree word before and a following noun with the term, and one placeholder for words in a row', () => {
    const detector = compileSpecialCategoryDetector(vocabulary);
    expect(detector.mask('Deltagaren har svår social ångest.').text).toBe(`Deltagaren har ${HEALTH}.`);
    expect(detector.mask('Misstänkt ADHD och psykos sjukdom.').text).toBe(`${HEALTH} och ${HEALTH}.`);
    expect(detector.mask('Han är troende muslim muslim.')).toEqual({ text: 'Han är troende [uppgift om religion borttagen].', replacements: 1 });
  });

  it('leaves a term alone where the words of an exception of several words follow it', () => {
    const detector = compileSpecialCategoryDetector(parseSpecialCategoryTerms('! psykisk arbetsmiljö\n[hälsouppgift borttagen]: psykisk'));
    expect(detector.mask('Den psykisk  arbetsmiljön, men psykiskt sjuk.').text).toBe(`Den psykisk  arbetsmiljön, men ${HEALTH} sjuk.`);
  });

  it('reads a term in capitals only in capitals, and leaves an exception alone', () => {
    const detector = compileSpecialCategoryDetector(vocabulary);
    expect(detector.mask('ADHD-utredningen, men adhd i gemener är inte listad här.').text).toBe(`${HEALTH}, men adhd i gemener är inte listad här.`);
    expect(detector.mask('Psykosocialt stöd, men psykosen kom tillbaka.').text).toBe(`Psykosocialt stöd, men ${HEALTH} kom tillbaka.`);
  });
});

describe('the shipped word list', () => {
  const detector = defaultSpecialCategoryDetector();
  const mask = (text: string): string => detector.mask(text).text;

  it('removes health details: conditions, diagnoses, missbruk, medication, pregnancy', () => {
    expect(mask('Deltagaren har svår social ångest och klarar inte möten.')).toBe(`Deltagaren har ${HEALTH} och klarar inte möten.`);
    expect(mask('Hon har ADHD och adhd-utredningen dröjer.')).toBe(`Hon har ${HEALTH} och ${HEALTH} dröjer.`);
    expect(mask('Läkaren skrev att han har bipolär sjukdom och PTSD.')).toBe(`Läkaren skrev att han har ${HEALTH} och ${HEALTH}.`);
    expect(mask('Alkoholmissbruket gör att socialtjänsten kräver drogtester.')).toBe(`${HEALTH} gör att socialtjänsten kräver ${HEALTH}.`);
    expect(mask('Hon tar Concerta och sertralin.')).toBe(`Hon tar ${HEALTH} och ${HEALTH}.`);
    expect(mask('Deltagaren är gravid och graviditetspenningen avslogs.')).toBe(`Deltagaren är ${HEALTH} och ${HEALTH} avslogs.`);
    for (const word of ['autism', 'depression', 'schizofreni', 'diabetes', 'epilepsi', 'utmattningssyndrom', 'fibromyalgi', 'LARO', 'metadon']) {
      expect([word, mask(`Det gäller ${word} här.`)]).toEqual([word, `Det gäller ${HEALTH} här.`]);
    }
  });

  it('removes mental health by its stems, not only listed phrases: psykisk in every form, mående, ohälsa', () => {
    // The demo's report S-0094, quoted in a letter's "Konsekvenser för deltagarna".
    expect(mask('Psykiskt mående försämrat.')).toBe(`${HEALTH} försämrat.`);
    expect(mask('Hennes psykiska hälsa har blivit sämre.')).toBe(`Hennes ${HEALTH} har blivit sämre.`);
    expect(mask('Den psykiska ohälsan ökade under väntan.')).toBe(`Den ${HEALTH} ökade under väntan.`);
    expect(mask('AF kan inte erbjuda något förrän hans mående stabiliserats.')).toBe(`AF kan inte erbjuda något förrän hans ${HEALTH} stabiliserats.`);
    expect(mask('Deltagaren är psykiskt sjuk och har försämrat mående.')).toBe(`Deltagaren är ${HEALTH} och har ${HEALTH}.`);
    expect(mask('Fysisk ohälsa gör att hon inte klarar arbetsträningen.')).toBe(`Fysisk ${HEALTH} gör att hon inte klarar arbetsträningen.`);
    expect(mask('Hans hälsotillstånd är oklart, och psykiskt dåligt mående.')).toBe(`Hans ${HEALTH} är oklart, och ${HEALTH}.`);
  });

  it('leaves the care services, diagnoses as a document, the work environment and how someone feels', () => {
    const structural = [
      // Parties and services: the barrier is between them, and naming one says nothing of an illness.
      'Remissen till Psykiatrin Södra kom tillbaka, och psykiatrin hänvisade till vårdcentralen.',
      'Region Stockholms psykiatri och FK möts inte.',
      // The barrier itself: the care writes diagnoses, FK asks for descriptions of function (the demo's S-0018).
      'Vården skriver diagnoser, FK efterfrågar funktionsbeskrivningar.',
      'Arbetsplatsens arbetsmiljö och den psykiska arbetsmiljön på arbetsträningen var bra.',
      'Psykosocialt stöd saknas.',
      'Deltagaren mår dåligt av att vänta på beslut.',
      'Ohälsotalet i kommunen är högt, enligt Försäkringskassans statistik.',
      'Vi hälsade på hos AF och hälsan från handläggaren framfördes.',
    ];
    for (const text of structural) expect([text, detector.mask(text)]).toEqual([text, { text, replacements: 0 }]);
  });

  it('removes ethnic origin, religion, sexual orientation and union membership', () => {
    expect(mask('Familjen är romsk och muslimsk.')).toBe('Familjen är [uppgift om etniskt ursprung borttagen] och [uppgift om religion borttagen].');
    expect(mask('Han är homosexuell.')).toBe('Han är [uppgift om sexuell läggning borttagen].');
    expect(mask('Facket har hjälpt henne.')).toBe('[uppgift om facklig tillhörighet borttagen] har hjälpt henne.');
  });

  it('leaves the words the barriers are about, and words that only look alike', () => {
    const structural = [
      'Försäkringskassan drog in sjukpenningen när deltagaren var sjukskriven.',
      'Läkarintyget och det medicinska underlaget kom inte fram till vårdcentralen.',
      'Deltagaren har nedsatt arbetsförmåga på grund av en funktionsnedsättning.',
      'Psykosocialt stöd saknas; hon har förtroende för sin handläggare.',
      'Vi lånade burkar till arbetsträningen, och Lo från AF ringde.',
      'Beroende på beslutet får hon aktivitetsersättning, oberoende av AF.',
    ];
    for (const text of structural) expect(detector.mask(text)).toEqual({ text, replacements: 0 });
  });

  it('is idempotent: a placeholder is never found again', () => {
    const once = mask('Svår depression, ADHD, gravid, muslim, facket.');
    expect(mask(once)).toBe(once);
    expect(detector.find(once)).toEqual([]);
  });

  it('names every placeholder it can write', () => {
    expect(detector.placeholders).toContain(HEALTH);
    expect(detector.placeholders.every((placeholder) => /^\[[^\]]+ borttagen\]$/u.test(placeholder))).toBe(true);
  });
});
