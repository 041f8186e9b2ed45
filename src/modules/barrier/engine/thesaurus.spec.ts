import { CorpusLexicon } from './corpus-lexicon';
import { loadDefaultThesaurus } from './default-thesaurus';
import { EngineReport } from './engine-types';
import { extractFeatures } from './report-features';
import { stemSwedish } from './swedish-stemmer';
import { broaderConcepts, parseThesaurus } from './thesaurus';

const TEXT = `
# kommentar
Arbetsförmedlingen [AF]: AF, af, arbetsförmedling
Försäkringskassan [FK]: FK, fk, försäkringskassa
ersättning: pengar
sjukpenning > ersättning: sjp
ekonomiskt bistånd [KOMMUN] > ersättning: ek.bistånd, försörjningsstöd
Supported employment: SE, IPS
läkarintyg: intyg, medicinskt underlag
! mellan stolarna, gränssnitt, deltagare
`;

function report(description: string, title = 'Rubrik'): EngineReport {
  return { id: 'R1', title, description, category: 'ovrigt', parties: [], municipality: 'Haninge', subproject: 'P', occurredOn: '2020-01-01' };
}

function featuresOf(description: string, corpus: string[] = []): Map<string, number> {
  const thesaurus = parseThesaurus(TEXT);
  const wordDf = CorpusLexicon.countWords([...corpus, description].map((t) => t.toLowerCase().split(/[^\p{L}]+/u).filter(Boolean)));
  return extractFeatures(report(description), thesaurus, new CorpusLexicon(thesaurus, wordDf)).counts;
}

