import { ValidationFailedError } from '../../common/errors/domain-error';
import { assertSenderHasNoIdNumber, senderIdNumberProblems } from './letter-personal-data';

/** 1985-03-12, Luhn-valid; the samordningsnummer is the same birth date with the day plus 60. */
const PERSONNUMMER = '19850312-1231';
const SAMORDNINGSNUMMER = '850372-1238';

describe('the sender’s fields never carry an identity number', () => {
  it('accepts the analyst’s own name, title, e-mail and phone as the editor offers and the analyst writes them', () => {
    expect(
      senderIdNumberProblems({
        referenceNumber: 'Dnr 2026/14',
        signatoryName: 'Anna Andersson',
        signatoryTitle: 'Verksamhetsutvecklare, MIA Vidare 2020–2022',
        contactEmail: 'anna.andersson@samordningsforbund.se',
        contactPhone: '08-123 456 78',
      }),
    ).toEqual([]);
    for (const phone of ['+46 8 123 456 78', '070-123 45 67', '0701234567', '08-12345678', '+46701234567']) expect([phone, senderIdNumberProblems({ contactPhone: phone })]).toEqual([phone, []]);
  });

  it('lets a ten-digit phone number from 0 through even where its digits also pass as a personnummer', () => {
    // 08-112 345 66 written without separators: 081123-4566 is a valid date with a valid check digit.
    expect(senderIdNumberProblems({ contactPhone: '0811234566' })).toEqual([]);
    expect(senderIdNumberProblems({ referenceNumber: '0811234566' })).toHaveLength(1);
  });

  it('refuses a personnummer or samordningsnummer in the diarienummer, the title and the phone, each at its field in Swedish', () => {
    expect(senderIdNumberProblems({ referenceNumber: PERSONNUMMER, signatoryTitle: `Handläggare för ${SAMORDNINGSNUMMER}`, contactPhone: PERSONNUMMER })).toEqual([
      { field: 'referenceNumber', message: 'Diarienumret liknar ett personnummer. Skriv ärendets diarienummer, inte en persons.' },
      { field: 'signatoryTitle', message: 'Undertecknarens titel innehåller något som liknar ett samordningsnummer. Skriv bara titeln, till exempel ”Verksamhetsutvecklare”.' },
      { field: 'contactPhone', message: 'Telefonnumret för kontakt liknar ett personnummer. Skriv avsändarens telefonnummer, till exempel 08-123 456 78.' },
    ]);
    expect(senderIdNumberProblems({ contactPhone: '850312-1231' })).toHaveLength(1);
  });

  it('never quotes the number (the API answers with the message) and throws a 400 with the problems', () => {
    for (const problem of senderIdNumberProblems({ referenceNumber: PERSONNUMMER, signatoryTitle: PERSONNUMMER })) expect(problem.message).not.toContain('1231');
    expect(() => assertSenderHasNoIdNumber({ signatoryTitle: PERSONNUMMER })).toThrow(ValidationFailedError);
    expect(() => assertSenderHasNoIdNumber({ signatoryTitle: 'Verksamhetsutvecklare', referenceNumber: null })).not.toThrow();
  });
});
