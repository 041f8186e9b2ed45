import { deadlinesFor } from '../deviation-deadlines';
import { DeviationStatus } from '../deviation-workflow';
import {
  distributeReminders,
  dueRemindersFor,
  overdueCandidateCutoff,
  planReminders,
  REMINDER_MAX_LINES,
  reminderMailContext,
  ReminderCandidate,
  ReminderPolicy,
  ReminderReport,
  statusesThatCanBeOverdue,
} from './deviation-reminders';

const policy: ReminderPolicy = { acceptWithinWorkingDays: 2, resolveWithinDays: 30, repeatAfterDays: 7 };

/** 07:00 Swedish time on a date (the default cron time); winter dates are UTC+1, summer UTC+2. */
function at7(date: string): Date {
  const summer = new Date(`${date}T12:00:00Z`).toLocaleString('en-US', { timeZone: 'Europe/Stockholm', timeZoneName: 'short' }).includes('GMT+2');
  return new Date(`${date}T0${summer ? 5 : 6}:00:00Z`);
}

function report(reportedAt: string, status: DeviationStatus = 'ny', extra: Partial<ReminderCandidate> = {}): ReminderCandidate {
  return { id: 'r1', status, reportedAt: new Date(reportedAt), importedAt: null, lastReminded: {}, ...extra };
}

function kinds(candidate: ReminderCandidate, now: Date, p: ReminderPolicy = policy): string[] {
  return planReminders([candidate], now, p).due.map((d) => `${d.kind}:${d.daysOverdue}`);
}

