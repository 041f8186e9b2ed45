import { loadDefaultThesaurus } from './engine/default-thesaurus';
import { generatedBarrierName, isNameWord, nounConceptsOf } from './barrier-naming';

describe('generatedBarrierName', () => {
  it('names a barrier by its first three terms and its parties', () => {
    expect(generatedBarrierName(['sjukpenning', 'arbetsförmåga', 'inskrivning', 'SGI'], ['FK', 'AF'], new Set(['arbetsförmåga']))).toBe(
      'Sjukpenning, arbetsförmåga och inskrivning (FK, AF)',
    );
    expect(generatedBarrierName(['samtycke'], [])).toBe('Samtycke');
    // The parties are in the name already; their names are not what the barrier is about.
    expect(generatedBarrierName(['Arbetsförmedlingen', 'Försäkringskassan', 'sjukpenning', 'läkarintyg', 'inskrivning'], ['AF', 'FK'])).toBe(
      'Sjukpenning, läkarintyg och inskrivning (AF, FK)',
    );
  });

  it('skips words that name no cause: a lone adjective or pronoun, and verb forms', () => {
    // The demo's barriers, as the engine characterised them.
    expect(generatedBarrierName(['kommunen', 'egen'], ['KOMMUN', 'ANNAN'])).toBe('Återkommande hinder som rör kommunen och annan part (KOMMUN, ANNAN)');
    expect(generatedBarrierName(['samtycke', 'informationsöverföring', 'regionen', 'Arbetsförmedlingen', 'lämna', 'inskrivning'], ['REGION', 'AF'])).toBe(
      'Samtycke, informationsöverföring och inskrivning (REGION, AF)',
    );
    expect(generatedBarrierName(['Arbetsförmedlingen', 'sjukpenning', 'upphöra', 'Försäkringskassan', 'ersättning', 'sjukskrivning'], ['AF', 'FK'])).toBe(
      'Sjukpenning, ersättning och sjukskrivning (AF, FK)',
    );
    expect(generatedBarrierName(['samverkansteam', 'myndigheterna', 'saknar', 'sekretess'], [])).toBe('Samverkansteam, myndigheterna och sekretess');
    expect(generatedBarrierName([], [])).toBe('Återkommande hinder');
  });

  it('reads a single word’s ending, and keeps concepts, phrases and short words', () => {
    // Verb forms: infinitive, present, passive, past; adjectives in -ig, -isk, -sam, -bar.
    for (const word of ['lämna', 'upphöra', 'påverka', 'fortsätta', 'saknar', 'skickar', 'avstår', 'ingår', 'saknas', 'nekas', 'nekade', 'långsiktig', 'psykiska', 'medicinskt', 'gemensamt', 'tillgänglig', 'hållbara']) {
      expect([word, isNameWord(word)]).toEqual([word, false]);
    }
    // Function-like words and the verbs the endings cannot tell from nouns.
    for (const word of ['egen', 'all', 'annan', 'samma', 'anser', 'kräver', 'behöver', 'Försäkringskassan']) expect([word, isNameWord(word)]).toEqual([word, false]);
    // Nouns: -ning, -het, -tion, plurals in -er, definite forms, -ande, agent nouns, and -ar nouns.
    for (const word of ['ersättning', 'behörighet', 'informationsöverföring', 'insatser', 'uppgifter', 'myndigheterna', 'socialtjänsten', 'arbetssökande', 'läkare', 'samtycke', 'möte', 'svar', 'handläggaransvar', 'krav', 'avslag', 'beslut']) {
      expect([word, isNameWord(word)]).toEqual([word, true]);
    }
    // Phrases are the thesaurus's or compounds; a noun concept in -a is a noun.
    expect(isNameWord('ekonomiskt bistånd')).toBe(true);
    expect(isNameWord('jobb- och utvecklingsgarantin')).toBe(true);
    expect(isNameWord('arbetsförmåga')).toBe(false);
    expect(isNameWord('arbetsförmåga', new Set(['arbetsförmåga']))).toBe(true);
  });
});

describe('nounConceptsOf', () => {
  it('takes the concepts the thesaurus writes as nouns (a definite form among the variants, or a phrase), not the happenings', () => {
    const nouns = nounConceptsOf(
      [
        '# kommentar: inte ett begrepp',
        'arbetsförmåga: arbetsförmågan, arbetsför',
        'grundskola [ANNAN] > skolan: grundskolan, grundvux',
        'upphöra: upphör, upphörde, upphört',
        'psykisk ohälsa: psykiska besvär',
        '! allmänt: ord',
        '= löst: på plats',
      ].join('\n'),
    );
    expect([...nouns].sort()).toEqual(['arbetsförmåga', 'grundskola', 'psykisk ohälsa']);
  });

  it('finds the default thesaurus’s nouns in -a and leaves its verb concept', () => {
    const nouns = nounConceptsOf(loadDefaultThesaurus());
    expect(nouns.has('arbetsförmåga')).toBe(true);
    expect(nouns.has('gymnasieskola')).toBe(true);
    expect(nouns.has('upphöra')).toBe(false);
  });
});
