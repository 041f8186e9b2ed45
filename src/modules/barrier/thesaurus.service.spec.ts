import { withoutPersonalDataVariants } from './thesaurus.service';

describe('a thesaurus line without the variants that hold personal data', () => {
  it('takes whole variants out and tidies the commas', () => {
    expect(withoutPersonalDataVariants('intyg [FK]:  läkarintyget,, samtal med Fatima Warsame , intyg från läkare,')).toEqual({
      line: 'intyg [FK]: läkarintyget, intyg från läkare',
      removed: 1,
      inConcept: false,
      empty: false,
    });
    expect(withoutPersonalDataVariants('! ärende, 070-987 65 43').line).toBe('! ärende');
  });

  it('leaves the concept’s name, says when nothing is left, and changes nothing without personal data', () => {
    expect(withoutPersonalDataVariants('fatima.warsame@exempel.se: handläggaren')).toEqual({ line: 'fatima.warsame@exempel.se: handläggaren', removed: 0, inConcept: true, empty: false });
    expect(withoutPersonalDataVariants('= 811218-9876')).toEqual({ line: '=', removed: 1, inConcept: false, empty: true });
    expect(withoutPersonalDataVariants('sjukpenning [FK]: sjukpenningen, SGI')).toEqual({ line: 'sjukpenning [FK]: sjukpenningen, SGI', removed: 0, inConcept: false, empty: false });
  });
});