describe('reminders: what is overdue', () => {
  it('a report filed on a Friday has until Tuesday to be accepted; Wednesday morning it is reminded', () => {
    const friday = report('2026-11-20T14:00:00Z'); // 15:00 Friday
    expect(kinds(friday, at7('2026-11-24'))).toEqual([]);
    expect(kinds(friday, at7('2026-11-25'))).toEqual(['not_accepted:1']);
    expect(planReminders([friday], at7('2026-11-25'), policy).due[0]).toMatchObject({ deviationId: 'r1', deadline: '2026-11-24' });
    // Working days late, not calendar days: Wed, Thu, Fri, Mon.
    expect(kinds(friday, at7('2026-11-30'))).toEqual(['not_accepted:4']);
  });

  it('a report filed just after midnight Friday night counts from Saturday, the Swedish date', () => {
    const saturdayNight = report('2026-11-20T23:30:00Z'); // 00:30 Saturday in Stockholm
    expect(kinds(saturdayNight, at7('2026-11-24'))).toEqual([]);
    expect(kinds(saturdayNight, at7('2026-11-25'))).toEqual(['not_accepted:1']);
  });

  it('a report filed on a Friday before trettondedag jul gets the holiday on top', () => {
    const friday = report('2026-01-02T09:00:00Z');
    // Mon 5 January is day 1, Tue 6 January is a röd dag, Wed 7 January is day 2.
    expect(kinds(friday, at7('2026-01-07'))).toEqual([]);
    expect(kinds(friday, at7('2026-01-08'))).toEqual(['not_accepted:1']);
  });

  it('påsk: filed on skärtorsdag, långfredag to annandag påsk do not count, and nothing is sent on them', () => {
    const maundyThursday = report('2026-04-02T14:00:00Z');
    expect(planReminders([maundyThursday], at7('2026-04-03'), policy)).toEqual({ day: '2026-04-03', sendsToday: false, due: [] });
    expect(planReminders([maundyThursday], at7('2026-04-06'), policy).sendsToday).toBe(false);
    expect(kinds(maundyThursday, at7('2026-04-08'))).toEqual([]); // Tue 7 and Wed 8 are its two days
    expect(kinds(maundyThursday, at7('2026-04-09'))).toEqual(['not_accepted:1']);
  });

  it('nationaldagen on a Friday and midsommardagen are not working days', () => {
    const thursday = report('2025-06-05T08:00:00Z');
    expect(planReminders([thursday], at7('2025-06-06'), policy).sendsToday).toBe(false);
    expect(kinds(thursday, at7('2025-06-10'))).toEqual([]); // Mon 9 and Tue 10
    expect(kinds(thursday, at7('2025-06-11'))).toEqual(['not_accepted:1']);
    expect(planReminders([thursday], at7('2026-06-20'), policy).sendsToday).toBe(false); // midsommardagen
  });

  it('jul: nothing on juldagen, and the next working day picks the report up', () => {
    const friday = report('2026-12-18T09:00:00Z'); // due by Tue 22 December
    expect(kinds(friday, at7('2026-12-23'))).toEqual(['not_accepted:1']);
    expect(planReminders([friday], at7('2026-12-25'), policy).sendsToday).toBe(false);
    expect(planReminders([friday], at7('2026-12-26'), policy).sendsToday).toBe(false);
    // 23, 24 (julafton is not a röd dag in the calendar helper) and 28 December.
    expect(kinds(friday, at7('2026-12-28'))).toEqual(['not_accepted:3']);
  });

  it('no weekend reminders', () => {
    const old = report('2026-10-01T09:00:00Z');
    expect(planReminders([old], at7('2026-11-28'), policy)).toMatchObject({ sendsToday: false, due: [] });
    expect(planReminders([old], at7('2026-11-29'), policy)).toMatchObject({ sendsToday: false, due: [] });
  });

  it('an accepted report is not reminded for acceptance, only when it is not resolved within M days', () => {
    const accepted = report('2026-11-20T14:00:00Z', 'mottagen');
    expect(kinds(accepted, at7('2026-11-25'))).toEqual([]);
    // Resolve by Sunday 20 December (30 calendar days); Monday 21 is the first reminder day.
    expect(kinds(accepted, at7('2026-12-18'))).toEqual([]);
    expect(kinds(accepted, at7('2026-12-21'))).toEqual(['not_resolved:1']);
    expect(kinds(report('2026-11-20T14:00:00Z', 'under_utredning'), at7('2026-12-22'))).toEqual(['not_resolved:2']);
    // Never accepted and a month old: both.
    expect(kinds(report('2026-11-20T14:00:00Z'), at7('2026-12-21'))).toEqual(['not_accepted:19', 'not_resolved:1']);
  });

  it('resolved, escalated and closed reports are never reminded', () => {
    for (const status of ['atgardad_lokalt', 'strukturellt_hinder', 'avslutad'] as const) {
      expect(kinds(report('2026-01-05T09:00:00Z', status), at7('2026-11-25'))).toEqual([]);
    }
  });

  it('the job reads only the statuses the deadline rule can flag', () => {
    expect(statusesThatCanBeOverdue(policy)).toEqual(['ny', 'mottagen', 'under_utredning']);
  });

  it('an imported open report is reminded like one filed on its import day, not by its original date', () => {
    // Reported in the earlier system in 2019, imported Friday 20 November 2026 at 15:00.
    const imported = report('2019-03-04T09:00:00Z', 'ny', { importedAt: new Date('2026-11-20T14:00:00Z') });
    expect(kinds(imported, at7('2026-11-23'))).toEqual([]);
    expect(kinds(imported, at7('2026-11-24'))).toEqual([]);
    expect(kinds(imported, at7('2026-11-25'))).toEqual(['not_accepted:1']);
    expect(planReminders([imported], at7('2026-11-25'), policy).due[0]).toMatchObject({ deadline: '2026-11-24' });
    // Imported as accepted: only the resolve deadline applies, 30 days from the import.
    const accepted = report('2019-03-04T09:00:00Z', 'mottagen', { importedAt: new Date('2026-11-20T14:00:00Z') });
    expect(kinds(accepted, at7('2026-12-18'))).toEqual([]);
    expect(kinds(accepted, at7('2026-12-21'))).toEqual(['not_resolved:1']);
    // Imported as closed (or handled): never reminded.
    for (const status of ['atgardad_lokalt', 'strukturellt_hinder', 'avslutad'] as const) {
      expect(kinds(report('2019-03-04T09:00:00Z', status, { importedAt: new Date('2026-11-20T14:00:00Z') }), at7('2027-06-01'))).toEqual([]);
    }
  });

  it('the first run after a big import of old open reports reminds about none of them', () => {
    const importedAt = new Date('2026-11-23T09:00:00Z'); // Monday 10:00
    const statuses: DeviationStatus[] = ['ny', 'mottagen', 'under_utredning'];
    const candidates = Array.from({ length: 5000 }, (_, i) =>
      report(new Date(Date.UTC(2015, 0, 1) + i * 17 * 3_600_000).toISOString(), statuses[i % 3], { id: `i${i}`, importedAt }),
    );
    expect(planReminders(candidates, new Date('2026-11-23T16:00:00Z'), policy).due).toEqual([]); // import day, after the import
    expect(planReminders(candidates, at7('2026-11-24'), policy).due).toEqual([]);
    expect(planReminders(candidates, at7('2026-11-25'), policy).due).toEqual([]); // accept by Wednesday: still on time
    // Thursday: the ones still "ny" are late for acceptance, and only those.
    const thursday = planReminders(candidates, at7('2026-11-26'), policy).due;
    expect(thursday).toHaveLength(candidates.filter((c) => c.status === 'ny').length);
    expect(new Set(thursday.map((d) => `${d.kind}:${d.daysOverdue}`))).toEqual(new Set(['not_accepted:1']));
  });

  it('reminds once per kind per day, and again only after the repeat interval while still overdue', () => {
    const friday = report('2026-11-20T14:00:00Z', 'ny', { lastReminded: { not_accepted: '2026-11-25' } });
    expect(kinds(friday, at7('2026-11-25'))).toEqual([]);
    expect(kinds(friday, new Date('2026-11-25T15:00:00Z'))).toEqual([]);
    expect(kinds(friday, at7('2026-12-01'))).toEqual([]); // 6 days later
    expect(kinds(friday, at7('2026-12-02'))).toEqual(['not_accepted:6']); // 7 days later
    expect(kinds(friday, at7('2026-11-26'), { ...policy, repeatAfterDays: 1 })).toEqual(['not_accepted:2']);
    // The kinds are counted apart: a reminder about acceptance does not hold back the first about resolving.
    const both = report('2026-11-20T14:00:00Z', 'ny', { lastReminded: { not_accepted: '2026-12-18' } });
    expect(kinds(both, at7('2026-12-21'))).toEqual(['not_resolved:1']);
  });

  it('honours other settings for N and M', () => {
    const strict: ReminderPolicy = { acceptWithinWorkingDays: 1, resolveWithinDays: 7, repeatAfterDays: 7 };
    expect(kinds(report('2026-11-20T14:00:00Z'), at7('2026-11-24'), strict)).toEqual(['not_accepted:1']);
    expect(kinds(report('2026-11-20T14:00:00Z', 'mottagen'), at7('2026-11-30'), strict)).toEqual(['not_resolved:3']);
  });

  it('the candidate cutoff never leaves out a report that is overdue (every third hour of a year, summer time included)', () => {
    const policies: ReminderPolicy[] = [policy, { acceptWithinWorkingDays: 1, resolveWithinDays: 1, repeatAfterDays: 7 }, { acceptWithinWorkingDays: 5, resolveWithinDays: 3, repeatAfterDays: 7 }];
    for (const p of policies) {
      for (let hour = 0; hour < 24 * 366; hour += 3) {
        const now = new Date(Date.UTC(2026, 0, 1) + hour * 3_600_000);
        const cutoff = overdueCandidateCutoff(now, p);
        // Being overdue only gets likelier the earlier a report came in, so checking the cutoff itself suffices.
        expect(deadlinesFor({ status: 'ny', reportedAt: cutoff, importedAt: null }, now, p)).toMatchObject({ notAcceptedInTime: false, notResolvedInTime: false });
        // The cutoff is on when the deadlines start: for an imported report, the import.
        expect(deadlinesFor({ status: 'ny', reportedAt: new Date('2015-01-01T00:00:00Z'), importedAt: cutoff }, now, p)).toMatchObject({
          notAcceptedInTime: false,
          notResolvedInTime: false,
        });
        if (p.resolveWithinDays === 1) {
          // …and the cutoff is tight: two days before it a report is overdue.
          expect(deadlinesFor({ status: 'mottagen', reportedAt: new Date(cutoff.getTime() - 49 * 3_600_000), importedAt: null }, now, p).notResolvedInTime).toBe(true);
        }
      }
    }
  });
});

