import { analystDigestContext, classifyLeadReports, describeDigestRun, DIGEST_MAX_LINES, digestDedupeKey, DigestReportRow, digestSection, weekNumberOf } from './digest-content';

const policy = { acceptWithinWorkingDays: 2, resolveWithinDays: 30 };
// Monday 30 November 2026, 07:00 Swedish time.
const now = new Date('2026-11-30T06:00:00Z');

function report(id: string, status: DigestReportRow['status'], reportedAt: string, importedAt: string | null = null): DigestReportRow {
  return {
    id,
    reference: `AVV-2026-${id}`,
    title: `Titel ${id}`,
    status,
    reportedAt: new Date(reportedAt),
    importedAt: importedAt ? new Date(importedAt) : null,
    municipalityName: 'Haninge',
    subprojectId: 's1',
  };
}

describe('the lead digest lists', () => {
  it('puts each open report in exactly one list: overdue first, then new this week, then waiting', () => {
    const lists = classifyLeadReports(
      [
        report('00001', 'ny', '2026-10-26T09:00:00Z'), // not accepted in time (and not resolved in 30 days)
        report('00002', 'mottagen', '2026-10-20T09:00:00Z'), // not resolved in 30 days
        report('00003', 'ny', '2026-11-27T10:00:00Z'), // Friday: accept by Tuesday, new
        report('00004', 'ny', '2026-11-24T10:00:00Z'), // accept by Thursday 26: overdue, though this week
        report('00005', 'mottagen', '2026-11-19T10:00:00Z'), // waiting
        report('00006', 'ny', '2026-11-23T05:00:00Z'), // just inside the seven days, but due Wednesday: overdue
        report('00007', 'atgardad_lokalt', '2026-11-28T10:00:00Z'), // not open
        report('00008', 'under_utredning', '2026-11-29T10:00:00Z'), // waiting: not "ny"
      ],
      now,
      policy,
    );
    expect(lists.overdue.map((l) => [l.reference, l.ageDays])).toEqual([
      ['AVV-2026-00002', 41],
      ['AVV-2026-00001', 35],
      ['AVV-2026-00006', 7],
      ['AVV-2026-00004', 6],
    ]);
    expect(lists.newReports.map((l) => [l.reference, l.ageDays, l.path])).toEqual([['AVV-2026-00003', 3, '/avvikelser/00003']]);
    expect(lists.waiting.map((l) => l.reference)).toEqual(['AVV-2026-00005', 'AVV-2026-00008']);
  });

  it('sorts imported reports by their import, not their original date: new on import week, overdue once the import-based deadline passes', () => {
    const lists = classifyLeadReports(
      [
        report('00010', 'ny', '2019-03-04T09:00:00Z', '2026-11-27T10:00:00Z'), // imported Friday: accept by Tuesday, new
        report('00011', 'mottagen', '2018-01-10T09:00:00Z', '2026-11-27T10:00:00Z'), // imported Friday, accepted there: waiting
        report('00012', 'ny', '2019-03-04T09:00:00Z', '2026-11-24T10:00:00Z'), // imported Tuesday: accept by Thursday, overdue
        report('00013', 'avslutad', '2019-03-04T09:00:00Z', '2026-11-27T10:00:00Z'), // closed: not in the digest
      ],
      now,
      policy,
    );
    expect(lists.newReports.map((l) => [l.reference, l.importedOn])).toEqual([['AVV-2026-00010', '2026-11-27']]);
    expect(lists.waiting.map((l) => l.reference)).toEqual(['AVV-2026-00011']);
    expect(lists.overdue.map((l) => [l.reference, l.importedOn])).toEqual([['AVV-2026-00012', '2026-11-24']]);
    // The age shown is the report's own (from the earlier system); the line says when it was imported.
    expect(lists.newReports[0].ageDays).toBe(2828);
  });

  it('counts a report older than seven days that is still "ny" and not overdue as waiting', () => {
    const lists = classifyLeadReports([report('00009', 'ny', '2026-11-20T10:00:00Z')], now, { acceptWithinWorkingDays: 10, resolveWithinDays: 30 });
    expect(lists.waiting.map((l) => l.reference)).toEqual(['AVV-2026-00009']);
    expect(lists.newReports).toEqual([]);
  });

  it('cuts a long section and says how many more there are', () => {
    const section = digestSection(Array.from({ length: DIGEST_MAX_LINES + 4 }, (_, i) => i));
    expect(section).toMatchObject({ count: DIGEST_MAX_LINES + 4, more: 4 });
    expect(section.lines).toHaveLength(DIGEST_MAX_LINES);
  });
});

