import { join } from 'node:path';
import { loadDefaultThesaurus } from './default-thesaurus';
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
    // ... and a negation ends with its sentence.
    expect(isSettledLocally(thesaurus, ['Handläggaren var sjuk och ingen tog över. Löst via enhetschefen.'])).toBe(true);
    expect(isSettledLocally(thesaurus, ['Ingen tog över; löstes av chefen.'])).toBe(true);
    expect(isSettledLocally(thesaurus, ['Ingen tog över och det är inte löst.'])).toBe(false);
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

  describe('with the default thesaurus', () => {
    const standard = parseThesaurus(loadDefaultThesaurus(join(__dirname, 'thesaurus.sv.txt')));

    it('a misunderstanding, something that went well, one slip or a technical fault is a local matter', () => {
      expect(isSettledLocally(standard, ['Det visade sig vara ett missförstånd mellan oss och handläggaren.'])).toBe(true);
      expect(isSettledLocally(standard, ['Överlämningen till vårdcentralen gick smidigt. Mer sånt!'])).toBe(true);
      expect(isSettledLocally(standard, ['Beslutet skickades till fel adress och skickades om.'])).toBe(true);
      expect(isSettledLocally(standard, ['Utbetalningen kom en vecka sent på grund av ett tekniskt fel.'])).toBe(true);
      expect(isSettledLocally(standard, ['Kallelsen hade fel deltagares namn.'])).toBe(true);
    });

    it('a passing absence or closure with the next step already set, or good news, is a local matter too', () => {
      expect(isSettledLocally(standard, ['Handläggaren var sjuk och mötet ställdes in. Ny tid bokad till fredag.'])).toBe(true);
      expect(isSettledLocally(standard, ['Läkaren är föräldraledig, vikarien tar över från nästa månad.'])).toBe(true);
      expect(isSettledLocally(standard, ['Vårdcentralen är stängd för renovering i tre veckor.'])).toBe(true);
      expect(isSettledLocally(standard, ['Bra nyheter: deltagaren har kommit in på folkhögskolan.'])).toBe(true);
    });

    it('not what barrier reports say in passing: an arranged placement, an old address, an unsolved problem', () => {
      expect(isSettledLocally(standard, ['Vi hade ordnat en praktikplats, men AF drog tillbaka anvisningen.'])).toBe(false);
      expect(isSettledLocally(standard, ['AF skickar kallelser till en gammal adress eftersom han saknar bostad.'])).toBe(false);
      expect(isSettledLocally(standard, ['Frågan är inte löst och samma sak händer varje gång.'])).toBe(false);
      expect(isSettledLocally(standard, ['FK och AF har olika regler och ingen tar ansvar för helheten.'])).toBe(false);
      expect(isSettledLocally(standard, ['Handläggaren på AF byts hela tiden, och ingen ny tid bokades förrän efter sommaren.'])).toBe(false);
      expect(isSettledLocally(standard, ['Hon har kommit in på komvux, men kurserna går bara på distans och hon har ingen dator.'])).toBe(false);
      expect(isSettledLocally(standard, ['AF bokade om mötet till en tid när fotbojan inte tillåter att han lämnar hemmet.'])).toBe(false);
      expect(isSettledLocally(standard, ['Soc stängde ärendet när hon började arbetsträna, trots att ersättningen inte räcker.'])).toBe(false);
    });
  });
});