describe('reminders: who gets which mail', () => {
  const reports = new Map<string, ReminderReport>(
    [
      { id: 'a1', reference: 'AVV-2026-00001', title: 'Ingen tar emot', municipalityName: 'Haninge', subprojectId: 'OS', subprojectName: 'MIA Östra Södertörn', importedOn: null },
      { id: 'a2', reference: 'AVV-2026-00002', title: 'Väntar på beslut', municipalityName: 'Tyresö', subprojectId: 'OS', subprojectName: 'MIA Östra Södertörn', importedOn: null },
      { id: 'a3', reference: 'AVV-2026-00003', title: 'Stängd insats', municipalityName: 'Nynäshamn', subprojectId: 'OS', subprojectName: 'MIA Östra Södertörn', importedOn: null },
      { id: 'b1', reference: 'AVV-2026-00004', title: 'Utan ledare', municipalityName: 'Järfälla', subprojectId: 'JA', subprojectName: 'MIA Järfälla', importedOn: null },
      { id: 'b2', reference: 'AVV-2026-00005', title: 'Gammal', municipalityName: 'Järfälla', subprojectId: 'JA', subprojectName: 'MIA Järfälla', importedOn: null },
    ].map((r) => [r.id, r]),
  );
  const directory = {
    leadsBySubproject: new Map([['OS', ['Ledare.Ett@mia.se', 'ledare.tva@mia.se']]]),
    analysts: ['utvecklare@mia.se'],
  };

  it('gives each person one mail with all their overdue reports, most overdue first; analysts the unresolved, and all of a delprojekt without a lead', () => {
    const { mails, reached, unreached } = distributeReminders(
      [
        { deviationId: 'a1', kind: 'not_accepted', deadline: '2026-11-24', daysOverdue: 1 },
        { deviationId: 'a3', kind: 'not_accepted', deadline: '2026-11-20', daysOverdue: 3 },
        { deviationId: 'a2', kind: 'not_resolved', deadline: '2026-11-20', daysOverdue: 5 },
        { deviationId: 'b1', kind: 'not_accepted', deadline: '2026-11-20', daysOverdue: 3 },
        { deviationId: 'b2', kind: 'not_resolved', deadline: '2026-11-01', daysOverdue: 24 },
      ],
      reports,
      directory,
    );
    expect(mails.map((m) => m.email)).toEqual(['ledare.ett@mia.se', 'ledare.tva@mia.se', 'utvecklare@mia.se']);
    for (const lead of mails.slice(0, 2)) {
      expect(lead.notAccepted.map((l) => l.reference)).toEqual(['AVV-2026-00003', 'AVV-2026-00001']);
      expect(lead.notResolved.map((l) => l.reference)).toEqual(['AVV-2026-00002']);
    }
    // Järfälla has no lead: the analyst gets its unaccepted report too, marked as such.
    expect(mails[2].notAccepted.map((l) => [l.reference, l.withoutLead])).toEqual([['AVV-2026-00004', true]]);
    expect(mails[2].notResolved.map((l) => [l.reference, l.daysOverdue])).toEqual([
      ['AVV-2026-00005', 24],
      ['AVV-2026-00002', 5],
    ]);
    expect(mails[0].notAccepted[1]).toEqual({
      id: 'a1',
      reference: 'AVV-2026-00001',
      title: 'Ingen tar emot',
      municipalityName: 'Haninge',
      subprojectName: 'MIA Östra Södertörn',
      deadline: '2026-11-24',
      daysOverdue: 1,
      importedOn: null,
      withoutLead: false,
      path: '/avvikelser/a1',
    });
    expect(unreached).toEqual([]);
    expect(reached.map((r) => [r.deviationId, r.kind, r.recipientCount])).toEqual([
      ['a1', 'not_accepted', 2],
      ['a3', 'not_accepted', 2],
      ['a2', 'not_resolved', 3],
      ['b1', 'not_accepted', 1],
      ['b2', 'not_resolved', 1],
    ]);
    // The analyst's mail says which delprojekt lack a lead, and the rest of the unaccepted are in the analysts' list.
    expect(reminderMailContext(mails[2], policy)).toMatchObject({ withoutLeadSubprojects: ['MIA Järfälla'], withoutLeadNames: 'MIA Järfälla', notAcceptedMorePath: '/avvikelser?lead=none&status=ny' });
    expect(reminderMailContext(mails[0], policy)).toMatchObject({ withoutLeadSubprojects: [], notAcceptedMorePath: '/delprojekt/ko' });
  });

  it('a delprojekt without a lead and no active analyst: nobody to tell, tried again on the next run', () => {
    const { mails, reached, unreached } = distributeReminders(
      [{ deviationId: 'b1', kind: 'not_accepted', deadline: '2026-11-20', daysOverdue: 3 }],
      reports,
      { leadsBySubproject: directory.leadsBySubproject, analysts: [] },
    );
    expect({ mails, reached, unreached: unreached.map((r) => r.deviationId) }).toEqual({ mails: [], reached: [], unreached: ['b1'] });
  });

  it('nothing due, no mails', () => {
    expect(distributeReminders([], reports, directory)).toEqual({ mails: [], reached: [], unreached: [] });
  });

  it('a long list is cut in the mail, which says how many more there are', () => {
    const due = Array.from({ length: REMINDER_MAX_LINES + 3 }, (_, i) => ({ deviationId: 'a1', kind: 'not_accepted' as const, deadline: '2026-11-24', daysOverdue: i }));
    const [mail] = distributeReminders(due, reports, { leadsBySubproject: directory.leadsBySubproject, analysts: [] }).mails;
    const context = reminderMailContext(mail, policy);
    expect(context).toMatchObject({ notAcceptedCount: REMINDER_MAX_LINES + 3, notAcceptedMore: 3, notResolvedCount: 0, notResolvedMore: 0, acceptWithinWorkingDays: 2, resolveWithinDays: 30, repeatAfterDays: 7 });
    expect(context.notAccepted).toHaveLength(REMINDER_MAX_LINES);
    expect(context.notAccepted[0].daysOverdue).toBe(REMINDER_MAX_LINES + 2);
  });
});
