import { signInNewAdmin } from './support/admin-session';
import { createUser, subprojectId } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

interface UserRow {
  id: string;
  active: boolean;
  role: string;
}

describe('a delprojekt left without an active lead', () => {
  let t: TestApp;
  let admin: HttpClient;
  let token: string;
  const warning = 'MIA Järfälla har då ingen aktiv delprojektledare: nya avvikelser där går till verksamhetsutvecklarna i stället.';
  const userRow = async (id: string): Promise<UserRow | undefined> => (await admin.api('GET', '/api/users')).json<UserRow[]>().find((u) => u.id === id);
  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, token } = await signInNewAdmin(t));
  });
  afterAll(() => t.close());

  it('the user page asks before deactivating the last active lead, and saves only when confirmed', async () => {
    const jarfalla = await subprojectId(t.app, 'MIA Järfälla');
    const first = await createUser(t.app, 'lead', { subproject: 'MIA Järfälla' });
    const second = await createUser(t.app, 'lead', { subproject: 'MIA Järfälla' });

    // Another active lead remains: no question.
    await admin.get(`/admin/anvandare/${first.id}`);
    const plain = await admin.postForm(`/admin/anvandare/${first.id}`, { name: first.name, role: 'lead', subprojectId: jarfalla, password: '' });
    expect(plain.status).toBe(303);
    expect((await userRow(first.id))?.active).toBe(false);

    // The last one: the page asks, states the consequence, and nothing is saved.
    await admin.get(`/admin/anvandare/${second.id}`);
    const asked = await admin.postForm(`/admin/anvandare/${second.id}`, { name: second.name, role: 'lead', subprojectId: jarfalla, password: '' });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain(warning);
    expect(asked.text).toContain('name="confirmed" value="1"');
    expect(asked.text).toContain('Spara ändå');
    expect((await userRow(second.id))?.active).toBe(true);

    // Changing the role away from lead asks the same.
    const roleChange = await admin.postForm(`/admin/anvandare/${second.id}`, { name: second.name, role: 'staff', subprojectId: jarfalla, active: 'on', password: '' });
    expect(roleChange.status).toBe(200);
    expect(roleChange.text).toContain(warning);

    // The organisation page does not list it yet.
    expect((await admin.get('/admin/organisation')).text).not.toContain('<li>MIA Järfälla</li>');

    const confirmed = await admin.postForm(`/admin/anvandare/${second.id}`, { name: second.name, role: 'lead', subprojectId: jarfalla, password: '', confirmed: '1' });
    expect(confirmed.status).toBe(303);
    expect((await userRow(second.id))?.active).toBe(false);

    const organisation = await admin.get('/admin/organisation');
    expect(organisation.text).toContain('Delprojekt utan aktiv delprojektledare');
    expect(organisation.text).toContain('<li>MIA Järfälla</li>');
    expect(organisation.text).toContain('MIA Järfälla <span class="tag-warning">ingen aktiv delprojektledare</span>');
  });

  it('the API saves and answers with a warning', async () => {
    const lead = await createUser(t.app, 'lead', { subproject: 'MIA Järfälla' });
    const api = new HttpClient(t.baseUrl);
    const renamed = await api.api('PATCH', `/api/users/${lead.id}`, { name: 'Lena Ledare' }, token);
    expect(renamed.status).toBe(200);
    expect(renamed.json<{ warnings: unknown[] }>().warnings).toEqual([]);
    const jarfalla = await subprojectId(t.app, 'MIA Järfälla');
    const deactivated = await api.api('PATCH', `/api/users/${lead.id}`, { active: false }, token);
    expect(deactivated.status).toBe(200);
    expect(deactivated.json<{ active: boolean; warnings: unknown[] }>()).toMatchObject({
      active: false,
      warnings: [{ code: 'subproject_without_lead', subprojectId: jarfalla, message: warning }],
    });
  });
});
