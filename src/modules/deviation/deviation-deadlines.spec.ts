import { deadlinesFor } from './deviation-deadlines';

const policy = { acceptWithinWorkingDays: 2, resolveWithinDays: 30 };
// Friday 2026-11-20, 15:00 Swedish time.
const friday = new Date('2026-11-20T14:00:00Z');

describe('deviation deadlines', () => {
  it('gives a new report N working days to be accepted, skipping the weekend', () => {
    const tuesdayEvening = new Date('2026-11-24T20:00:00Z');
    const wednesdayMorning = new Date('2026-11-25T06:00:00Z');
    expect(deadlinesFor({ status: 'ny', reportedAt: friday }, tuesdayEvening, policy)).toMatchObject({ acceptBy: '2026-11-24', notAcceptedInTime: false });
    expect(deadlinesFor({ status: 'ny', reportedAt: friday }, wednesdayMorning, policy).notAcceptedInTime).toBe(true);
    // Once accepted it is no longer late for acceptance.
    expect(deadlinesFor({ status: 'mottagen', reportedAt: friday }, wednesdayMorning, policy).notAcceptedInTime).toBe(false);
  });

  it('counts Christmas holidays as non-working days', () => {
    const dec23 = new Date('2026-12-23T09:00:00Z');
    expect(deadlinesFor({ status: 'ny', reportedAt: dec23 }, new Date('2026-12-28T12:00:00Z'), policy)).toMatchObject({
      acceptBy: '2026-12-28',
      notAcceptedInTime: false,
    });
    expect(deadlinesFor({ status: 'ny', reportedAt: dec23 }, new Date('2026-12-29T08:00:00Z'), policy).notAcceptedInTime).toBe(true);
  });

  it('gives M calendar days to resolve, and stops counting once resolved or escalated', () => {
    const day31 = new Date('2026-12-21T09:00:00Z');
    const day30 = new Date('2026-12-20T09:00:00Z');
    expect(deadlinesFor({ status: 'under_utredning', reportedAt: friday }, day30, policy)).toMatchObject({ resolveBy: '2026-12-20', notResolvedInTime: false });
    expect(deadlinesFor({ status: 'under_utredning', reportedAt: friday }, day31, policy).notResolvedInTime).toBe(true);
    expect(deadlinesFor({ status: 'ny', reportedAt: friday }, day31, policy).notResolvedInTime).toBe(true);
    expect(deadlinesFor({ status: 'atgardad_lokalt', reportedAt: friday }, day31, policy).notResolvedInTime).toBe(false);
    expect(deadlinesFor({ status: 'strukturellt_hinder', reportedAt: friday }, day31, policy).notResolvedInTime).toBe(false);
  });

  it('honours other settings', () => {
    const strict = { acceptWithinWorkingDays: 1, resolveWithinDays: 7 };
    expect(deadlinesFor({ status: 'ny', reportedAt: friday }, new Date('2026-11-24T08:00:00Z'), strict).notAcceptedInTime).toBe(true);
    expect(deadlinesFor({ status: 'mottagen', reportedAt: friday }, new Date('2026-11-28T08:00:00Z'), strict).notResolvedInTime).toBe(true);
  });
});
