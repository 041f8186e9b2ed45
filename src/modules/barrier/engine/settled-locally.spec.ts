import { isSettledLocally } from './settled-locally';
import { parseThesaurus } from './thesaurus';

describe('reports that say their problem was settled locally', () => {
  const thesaurus = parseThesaurus('= löst, löstes, rättades, fungerade bra, gott exempel\n= löst sig');

  it('are found by the phrases of the = lines, in any case and across line breaks', () => {
    expect(isSettledLocally(thesaurus, ['Fel kontonummer hos FK', 'Det rättades efter ett samtal.'])).toBe(true);
    expect(isSettledLocally(thesaurus, ['LÖSTES samma dag.'])).toBe(true);
    expect(isSettledLocally(thesaurus, ['Överlämningen fungerade\nbra, ett gott exempel.'])).toBe(true);
    expect(isSettledLocally(thesaurus, ['Det har löst sig.'])).toBe(true);
  });

  it('not when a negation comes just before ("har ännu inte rättats"), nor inside other words', () => {
    expect(isSettledLocally(thesaurus, ['Felet har ännu inte rättats.'])).toBe(false);
    expect(isSettledLocally(thesaurus, ['Ingen har löst det, och det är inte löst.'])).toBe(false);
    expect(isSettledLocally(thesaurus, ['Problemet är olöst och lösten kom aldrig.'])).toBe(false);
    // A negation further back belongs to another clause.
    expect(isSettledLocally(thesaurus, ['Hon kom inte till mötet men det ordnades och löstes samma dag.'])).toBe(true);
    expect(isSettledLocally(thesaurus, [undefined, ''])).toBe(false);
  });

  it('whatever the letters around the phrase and the case an analyst wrote it in', () => {
    const own = parseThesaurus('= Reddes Ut');
    expect(isSettledLocally(own, ['Det REDDES   UT på mötet.'])).toBe(true);
    expect(isSettledLocally(own, ['Allt reddes ut.'])).toBe(true);
    // Letters outside a–ö are letters too: no phrase inside such a word.
    expect(isSettledLocally(thesaurus, ['Problemet kallas Ølöst.', 'Det är éløst.'])).toBe(false);
    expect(isSettledLocally(thesaurus, ['Ärendet: löst!'])).toBe(true);
  });

  it('never, without = lines', () => {
    expect(isSettledLocally(parseThesaurus('sjukpenning: sjp'), ['Det löstes.'])).toBe(false);
  });
});
