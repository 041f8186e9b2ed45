import { TemplateRenderer } from '../../common/templates/template-renderer';
import { swedishList } from '../../common/text/swedish-list';
import { CASE_NOUN, counted, LetterDrafter, lowerFirst, numberWord, partOf, periodPhrase, recipientName, REPORT_NOUN, sentenceStart, trendSentence, unnamedTopic } from './letter-drafting';
import { buildLetterEvidence, EvidenceMember } from './letter-evidence';
import { detectPii } from '../../common/pii/pii-detector';

function member(occurredOn: string, municipality: string, subproject: string, extra: Partial<EvidenceMember> = {}): EvidenceMember {
  return {
    reference: `AVV-${occurredOn}-${municipality}`,
    occurredOn,
    municipality,
    subproject,
    parties: ['FK', 'AF'],
    severity: 'hog',
    markedStructural: false,
    description: `Försäkringskassan drog in sjukpenningen och Arbetsförmedlingen kunde inte skriva in deltagaren (${municipality}).`,
    consequence: 'Deltagaren blev utan inkomst.',
    tried: 'Trepartsmöte med FK och AF.',
    resolution: null,
    ...extra,
  };
}

describe('wording helpers', () => {
  it('lists, dates and lower-cases the Swedish way', () => {
    expect(swedishList(['Haninge', 'Botkyrka', 'Salem'])).toBe('Haninge, Botkyrka och Salem');
    expect(periodPhrase('2018-03-12', '2019-12-01')).toBe('mellan mars 2018 och december 2019');
    expect(periodPhrase('2018-03-01', '2018-03-30')).toBe('under mars 2018');
    expect(periodPhrase('2026-01-12', '2026-06-01')).toBe('mellan januari och juni 2026');
    expect(lowerFirst('Glapp mellan FK och AF')).toBe('glapp mellan FK och AF');
    expect(lowerFirst('AF:s insatser kräver en lägsta arbetsförmåga')).toBe('AF:s insatser kräver en lägsta arbetsförmåga');
    expect(recipientName('\nFörsäkringskassan\nBox 1\n')).toBe('Försäkringskassan');
  });

  it('puts numbers behind the trend word', () => {
    const quarters = [1, 1, 2, 3].map((count, i) => ({ quarter: `2018-Q${i + 1}`, label: `2018 K${i + 1}`, count }));
    expect(trendSentence(quarters, 'okande')).toBe(
      'Under de två senaste kvartalen (till och med fjärde kvartalet 2018) kom fem rapporter in, mot två under de två kvartalen dessförinnan; antalet har alltså ökat.',
    );
    const two = [2, 1].map((count, i) => ({ quarter: `2019-Q${i + 1}`, label: `2019 K${i + 1}`, count }));
    expect(trendSentence(two, 'minskande')).toBe('Under det senaste kvartalet (till och med andra kvartalet 2019) kom en rapport in, mot två under kvartalet dessförinnan; antalet har alltså minskat.');
    expect(trendSentence([{ quarter: '2019-Q3', label: '2019 K3', count: 1 }], 'oforandrad')).toBe('Rapporten kom under tredje kvartalet 2019.');
  });

  it('writes one to twelve in words, agrees in gender and number, and starts no sentence with digits', () => {
    expect([0, 1, 7, 12, 13].map((n) => numberWord(n, 'en'))).toEqual(['noll', 'en', 'sju', 'tolv', '13']);
    expect(counted(1, 'delprojekt', 'delprojekt', 'ett')).toBe('ett delprojekt');
    expect(counted(1, 'kommun', 'kommuner', 'en')).toBe('en kommun');
    expect(counted(5, 'kommun', 'kommuner', 'en')).toBe('fem kommuner');
    expect(partOf(2, 4, CASE_NOUN)).toBe('i två av fyra fall');
    expect(partOf(5, 13, REPORT_NOUN)).toBe('i 5 av 13 rapporter');
    expect(partOf(1, 13, REPORT_NOUN)).toBe('i 1 av 13 rapporter');
    expect(partOf(4, 4, REPORT_NOUN)).toBe('i alla fyra rapporterna');
    expect(partOf(2, 2, REPORT_NOUN)).toBe('i båda rapporterna');
    expect(partOf(1, 1, CASE_NOUN)).toBe('i fallet');
    expect(sentenceStart('fem avvikelserapporter')).toBe('Fem avvikelserapporter');
    expect(sentenceStart('13 avvikelserapporter')).toBe('Sammanlagt 13 avvikelserapporter');
  });
});

