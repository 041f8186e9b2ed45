import { generatedBarrierName } from './barrier-naming';

describe('generatedBarrierName', () => {
  it('names a barrier by its first three terms and its parties', () => {
    expect(generatedBarrierName(['sjukpenning', 'arbetsförmåga', 'inskrivning', 'SGI'], ['FK', 'AF'])).toBe('Sjukpenning, arbetsförmåga och inskrivning (FK, AF)');
    expect(generatedBarrierName(['samtycke'], [])).toBe('Samtycke');
    expect(generatedBarrierName([], ['AF'])).toBe('Återkommande hinder (AF)');
    // The parties are in the name already; their names are not what the barrier is about.
    expect(generatedBarrierName(['Arbetsförmedlingen', 'Försäkringskassan', 'sjukpenning', 'arbetsförmåga', 'inskrivning'], ['AF', 'FK'])).toBe(
      'Sjukpenning, arbetsförmåga och inskrivning (AF, FK)',
    );
  });
});