describe('Swedish text pipeline and thesaurus', () => {
  it('uses the Snowball stemmer', () => {
    expect(stemSwedish('sjukpenningen')).toBe('sjukpenning');
    expect(stemSwedish('insatserna')).toBe(stemSwedish('insatser'));
  });

  it('maps abbreviations, inflections and multi-word variants to one concept', () => {
    const a = featuresOf('AF:s handläggare ringde. Hon har ek.bistånd och sjukpenningen upphör.');
    expect(a.get('c:arbetsförmedlingen')).toBe(1);
    expect(a.get('c:ekonomiskt bistånd')).toBe(1);
    expect(a.get('c:sjukpenning')).toBe(1);
    const b = featuresOf('Arbetsförmedlingen ringde. Försörjningsstödet drogs in.');
    expect(b.get('c:arbetsförmedlingen')).toBe(1);
    expect(b.get('c:ekonomiskt bistånd')).toBe(1);
  });

  it('matches upper-case abbreviations only when written in upper case', () => {
    expect(featuresOf('Hon vill börja med SE nästa vecka').get('c:supported employment')).toBe(1);
    expect(featuresOf('Vi får se vad som händer').has('c:supported employment')).toBe(false);
  });

  it('adds broader concepts at lower weight and drops generic words', () => {
    const f = featuresOf('Sjp och försörjningsstöd, deltagaren föll mellan stolarna i gränssnittet');
    expect(f.get('b:ersättning')).toBeCloseTo(1);
    expect([...f.keys()].some((k) => k.includes('stol') || k.includes('gränssnitt') || k.includes('deltag'))).toBe(false);
    expect(broaderConcepts(parseThesaurus(TEXT), 'sjukpenning')).toEqual(['ersättning']);
  });

  it('folds definite endings and splits compounds against known words', () => {
    const corpus = ['intyg från läkare', 'läkare skrev intyg', 'plats på arbetsträning', 'en plats', 'arbetsträning igen'];
    const f = featuresOf('Läkarintyget saknas. Arbetsträningsplatsen är stängd.', corpus);
    expect(f.get('c:läkarintyg')).toBeGreaterThan(0);
    expect(f.has('t:arbetsträning')).toBe(true);
    expect(f.has('t:' + stemSwedish('plats'))).toBe(true);
  });

  it('splits compounds at the real boundary, not at one a typo correction makes up', () => {
    const thesaurus = parseThesaurus(TEXT);
    const words = ['praktik', 'praktik', 'praktik', 'plats', 'plats', 'plats', 'praktikplats'];
    const lexicon = new CorpusLexicon(thesaurus, CorpusLexicon.countWords(words.map((w) => [w])));
    expect(lexicon.splitCompound('praktikplats')).toEqual(['praktik', 'plats']);
  });

  it('never takes a derivational ending for the head of a compound', () => {
    const thesaurus = parseThesaurus(TEXT);
    const words = ['verksam', 'verksam', 'het', 'het', 'behandla', 'behandla', 'ande', 'ande'];
    const lexicon = new CorpusLexicon(thesaurus, CorpusLexicon.countWords(words.map((w) => [w])));
    expect(lexicon.splitCompound('verksamhet')).toBeNull();
    expect(lexicon.splitCompound('behandlande')).toBeNull();
  });

  it('counts the head of a compound as the word itself and the part before it as less', () => {
    const corpus = ['plats på arbetsträning', 'en plats', 'arbetsträning igen'];
    const f = featuresOf('Arbetsträningsplatsen är stängd.', corpus);
    expect(f.get('t:' + stemSwedish('plats'))).toBe(1);
    expect(f.get('t:arbetsträning')).toBe(0.5);
  });

  it('corrects one-letter typos towards common words', () => {
    const corpus = Array.from({ length: 4 }, () => 'arbetsmarknaden kräver mycket');
    const f = featuresOf('Långt från abretsmarknaden', corpus);
    expect(f.has('t:' + stemSwedish('arbetsmarknaden'))).toBe(true);
  });

  it('keeps short numbers (ages, hours, days) as words and drops long ones (years, ids)', () => {
    const f = featuresOf('Stödet upphör vid 18 år, 15 timmar i veckan sedan 2019, tel 0701740612 eller 08-123 45, 25 000 kr');
    expect(f.get('t:18')).toBe(1);
    expect(f.get('t:15')).toBe(1);
    expect([...f.keys()].some((k) => /2019|0701740612|08|000/.test(k))).toBe(false);
  });

  it('lets analyst lines extend the thesaurus, later lines winning', () => {
    const t = parseThesaurus(TEXT, ['läkarintyg: FMU', 'Supported employment: praktik med stöd']);
    expect([...(t.variantsByRaw.get('FMU') ?? [])].length).toBe(1);
    expect(t.concepts.get('supported employment')?.label).toBe('Supported employment');
  });

  it('reads = lines as phrases that say a problem was settled locally, the analyst\'s added to the default ones', () => {
    const t = parseThesaurus('= löst, Rättades\n=  fungerade   bra ', ['= fixat, löst']);
    expect([...t.settledPhrases].sort()).toEqual(['fixat', 'fungerade bra', 'löst', 'rättades']);
    // Not a concept, and not a generic word.
    expect(t.concepts.has('löst')).toBe(false);
    expect(t.knownWords.has('fixat')).toBe(false);
  });

  it('ships a default list of such phrases', () => {
    expect(parseThesaurus(loadDefaultThesaurus()).settledPhrases).toEqual(expect.arrayContaining(['löstes', 'rättades', 'gott exempel', 'av misstag', 'glömde']));
  });
});

describe('placeholders in stored lines (saved before they were refused)', () => {
  it('leaves out variants, phrases and concepts holding one, and keeps the rest of the line', () => {
    const thesaurus = parseThesaurus('', ['intyg [FK]: läkarintyget, ring [telefonnummer borttaget]', '= fixat, [namn borttaget]', '[namn borttaget]: handläggaren']);
    expect(thesaurus.settledPhrases).toEqual(['fixat']);
    expect([...thesaurus.concepts.keys()]).toEqual(['intyg']);
    expect([...thesaurus.knownWords].sort()).toEqual(['intyg', 'läkarintyget']);
  });
});
