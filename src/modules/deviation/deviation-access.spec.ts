import { AuthUser } from '../../common/auth/auth-user';
import { canAssign, canMove, canRead, canReadInternal, canReclassify, canReply, canWriteInternal, isStandInAnalyst, statusAuthority } from './deviation-access';

const ROSLAGEN = 'sp-roslagen';
const HBS = 'sp-hbs';
const user = (role: AuthUser['role'], subprojectId: string | null, id = `${role}-${subprojectId}`): AuthUser => ({
  id,
  email: `${id}@mia.se`,
  name: id,
  role,
  subprojectId,
});
const report = (extra: Partial<{ subprojectId: string; reporterId: string | null; reporterEmail: string | null; subprojectHasLead: boolean }> = {}) => ({
  subprojectId: HBS,
  reporterId: 'staff-hbs',
  reporterEmail: 'staff-hbs@mia.se',
  status: 'ny' as const,
  ...extra,
});

describe('who may see and change a deviation', () => {
  it('keeps Roslagen out of an HBS report', () => {
    for (const outsider of [user('staff', ROSLAGEN), user('lead', ROSLAGEN)]) {
      expect(canRead(outsider, report())).toBe(false);
      expect(statusAuthority(outsider, report())).toBe('none');
      expect(canMove(outsider, report())).toBe(false);
      expect(canReply(outsider, report())).toBe(false);
    }
  });

  it('lets staff read only what they filed, and not even a colleague’s in the same delprojekt', () => {
    expect(canRead(user('staff', HBS, 'staff-hbs'), report())).toBe(true);
    expect(canRead(user('staff', HBS, 'other-staff'), report())).toBe(false);
    expect(canReadInternal(user('staff', HBS, 'staff-hbs'), report())).toBe(false);
    expect(canReply(user('staff', HBS, 'staff-hbs'), report())).toBe(true);
  });

  it('matches imported reports on the reporter’s address until an account is linked', () => {
    const imported = report({ reporterId: null, reporterEmail: 'nora@mia.se' });
    expect(canRead({ ...user('staff', ROSLAGEN, 'nora'), email: 'Nora@mia.se' }, imported)).toBe(true);
    expect(canRead(user('staff', ROSLAGEN, 'someone'), imported)).toBe(false);
  });

  it('gives the owning leads everything and analysts what is escalated', () => {
    const lead = user('lead', HBS);
    expect(canRead(lead, report())).toBe(true);
    expect(statusAuthority(lead, report())).toBe('owner-lead');
    expect(canAssign(lead, report())).toBe(true);
    expect(canWriteInternal(lead, report())).toBe(true);
    const analyst = user('analyst', null);
    expect(canRead(analyst, report())).toBe(true);
    expect(statusAuthority(analyst, report())).toBe('analyst');
    expect(canMove(analyst, report())).toBe(true);
    expect(canAssign(analyst, report())).toBe(false);
    const admin = user('admin', null);
    expect(canRead(admin, report())).toBe(true);
    expect(canReadInternal(admin, report())).toBe(true);
    expect(statusAuthority(admin, report())).toBe('none');
    expect(canWriteInternal(admin, report())).toBe(false);
  });

  it('lets the owning leads and the analysts correct category, parties and severity, nobody else', () => {
    expect(canReclassify(user('lead', HBS), report())).toBe(true);
    expect(canReclassify(user('analyst', null), report())).toBe(true);
    expect(canReclassify(user('lead', ROSLAGEN), report())).toBe(false);
    expect(canReclassify(user('staff', HBS, 'staff-hbs'), report())).toBe(false);
    expect(canReclassify(user('admin', null), report())).toBe(false);
  });

  it('lets analysts stand in for the lead only where the delprojekt has no active lead, and only when told so', () => {
    const analyst = user('analyst', null);
    const leadless = report({ subprojectHasLead: false });
    expect(statusAuthority(analyst, leadless)).toBe('stand-in-analyst');
    expect(isStandInAnalyst(analyst, leadless)).toBe(true);
    // Deny by default: unknown or a lead there, and the analyst has only what is escalated.
    expect(statusAuthority(analyst, report())).toBe('analyst');
    expect(statusAuthority(analyst, report({ subprojectHasLead: true }))).toBe('analyst');
    // Assigning stays the delprojekt's own business; nobody else gains anything.
    expect(canAssign(analyst, leadless)).toBe(false);
    for (const other of [user('admin', null), user('staff', HBS), user('lead', ROSLAGEN), user('staff', HBS, 'staff-hbs')]) {
      expect(statusAuthority(other, leadless)).toBe('none');
      expect(isStandInAnalyst(other, leadless)).toBe(false);
    }
  });
});
