import { checkImportedHistory } from './deviation-import-history';

const now = new Date('2026-11-23T12:00:00Z');

describe('checkImportedHistory', () => {
  it('makes a report without history a new one', () => {
    expect(checkImportedHistory({}, now)).toEqual({
      history: { status: 'ny', resolution: null, acceptedAt: null, resolvedAt: null, escalatedAt: null, closedAt: null },
      problems: [],
    });
  });

  it('keeps the status, the resolution and the times of a report handled elsewhere', () => {
    const { history, problems } = checkImportedHistory(
      { status: 'avslutad', resolution: '  Löst med ett gemensamt möte. ', acceptedAt: '2024-03-02T09:00:00+01:00', resolvedAt: '2024-03-20T10:00:00+01:00', closedAt: '2024-04-01T08:00:00+02:00' },
      now,
    );
    expect(problems).toEqual([]);
    expect(history).toEqual({
      status: 'avslutad',
      resolution: 'Löst med ett gemensamt möte.',
      acceptedAt: new Date('2024-03-02T08:00:00Z'),
      resolvedAt: new Date('2024-03-20T09:00:00Z'),
      escalatedAt: null,
      closedAt: new Date('2024-04-01T06:00:00Z'),
    });
  });

  it('asks for a resolution for a local fix and a closed report, as a lead is asked', () => {
    for (const status of ['atgardad_lokalt', 'avslutad']) {
      expect(checkImportedHistory({ status, resolution: '  ' }, now).problems.map((p) => p.field)).toEqual(['resolution']);
    }
    for (const status of ['ny', 'mottagen', 'under_utredning', 'strukturellt_hinder']) {
      expect(checkImportedHistory({ status }, now).problems).toEqual([]);
    }
  });

  it('names each wrong column: unknown status, a time that is not one, a time in the future', () => {
    const { problems } = checkImportedHistory({ status: 'klar', acceptedAt: 'igår', closedAt: '2027-01-01T00:00:00Z' }, now);
    expect(problems.map((p) => p.field)).toEqual(['status', 'acceptedAt', 'closedAt']);
    expect(problems[0].message).toContain('Okänd status "klar"');
    expect(problems[2].message).toContain('framtiden');
  });
});