describe('LetterDrafter', () => {
  const drafter = new LetterDrafter(new TemplateRenderer());
  const evidence = buildLetterEvidence(
    [member('2018-01-10', 'Haninge', 'MIA Östra Södertörn'), member('2018-04-02', 'Botkyrka', 'MIA HBS'), member('2018-08-20', 'Järfälla', 'MIA Järfälla')],
    ['FK', 'AF'],
  );
  const draft = drafter.draft({
    barrierName: 'Glapp mellan FK och AF när sjukpenningen upphör',
    barrierNamed: true,
    terms: ['sjukpenning', 'arbetsförmåga'],
    recipient: 'Nationella rådet för finansiell samordning',
    evidence,
  });

  it('writes every section in formal Swedish from the data', () => {
    expect(draft.subject).toBe('Skrivelse angående glapp mellan FK och AF när sjukpenningen upphör');
    expect(draft.summary).toContain('Tre avvikelserapporter från tre kommuner i tre delprojekt, mellan januari och augusti 2018');
    // Parties named equally often come in alphabetical order.
    expect(draft.summary).toContain('Arbetsförmedlingens och Försäkringskassans regelverk möts');
    expect(draft.evidence).toContain('tre kommuner (Botkyrka, Haninge och Järfälla)');
    // Severity is said under the consequences, not again in the evidence.
    expect(draft.evidence).not.toContain('allvarlighetsgrad');
    expect(draft.consequences).toContain('Medarbetarna har bedömt allvarlighetsgraden för deltagaren som hög i alla tre rapporterna.');
    expect(draft.evidence).toContain('– ”Försäkringskassan drog in sjukpenningen');
    expect(draft.consequences).toContain('Deltagaren blev utan inkomst.');
    expect(draft.triedLocally).toContain('Trepartsmöte med FK och AF.');
    // A lead's resolution that got one participant further must not read as the barrier being solved.
    expect(draft.triedLocally).toContain('samma problem har återkommit för andra deltagare');
    expect(draft.interfaceRules).toContain('I alla tre rapporterna anges Försäkringskassan som berörd part.');
    expect(draft.interfaceRules).toContain('Återkommande begrepp i rapporterna är sjukpenning och arbetsförmåga.');
    expect(draft.requestedAction).toMatch(/^Vi ber Nationella rådet för finansiell samordning att\n– uppmärksamma Arbetsförmedlingen och Försäkringskassan/);
  });

  it('has no template residue and nothing the personal-data guard would refuse', () => {
    for (const text of Object.values(draft)) {
      expect(text).not.toMatch(/\{\{|\{%|undefined|\n\n\n| \n/);
      expect(detectPii(text)).toEqual([]);
    }
  });

  it('describes a barrier nobody has named by its parties, not by the engine keywords', () => {
    const unnamed = drafter.draft({
      barrierName: 'Sjukpenning, ersättning och upphöra (FK, AF, ANNAN)',
      barrierNamed: false,
      terms: ['sjukpenning', 'ersättning', 'upphöra'],
      recipient: 'Nationella rådet för finansiell samordning',
      evidence: buildLetterEvidence([member('2018-01-10', 'Haninge', 'MIA Östra Södertörn'), member('2018-04-02', 'Botkyrka', 'MIA HBS')], ['FK', 'AF', 'ANNAN']),
    });
    expect(unnamed.subject).toBe('Skrivelse angående ett återkommande hinder mellan Arbetsförmedlingen och Försäkringskassan');
    expect(unnamed.summary).toContain('beskriver samma återkommande hinder.');
    expect(unnamed.subject + unnamed.summary).not.toMatch(/upphöra|ANNAN/);
    expect(unnamedTopic([])).toBe('ett återkommande strukturellt hinder');
    expect(unnamedTopic(['Region Stockholm'])).toBe('ett återkommande hinder hos Region Stockholm');
  });

  it('words a one-party barrier without "möts"', () => {
    const single = drafter.draft({
      barrierName: 'AF:s insatser kräver en lägsta arbetsförmåga',
      barrierNamed: true,
      terms: [],
      recipient: 'Arbetsförmedlingen',
      evidence: buildLetterEvidence([member('2019-02-01', 'Salem', 'MIA HBS', { parties: ['AF'] })], ['AF']),
    });
    expect(single.summary).toContain('i tillämpningen av Arbetsförmedlingens regelverk');
    expect(single.requestedAction.startsWith('Vi ber Arbetsförmedlingen att')).toBe(true);
    expect(single.interfaceRules).not.toContain('Återkommande begrepp');
  });
});