describe('the analyst digest', () => {
  const barrier = { memberCount: 4, escalationReason: null, escalatedAt: null };
  it('lists barriers created and escalated in the last seven days and letters awaiting review, with links', () => {
    const context = analystDigestContext(
      {
        barriers: [
          { ...barrier, id: 'b1', name: 'Hänvisning AF och FK', createdAt: new Date('2026-11-27T10:00:00Z') },
          {
            ...barrier,
            id: 'b2',
            name: 'Intyg dröjer',
            createdAt: new Date('2026-10-01T10:00:00Z'),
            escalatedAt: new Date('2026-11-28T10:00:00Z'),
            escalationReason: 'Återkommer i 3 kommuner',
          },
          { ...barrier, id: 'b3', name: 'Gammalt', createdAt: new Date('2026-11-23T05:59:59Z'), escalatedAt: new Date('2026-11-20T10:00:00Z'), escalationReason: 'x' },
        ],
        letters: [{ id: 'l1', subject: 'Om intyg', status: 'granskad', barrierName: 'Intyg dröjer', updatedAt: new Date('2026-11-29T10:00:00Z') }],
        barrierTotal: 3,
        letterTotal: 2,
      },
      now,
      '2026-W49',
    );
    expect(context.week).toBe(49);
    expect(context.newBarriers.lines.map((l) => [l.name, l.on, l.path])).toEqual([['Hänvisning AF och FK', '2026-11-27', '/hinder/b1']]);
    expect(context.escalated.lines.map((l) => [l.name, l.on, l.reason])).toEqual([['Intyg dröjer', '2026-11-28', 'Återkommer i 3 kommuner']]);
    expect(context.letters.lines).toEqual([{ id: 'l1', subject: 'Om intyg', statusLabel: 'Granskad, inte skickad', barrierName: 'Intyg dröjer', path: '/skrivelser/l1' }]);
    expect(context).toMatchObject({ hasBarriers: true, hasLetters: true });
  });

  it('knows when there are no barriers or letters at all', () => {
    expect(analystDigestContext({ barriers: [], letters: [], barrierTotal: 0, letterTotal: 0 }, now, '2026-W49')).toMatchObject({
      hasBarriers: false,
      hasLetters: false,
      newBarriers: { count: 0 },
    });
  });
});

describe('digest keys and summaries', () => {
  it('one key per kind and week', () => {
    expect(digestDedupeKey('lead', '2026-W49')).toBe('digest-lead:2026-W49');
    expect(digestDedupeKey('analyst', '2026-W49')).not.toBe(digestDedupeKey('analyst', '2026-W50'));
    expect(weekNumberOf('2027-W01')).toBe(1);
    expect(() => weekNumberOf('manuell')).toThrow();
  });

  it('summarises a run in Swedish', () => {
    expect(describeDigestRun({ week: '2026-W49', leadMails: 2, analystMails: 1, leadsSkipped: 1, alreadySent: 0 })).toBe(
      '2026-W49: 2 till delprojektledare (1 utan något att rapportera), 1 till analytiker',
    );
    expect(describeDigestRun({ week: '2026-W49', leadMails: 0, analystMails: 0, leadsSkipped: 1, alreadySent: 3 })).toBe(
      '2026-W49: 0 till delprojektledare (1 utan något att rapportera), 0 till analytiker, 3 hade redan fått veckans sammanfattning',
    );
  });
});
