import { evidenceTables, signatureLines, toBlocks } from './letter-document';
import { buildLetterEvidence } from './letter-evidence';

describe('toBlocks', () => {
  it('splits paragraphs on blank lines and turns dash lines into lists', () => {
    expect(toBlocks('Första stycket\nfortsätter här.\n\nVi ber er att\n– göra A,\n- göra B, och\n  fortsätta C.\n\nSista.')).toEqual([
      { kind: 'paragraph', text: 'Första stycket fortsätter här.' },
      { kind: 'paragraph', text: 'Vi ber er att' },
      { kind: 'list', items: ['göra A,', 'göra B, och fortsätta C.'] },
      { kind: 'paragraph', text: 'Sista.' },
    ]);
  });

  it('gives nothing for an empty section', () => {
    expect(toBlocks('  \n\n ')).toEqual([]);
  });
});

describe('evidenceTables', () => {
  /** The trend row of the key figures for reports on these dates. */
  function trendRow(dates: string[]): string[] | undefined {
    const members = dates.map((occurredOn, i) => ({
      reference: `AVV-${i}`,
      occurredOn,
      municipality: 'Haninge',
      subproject: 'MIA Östra Södertörn',
      parties: ['FK'],
      severity: 'medel',
      markedStructural: false,
      description: '',
      consequence: '',
      tried: null,
      resolution: null,
    }));
    return evidenceTables(buildLetterEvidence(members, []))[0].rows.find((row) => row[0].startsWith('Utveckling'));
  }

  it('names the quarters the trend compares', () => {
    expect(trendRow(['2025-08-01', '2025-11-01', '2026-02-01', '2026-05-01', '2026-08-01', '2026-08-02'])).toEqual(['Utveckling 2026 K2–K3 mot 2025 K4–2026 K1', 'ökande']);
    expect(trendRow(['2024-02-01', '2024-03-01', '2024-05-01'])).toEqual(['Utveckling 2024 K2 mot 2024 K1', 'minskande']);
    expect(trendRow(['2024-02-01', '2024-03-01'])).toEqual(['Utveckling', 'alla rapporter under samma kvartal']);
  });
});

describe('signatureLines', () => {
  it('signs with name, title and organisation, then the contact lines given', () => {
    expect(signatureLines({ signatoryName: 'Anna Andersson', signatoryTitle: 'Verksamhetsutvecklare', contactEmail: 'anna@forbund.se', contactPhone: '08-123 456 78' })).toEqual([
      'Anna Andersson',
      'Verksamhetsutvecklare',
      'MIA – Mobilisering inför arbete',
      'E-post: anna@forbund.se',
      'Telefon: 08-123 456 78',
    ]);
  });

  it('signs with the function when neither name nor title is given (not set, or left out)', () => {
    expect(signatureLines({})).toEqual(['Verksamhetsutvecklare, MIA', 'MIA – Mobilisering inför arbete']);
    expect(signatureLines({ signatoryName: '', signatoryTitle: ' ', contactEmail: null, contactPhone: '08-1234567' })).toEqual([
      'Verksamhetsutvecklare, MIA',
      'MIA – Mobilisering inför arbete',
      'Telefon: 08-1234567',
    ]);
  });
});
