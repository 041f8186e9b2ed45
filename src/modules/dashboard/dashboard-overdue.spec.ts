import { addCalendarDays } from '../../common/calendar/working-days';
import { deadlinesFor } from '../deviation/deviation-deadlines';
import { DEVIATION_STATUSES } from '../deviation/deviation-workflow';
import { overdueCutoffs } from './dashboard-overdue';

describe('overdueCutoffs', () => {
  const policies = [
    { acceptWithinWorkingDays: 2, resolveWithinDays: 30 },
    { acceptWithinWorkingDays: 5, resolveWithinDays: 10 },
  ];
  // Around Easter and midsummer, over a weekend, and at new year: holidays move the accept deadline.
  const moments = ['2026-04-07T08:00:00Z', '2026-06-22T21:30:00Z', '2026-11-23T10:00:00Z', '2027-01-04T06:00:00Z'];

  it.each(moments.flatMap((moment) => policies.map((policy) => [moment, policy] as const)))('agrees with the deadline rule day by day (%s, %o)', (moment, policy) => {
    const now = new Date(moment);
    const cutoffs = overdueCutoffs(now, policy);
    for (let offset = -120; offset <= 1; offset++) {
      const day = addCalendarDays(moment.slice(0, 10), offset);
      for (const status of DEVIATION_STATUSES) {
        const rule = deadlinesFor({ status, reportedAt: new Date(`${day}T12:00:00Z`), importedAt: null }, now, policy);
        const notAccepted = cutoffs.notAccepted[status];
        const notResolved = cutoffs.notResolved[status];
        expect([day, status, 'ej mottagen', notAccepted !== undefined && day <= notAccepted]).toEqual([day, status, 'ej mottagen', rule.notAcceptedInTime]);
        expect([day, status, 'ej åtgärdad', notResolved !== undefined && day <= notResolved]).toEqual([day, status, 'ej åtgärdad', rule.notResolvedInTime]);
      }
    }
  });

  it('finds no overdue reports for statuses that are done', () => {
    const cutoffs = overdueCutoffs(new Date('2026-11-23T10:00:00Z'), policies[0]);
    expect(cutoffs.notAccepted.ny).toBeDefined();
    expect(cutoffs.notAccepted.mottagen).toBeUndefined();
    expect(cutoffs.notResolved.under_utredning).toBeDefined();
    expect(cutoffs.notResolved.avslutad).toBeUndefined();
  });
});
