import { classifySwedishIdNumber, findSwedishIdNumbers, hasValidLuhnChecksum } from './swedish-id-number';

function kindsIn(text: string): string[] {
  return findSwedishIdNumbers(text).map((f) => `${f.kind}:${text.slice(f.start, f.end)}`);
}

describe('hasValidLuhnChecksum', () => {
  it('accepts numbers whose last digit is the Luhn check digit of the first nine', () => {
    expect(hasValidLuhnChecksum('8112189876')).toBe(true);
    expect(hasValidLuhnChecksum('6408233234')).toBe(true);
    expect(hasValidLuhnChecksum('0211304563')).toBe(true);
  });

  it('rejects a wrong check digit and anything but ten digits', () => {
    expect(hasValidLuhnChecksum('8112189877')).toBe(false);
    expect(hasValidLuhnChecksum('811218987')).toBe(false);
    expect(hasValidLuhnChecksum('81121898760')).toBe(false);
    expect(hasValidLuhnChecksum('81121898x6')).toBe(false);
  });
});

describe('classifySwedishIdNumber', () => {
  it('tells samordningsnummer (day + 60) from personnummer', () => {
    expect(classifySwedishIdNumber(undefined, '811218', '-', '9876')).toBe('personnummer');
    expect(classifySwedishIdNumber(undefined, '750672', '-', '1112')).toBe('samordningsnummer');
  });

  it('checks 29 February against the century when it is written', () => {
    expect(classifySwedishIdNumber(undefined, '000229', '-', '1110')).toBe('personnummer');
    expect(classifySwedishIdNumber('20', '000229', '', '1110')).toBe('personnummer');
    expect(classifySwedishIdNumber('19', '000229', '', '1110')).toBeNull();
  });

  it('rejects impossible dates and centuries', () => {
    expect(classifySwedishIdNumber(undefined, '811318', '-', '9876')).toBeNull();
    expect(classifySwedishIdNumber(undefined, '810132', '-', '1234')).toBeNull();
    expect(classifySwedishIdNumber(undefined, '810230', '-', '1234')).toBeNull();
    expect(classifySwedishIdNumber(undefined, '810100', '-', '1234')).toBeNull();
    expect(classifySwedishIdNumber('17', '811218', '-', '9876')).toBeNull();
    expect(classifySwedishIdNumber('19', '811218', '+', '9876')).toBeNull();
  });
});

describe('findSwedishIdNumbers', () => {
  it.each([
    ['Avser 811218-9876 som börjar måndag.', 'personnummer:811218-9876'],
    ['Avser 8112189876.', 'personnummer:8112189876'],
    ['Pnr 19811218-9876 enligt FK.', 'personnummer:19811218-9876'],
    ['Personnummer: 198112189876', 'personnummer:198112189876'],
    ['Född 200211304563, ny i MIA.', 'personnummer:200211304563'],
    ['Hon är 112 år, 120315+6789.', 'personnummer:120315+6789'],
    ['Samordningsnummer 750672-1112 saknas hos AF.', 'samordningsnummer:750672-1112'],
    ['Samordn.nr 19701063-2342.', 'samordningsnummer:19701063-2342'],
    ['(640823-3234)', 'personnummer:640823-3234'],
    ['pnr:640823-3234', 'personnummer:640823-3234'],
    ['Pers.nr.640823-3234', 'personnummer:640823-3234'],
  ])('finds %j', (text, expected) => {
    expect(kindsIn(text)).toEqual([expected]);
  });

  it.each([
    ['a wrong check digit', 'Avser 811218-9877, fel siffra.'],
    ['a wrong check digit in the 12-digit form', 'Avser 198112189877.'],
    ['an invalid month', 'Nummer 811318-9876 finns inte.'],
    ['an invalid day', 'Nummer 810132-1234 finns inte.'],
    ['an ISO date', 'Beslut 2024-03-12 och möte 2024-04-02.'],
    ['a short date', 'Möte 12/3 kl 13:45.'],
    ['a diarienummer', 'Dnr 2019-1234 och FK 12345-2019 samt AF-2018/012345.'],
    ['an amount', 'Skulden är 1 250 000 kr, tidigare 811218 kr.'],
    ['part of a longer number', 'Ordernummer 12-811218-9876 och 8112189876123.'],
    ['a date followed by a time', 'Tid 20240312 1345.'],
  ])('ignores %s', (_what, text) => {
    expect(findSwedishIdNumbers(text)).toEqual([]);
  });

  it('reads a bare ten-digit 07… number as a phone number unless an identity word precedes it', () => {
    expect(findSwedishIdNumbers('Nås på 0703051235 efter lunch.')).toEqual([]);
    expect(kindsIn('Personnummer 0703051235.')).toEqual(['personnummer:0703051235']);
    expect(kindsIn('Avser 070305-1235.')).toEqual(['personnummer:070305-1235']);
  });

  it('reports offsets and a Swedish label, never the number itself', () => {
    const text = 'Avser 811218-9876.';
    const [finding] = findSwedishIdNumbers(text);
    expect(finding).toEqual({ kind: 'personnummer', label: 'personnummer', start: 6, end: 17 });
    expect(JSON.stringify(finding)).not.toContain('9876');
  });
});
