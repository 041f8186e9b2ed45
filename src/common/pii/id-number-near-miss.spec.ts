import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findIdNumberNearMisses, idNumberFingerprint, maskedIdNumber, removeIdNumberNearMisses } from './id-number-near-miss';
import { containsPii, maskPii } from './pii-detector';

function nearMisses(text: string): string[] {
  return findIdNumberNearMisses(text).map((m) => `${m.kind}/${m.reason}:${text.slice(m.start, m.end)}`);
}

describe('findIdNumberNearMisses', () => {
  it.each([
    // A failed check digit next to a word that says what it is.
    ['Gäller personnummer 19850312-1234 enligt FK.', 'personnummer/check-digit:19850312-1234'],
    ['Samordningsnummer 850372-1237 saknas hos AF.', 'samordningsnummer/check-digit:850372-1237'],
    ['Personnr: 690304-0948. Soc räknar in barnbidraget.', 'personnummer/check-digit:690304-0948'],
    ['pnr 85 03 12 1234', 'personnummer/check-digit:85 03 12 1234'],
    ['P-nr 8503121234 enligt kallelsen.', 'personnummer/check-digit:8503121234'],
    ['Samordningsnr 19850372-1237', 'samordningsnummer/check-digit:19850372-1237'],
    ['Hon är född 850312 1234.', 'personnummer/check-digit:850312 1234'],
    ['Står 850312-1234 (pnr) i brevet.', 'personnummer/check-digit:850312-1234'],
    // Written as identity numbers are, no word needed: the date, a dash, four digits.
    ['Avser 850312-1234 i kallelsen.', 'personnummer/check-digit:850312-1234'],
    ['Avser 850312-123 4 i kallelsen.', 'personnummer/check-digit:850312-123 4'],
    ['Avser 850312 – 1234.', 'personnummer/check-digit:850312 – 1234'],
    // A valid number the detector misses for its spacing.
    ['pnr 811218 9876', 'personnummer/written-apart:811218 9876'],
    ['Det gäller 811218 – 9876 nu.', 'personnummer/written-apart:811218 – 9876'],
    ['Skrev 811218-987 6 på blanketten.', 'personnummer/written-apart:811218-987 6'],
  ])('finds %j', (text, expected) => {
    expect(containsPii(text)).toBe(false);
    expect(nearMisses(text)).toEqual([expected]);
  });

  it.each([
    // The detector finds these: the form refuses them outright.
    'Avser 811218-9876.',
    'Samordningsnummer 750672-1112.',
    'Ring 070-123 45 67.',
    // No date, no identity number.
    'Organisationsnummer 556677-8899.',
    'Avser 851332-1234.',
    'Avser 850230-1234.',
    // Not 10 or 12 digits, or part of a longer number.
    'Mötet 2019-03-12 kl 14.',
    'Dnr 2021-1234.',
    'Avser 850312-12345.',
    'Avser 12-850312-1234.',
    'Avser 850312-1234/5.',
    'Kostnaden var 1 234 567 890 kr.',
    // Bare digits without a word that says what they are: as often a case or phone number.
    'Avser 199803305380. Deltagaren har fått besked.',
    'Ring 0701234567.',
    '',
    'Inga siffror alls.',
  ])('leaves %j alone', (text) => {
    expect(nearMisses(text)).toEqual([]);
  });

  it('finds several, in order, and reads "19850312-1234" as one number', () => {
    const text = 'Pnr 19850312-1234 och sedan 850372-1237, men 2019 var det 881001-9999.';
    expect(nearMisses(text)).toEqual([
      'personnummer/check-digit:19850312-1234',
      'samordningsnummer/check-digit:850372-1237',
      'personnummer/check-digit:881001-9999',
    ]);
  });

  it('leaves out what the detector finds beside a near miss', () => {
    const text = 'Pnr 811218-9876, felskrivet som 811218-9877.';
    expect(nearMisses(text)).toEqual(['personnummer/check-digit:811218-9877']);
    expect(maskPii(text).text).toBe('Pnr [personnummer borttaget], felskrivet som 811218-9877.');
  });
});

describe('removeIdNumberNearMisses', () => {
  it('puts the detector’s placeholder where each near miss was, and nothing else changes', () => {
    expect(removeIdNumberNearMisses('Pnr 850312-1234 och samordningsnr 850372-1237 hos FK.')).toEqual({
      text: 'Pnr [personnummer borttaget] och samordningsnr [samordningsnummer borttaget] hos FK.',
      removed: 2,
    });
    expect(removeIdNumberNearMisses('Inget nummer här.')).toEqual({ text: 'Inget nummer här.', removed: 0 });
  });
});

describe('maskedIdNumber', () => {
  it('hides every digit but the last two, keeping how it was written', () => {
    expect(maskedIdNumber('19850312-1234')).toBe('••••••••-••34');
    expect(maskedIdNumber('850312-123 4')).toBe('••••••-••3 4');
  });
});

describe('idNumberFingerprint', () => {
  it('is the same however the digits are grouped, and differs between numbers', () => {
    expect(idNumberFingerprint('850312-1234')).toBe(idNumberFingerprint('850312 1234'));
    expect(idNumberFingerprint('850312-1234')).not.toBe(idNumberFingerprint('850312-1235'));
    expect(idNumberFingerprint('850312-1234')).not.toContain('850312');
  });
});

/**
 * The shared ground truth: the detector's verdict, which decides what import masks, is unchanged by the
 * near-miss check. S-0080 and S-0120 hold numbers whose check digit fails and are not personal data there.
 */
describe('the sample reports', () => {
  const samples = join(__dirname, '..', '..', '..', '..', 'shared', 'samples');
  const reports = readFileSync(join(samples, 'reports.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const truth = new Map(
    readFileSync(join(samples, 'truth.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { externalId: string; pii: boolean })
      .map((entry) => [entry.externalId, entry.pii]),
  );
  const texts = (report: Record<string, unknown>): string[] =>
    ['title', 'description', 'consequence', 'tried', 'resolution'].map((field) => report[field]).filter((v): v is string => typeof v === 'string');

  it('the detector finds personal data in exactly the reports the truth marks', () => {
    expect(reports).toHaveLength(120);
    const found = reports.filter((report) => {
      const own = typeof report.reporterEmail === 'string' ? [report.reporterEmail] : [];
      return texts(report).some((text) => containsPii(text, { ignoredEmailAddresses: own }));
    });
    expect(found.map((r) => r.externalId).sort()).toEqual([...truth].filter(([, pii]) => pii).map(([id]) => id).sort());
  });

  it('S-0120 is a near miss a writer is asked about; S-0080, a bare run of digits, is not', () => {
    const byId = new Map(reports.map((r) => [r.externalId, r]));
    expect(truth.get('S-0120')).toBe(false);
    expect(truth.get('S-0080')).toBe(false);
    expect(texts(byId.get('S-0120') ?? {}).flatMap(nearMisses)).toEqual(['personnummer/check-digit:690304-0948']);
    expect(texts(byId.get('S-0080') ?? {}).flatMap(nearMisses)).toEqual([]);
  });
});
