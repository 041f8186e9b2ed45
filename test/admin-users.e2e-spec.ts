import { DataSource } from 'typeorm';
import { signInNewAdmin } from './support/admin-session';
import { createApiToken, createUser, subprojectId, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

const LAST_ADMIN_ROLE = 'är den enda aktiva administratören och kan inte få en annan roll';
const LAST_ADMIN_ACTIVE = 'är den enda aktiva administratören och kan inte stängas av';
const OWN_ROLE = 'Du tar bort din egen administratörsbehörighet.';

function occurrences(text: string, phrase: string): number {
  return text.split(phrase).length - 1;
}

function summaryOf(html: string): string {
  return /<div class="error-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
}

/**
 * Admin → Användare and PATCH /api/users/:id: the last active administrator cannot lose the role or the account, an
 * administrator is asked before taking their own away, messages are said once, and the notice says what was done.
 * Over HTTP on a real Postgres, each test on its own database so "the only administrator" is true.
 */
describe('administering users', () => {
  let t: TestApp;
  const adminRows = async (): Promise<Array<{ id: string; role: string; active: boolean }>> =>
    (await t.app.get(DataSource).query(`SELECT id, role, active FROM app_user WHERE role = 'admin' AND active ORDER BY id`)) as Array<{
      id: string;
      role: string;
      active: boolean;
    }>;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.close());

  it('the only administrator cannot take away their own role or account, on the page or through the API, and what was typed is kept', async () => {
    const { user, admin, token } = await signInNewAdmin(t);
    const ostra = await subprojectId(t.app, 'MIA Östra Södertörn');

    await admin.get(`/admin/anvandare/${user.id}`);
    const demoted = await admin.postForm(`/admin/anvandare/${user.id}`, { name: 'Nytt Namn', role: 'staff', subprojectId: ostra, active: 'on', password: '' });
    expect(demoted.status).toBe(409);
    expect(demoted.text).toContain(`${user.name} ${LAST_ADMIN_ROLE}`);
    expect(demoted.text).toContain('id="fel-role"');
    expect(summaryOf(demoted.text)).toContain('href="#falt-role"');
    expect(demoted.text).toContain('value="Nytt Namn"');
    expect(demoted.text).not.toContain('Vill du spara ändå?');
    // Said once in the summary and once at the field.
    expect(occurrences(demoted.text, LAST_ADMIN_ROLE)).toBe(2);

    const deactivated = await admin.postForm(`/admin/anvandare/${user.id}`, { name: user.name, role: 'admin', subprojectId: '', password: '' });
    expect(deactivated.status).toBe(409);
    expect(deactivated.text).toContain(`${user.name} ${LAST_ADMIN_ACTIVE}`);
    expect(deactivated.text).toContain('id="fel-active"');
    expect(summaryOf(deactivated.text)).toContain('href="#falt-active"');
    const confirmedAnyway = await admin.postForm(`/admin/anvandare/${user.id}`, { name: user.name, role: 'analyst', subprojectId: '', active: 'on', password: '', confirmed: '1' });
    expect(confirmedAnyway.status).toBe(409);

    const api = new HttpClient(t.baseUrl);
    for (const change of [{ role: 'analyst' }, { active: false }, { role: 'lead', subprojectId: ostra }]) {
      const refused = await api.api('PATCH', `/api/users/${user.id}`, change, token);
      expect([change, refused.status, refused.json<{ error: { code: string } }>().error.code]).toEqual([change, 409, 'last_admin']);
    }
    expect(await adminRows()).toEqual([{ id: user.id, role: 'admin', active: true }]);
    expect((await admin.get('/admin/anvandare')).status).toBe(200);

    // A deactivated administrator is no administrator: the only active one is still the last.
    const former = await createUser(t.app, 'admin');
    expect((await api.api('PATCH', `/api/users/${former.id}`, { active: false }, token)).status).toBe(200);
    expect((await api.api('PATCH', `/api/users/${user.id}`, { role: 'analyst' }, token)).status).toBe(409);
  });

  it('an administrator is asked before taking away their own role while others remain; the last one then cannot go', async () => {
    const { user, admin } = await signInNewAdmin(t);
    const other = await createUser(t.app, 'admin');
    const otherToken = await createApiToken(t.app, other);

    await admin.get(`/admin/anvandare/${user.id}`);
    const asked = await admin.postForm(`/admin/anvandare/${user.id}`, { name: user.name, role: 'analyst', subprojectId: '', active: 'on', password: '' });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('Vill du spara ändå?');
    expect(asked.text).toContain(OWN_ROLE);
    expect(asked.text).toContain('name="confirmed" value="1"');
    expect((await adminRows()).map((r) => r.id).sort()).toEqual([user.id, other.id].sort());

    // Another administrator's role is changed without the question about oneself.
    const third = await createUser(t.app, 'admin');
    await admin.get(`/admin/anvandare/${third.id}`);
    const plain = await admin.postForm(`/admin/anvandare/${third.id}`, { name: third.name, role: 'analyst', subprojectId: '', active: 'on', password: '' });
    expect(plain.status).toBe(303);
    expect(plain.location).toBe(`/admin/anvandare?sparad=${third.id}`);

    await admin.get(`/admin/anvandare/${user.id}`);
    const confirmed = await admin.postForm(`/admin/anvandare/${user.id}`, { name: user.name, role: 'analyst', subprojectId: '', active: 'on', password: '', confirmed: '1' });
    expect(confirmed.status).toBe(303);
    expect(confirmed.location).toBe('/');
    expect((await admin.get('/')).status).toBe(200);
    expect(await adminRows()).toEqual([{ id: other.id, role: 'admin', active: true }]);

    const api = new HttpClient(t.baseUrl);
    const last = await api.api('PATCH', `/api/users/${other.id}`, { active: false }, otherToken);
    expect(last.status).toBe(409);
    expect(last.json<{ error: { message: string; fields: Array<{ field: string }> } }>().error.fields).toEqual([expect.objectContaining({ field: 'active' })]);
  });

  it('two administrators taking each other’s role at the same moment: one is saved, one is refused, one administrator remains', async () => {
    for (let round = 0; round < 5; round += 1) {
      await t.app.get(DataSource).query(`UPDATE app_user SET active = false WHERE role = 'admin'`);
      const first = await createUser(t.app, 'admin');
      const second = await createUser(t.app, 'admin');
      const [firstToken, secondToken] = await Promise.all([createApiToken(t.app, first), createApiToken(t.app, second)]);
      const api = new HttpClient(t.baseUrl);
      const answers = await Promise.all([
        api.api('PATCH', `/api/users/${second.id}`, { role: 'analyst' }, firstToken),
        api.api('PATCH', `/api/users/${first.id}`, { active: false }, secondToken),
      ]);
      const statuses = answers.map((a) => a.status);
      // Whichever is saved first leaves the other as the last administrator (a request by an account that has just
      // lost the role is refused by the guard instead, 403): never both saved.
      expect([statuses.filter((s) => s === 200).length, statuses.every((s) => [200, 403, 409].includes(s))]).toEqual([1, true]);
      expect(await adminRows()).toHaveLength(1);
    }
  });

  it('asks nothing about a change that cannot be saved; a missing delprojekt is said once; the notice names the account', async () => {
    const { admin } = await signInNewAdmin(t);
    const lead = await createUser(t.app, 'lead', { subproject: 'MIA Järfälla' });
    await admin.get(`/admin/anvandare/${lead.id}`);
    const noSubproject = await admin.postForm(`/admin/anvandare/${lead.id}`, { name: lead.name, role: 'lead', subprojectId: '', active: 'on', password: '' });
    expect(noSubproject.status).toBe(400);
    expect(noSubproject.text).not.toContain('Vill du spara ändå?');
    const message = 'Medarbetare och delprojektledare måste höra till ett delprojekt. Välj ett delprojekt.';
    expect(occurrences(noSubproject.text, message)).toBe(2);
    expect(occurrences(summaryOf(noSubproject.text), message)).toBe(1);
    expect(noSubproject.text).not.toContain('Välj ett. Välj ett delprojekt.');

    await admin.get('/admin/anvandare');
    const refused = await admin.postForm('/admin/anvandare', { name: 'Anna Andersson', email: 'anna.andersson@test.mia.se', role: 'staff', subprojectId: '', password: TEST_PASSWORD });
    expect(refused.status).toBe(400);
    expect(occurrences(summaryOf(refused.text), message)).toBe(1);
    expect(occurrences(refused.text, message)).toBe(2);

    const hbs = await subprojectId(t.app, 'MIA HBS');
    const created = await admin.postForm('/admin/anvandare', { name: 'Anna Andersson', email: 'Anna.Andersson@test.mia.se', role: 'staff', subprojectId: hbs, password: TEST_PASSWORD });
    expect(created.status).toBe(303);
    const page = await admin.get(created.location ?? '');
    expect(page.text).toContain('Kontot för Anna Andersson (anna.andersson@test.mia.se) är skapat: medarbetare i MIA HBS.');
    expect(page.text).not.toContain('Ändringen är sparad.');

    const id = /skapad=([0-9a-f-]{36})/.exec(created.location ?? '')?.[1] ?? '';
    await admin.get(`/admin/anvandare/${id}`);
    const saved = await admin.postForm(`/admin/anvandare/${id}`, { name: 'Anna Berg', role: 'lead', subprojectId: hbs, active: 'on', password: '' });
    expect(saved.status).toBe(303);
    expect((await admin.get(saved.location ?? '')).text).toContain('Ändringarna för Anna Berg (anna.andersson@test.mia.se) är sparade: delprojektledare i MIA HBS.');
  });
});
