import { deadlinesFor, deadlineStart, deadlineStartSql } from './deviation-deadlines';

const policy = { acceptWithinWorkingDays: 2, resolveWithinDays: 30 };
// Friday 2026-11-20, 15:00 Swedish time.
const friday = new Date('2026-11-20T14:00:00Z');

describe('deviation deadlines', () => {
  it('gives a new report N working days to be accepted, skipping the weekend', () => {
    const tuesdayEvening = new Date('2026-11-24T20:00:00Z');
    const wednesdayMorning = new Date('2026-11-25T06:00:00Z');
    expect(deadlinesFor({ status: 'ny', reportedAt: friday, importedAt: null }, tuesdayEvening, policy)).toMatchObject({ acceptBy: '2026-11-24', notAcceptedInTime: false });
    expect(deadlinesFor({ status: 'ny', reportedAt: friday, importedAt: null }, wednesdayMorning, policy).notAcceptedInTime).toBe(true);
    // Once accepted it is no longer late for acceptance.
    expect(deadlinesFor({ status: 'mottagen', reportedAt: friday, importedAt: null }, wednesdayMorning, policy).notAcceptedInTime).toBe(false);
  });

  it('counts Christmas holidays as non-working days', () => {
    const dec23 = new Date('2026-12-23T09:00:00Z');
    expect(deadlinesFor({ status: 'ny', reportedAt: dec23, importedAt: null }, new Date('2026-12-28T12:00:00Z'), policy)).toMatchObject({
      acceptBy: '2026-12-28',
      notAcceptedInTime: false,
    });
    expect(deadlinesFor({ status: 'ny', reportedAt: dec23, importedAt: null }, new Date('2026-12-29T08:00:00Z'), policy).notAcceptedInTime).toBe(true);
  });

  it('gives M calendar days to resolve, and stops counting once resolved or escalated', () => {
    const day31 = new Date('2026-12-21T09:00:00Z');
    const day30 = new Date('2026-12-20T09:00:00Z');
    expect(deadlinesFor({ status: 'under_utredning', reportedAt: friday, importedAt: null }, day30, policy)).toMatchObject({ resolveBy: '2026-12-20', notResolvedInTime: false });
    expect(deadlinesFor({ status: 'under_utredning', reportedAt: friday, importedAt: null }, day31, policy).notResolvedInTime).toBe(true);
    expect(deadlinesFor({ status: 'ny', reportedAt: friday, importedAt: null }, day31, policy).notResolvedInTime).toBe(true);
    expect(deadlinesFor({ status: 'atgardad_lokalt', reportedAt: friday, importedAt: null }, day31, policy).notResolvedInTime).toBe(false);
    expect(deadlinesFor({ status: 'strukturellt_hinder', reportedAt: friday, importedAt: null }, day31, policy).notResolvedInTime).toBe(false);
  });

  it('honours other settings', () => {
    const strict = { acceptWithinWorkingDays: 1, resolveWithinDays: 7 };
    expect(deadlinesFor({ status: 'ny', reportedAt: friday, importedAt: null }, new Date('2026-11-24T08:00:00Z'), strict).notAcceptedInTime).toBe(true);
    expect(deadlinesFor({ status: 'mottagen', reportedAt: friday, importedAt: null }, new Date('2026-11-28T08:00:00Z'), strict).notResolvedInTime).toBe(true);
  });

  describe('imported reports', () => {
    // Reported in the earlier system on 4 March 2019; imported here Friday 2026-11-20, 15:00.
    const longAgo = new Date('2019-03-04T09:00:00Z');
    const imported = { reportedAt: longAgo, importedAt: friday };

    it('count both deadlines from the import, not from the original date', () => {
      const importDay = new Date('2026-11-20T16:00:00Z');
      expect(deadlinesFor({ ...imported, status: 'ny' }, importDay, policy)).toEqual({
        countsFrom: '2026-11-20',
        acceptBy: '2026-11-24',
        resolveBy: '2026-12-20',
        notAcceptedInTime: false,
        notResolvedInTime: false,
      });
      // Exactly as a report filed at the moment of the import.
      for (const at of ['2026-11-24T20:00:00Z', '2026-11-25T06:00:00Z', '2026-12-20T09:00:00Z', '2026-12-21T09:00:00Z']) {
        for (const status of ['ny', 'mottagen', 'under_utredning', 'avslutad'] as const) {
          expect(deadlinesFor({ ...imported, status }, new Date(at), policy)).toEqual(deadlinesFor({ status, reportedAt: friday, importedAt: null }, new Date(at), policy));
        }
      }
      expect(deadlinesFor({ ...imported, status: 'ny' }, new Date('2026-11-25T06:00:00Z'), policy).notAcceptedInTime).toBe(true);
      expect(deadlinesFor({ ...imported, status: 'mottagen' }, new Date('2026-12-21T09:00:00Z'), policy).notResolvedInTime).toBe(true);
    });

    it('a closed or handled import is never overdue', () => {
      const muchLater = new Date('2028-01-10T09:00:00Z');
      for (const status of ['atgardad_lokalt', 'strukturellt_hinder', 'avslutad'] as const) {
        expect(deadlinesFor({ ...imported, status }, muchLater, policy)).toMatchObject({ notAcceptedInTime: false, notResolvedInTime: false });
      }
    });

    it('a filed report counts from when it was reported, as before', () => {
      expect(deadlinesFor({ status: 'ny', reportedAt: longAgo, importedAt: null }, friday, policy)).toMatchObject({
        countsFrom: '2019-03-04',
        notAcceptedInTime: true,
        notResolvedInTime: true,
      });
    });

    it('the start is the same in code and in SQL: the import if there is one, else the filing', () => {
      expect(deadlineStart(imported)).toBe(friday);
      expect(deadlineStart({ reportedAt: longAgo, importedAt: null })).toBe(longAgo);
      expect(deadlineStartSql('x')).toBe('COALESCE(x.imported_at, x.reported_at)');
    });
  });
});
