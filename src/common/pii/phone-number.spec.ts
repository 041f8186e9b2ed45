import { findPhoneNumbers } from './phone-number';

function matched(text: string): string[] {
  return findPhoneNumbers(text).map((f) => text.slice(f.start, f.end));
}

describe('findPhoneNumbers', () => {
  it.each([
    ['Nås på 070-987 65 43 dagtid.', '070-987 65 43'],
    ['Mobil 0709876543.', '0709876543'],
    ['Ring 073 612 34 56 efter kl 10.', '073 612 34 56'],
    ['Tel: 076-1234567', '076-1234567'],
    ['Nås på +46 70 987 65 43.', '+46 70 987 65 43'],
    ['Nås på +46709876543.', '+46709876543'],
    ['Nås på +46 (0)70-987 65 43.', '+46 (0)70-987 65 43'],
    ['Nås på 0046 70 987 65 43.', '0046 70 987 65 43'],
    ['Hemtelefon 08-123 456 78.', '08-123 456 78'],
    ['Hemtelefon 08-12 34 56.', '08-12 34 56'],
    ['Hemtelefon (08) 555 123 45.', '(08) 555 123 45'],
    ['Nummer 031-711 22 33 till mamman.', '031-711 22 33'],
    ['Nummer 0498-12 34 56.', '0498-12 34 56'],
    ['Nås på 0701-23 45 67.', '0701-23 45 67'],
    ['Nås på 072-011 32 54.', '072-011 32 54'],
    ['Finskt nummer +358 40 123 4567.', '+358 40 123 4567'],
  ])('finds the number in %j', (text, expected) => {
    expect(matched(text)).toEqual([expected]);
  });

  it('finds two numbers written one after the other', () => {
    expect(matched('Ring 070-987 65 43 eller 08-123 456 78.')).toEqual(['070-987 65 43', '08-123 456 78']);
    expect(matched('Ring 070-987 65 43, 08-123 456 78')).toEqual(['070-987 65 43', '08-123 456 78']);
  });

  it('stops before a number that does not belong to the phone number', () => {
    expect(matched('Ring 070-987 65 43 2 gånger.')).toEqual(['070-987 65 43']);
  });

  it.each([
    ['ISO dates', 'Beslut 2024-03-12, möte 2019-07-01.'],
    ['day-month dates', 'Möte 12/3 och 08/03/2019 och 03-04-2018 och 08-12-2019.'],
    ['times and time ranges', 'Kl 13:45, 08.30-12.00 och 0830-1200.'],
    ['years and ranges of years', 'Under 2018 och 2019-2020.'],
    ['amounts', 'Skulden är 200 000 kr och 0 kr i bistånd, 1 500 000 SEK.'],
    ['diarienummer', 'Dnr 2019-1234, FK 12345-2019, Dnr 0123-456789, ärendenr 08-123 456 78.'],
    ['a personnummer', 'Avser 811218-9876 och 19811218-9876.'],
    ['a personnummer born in the 2000s with a wrong check digit', 'Avser 030512-1234 och 0305121234.'],
    ['postcodes and organisation numbers', '136 40 Haninge, orgnr 212000-0142, bankgiro 5050-1055.'],
    ['too short numbers', 'Kod 0701 och 070-12 34 och 08-123 4.'],
    ['mobile numbers with the wrong length', 'Nr 070-123 456.'],
    ['a subscriber number starting with 0', 'Nr 08-012 34 56.'],
    ['counts and hours', 'Hon orkar 02 timmar, 08 st, 0,5 dagar.'],
    ['service numbers of authorities and companies', 'Ring 0771-416 416, 020-123 456 eller 0900-123 45 67.'],
  ])('ignores %s', (_what, text) => {
    expect(matched(text)).toEqual([]);
  });

  it('accepts a bare ambiguous number only after a phone word', () => {
    expect(matched('Nummer 0311234567.')).toEqual(['0311234567']);
    expect(matched('Hon går att nå på 0311234567.')).toEqual(['0311234567']);
    expect(matched('Referens 0311234567.')).toEqual([]);
  });
});
