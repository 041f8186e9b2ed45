import { DataSource } from 'typeorm';
import { FiledDeviation } from '../src/modules/deviation/deviation.types';
import { User } from '../src/modules/user/user.entity';
import { fileDeviation, municipalityId } from './support/deviation-factories';
import { createApiToken, createUser, subprojectId, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

interface ApiError {
  error: { code: string; message: string };
}

describe('isolation between delprojekt: MIA Roslagen cannot list, read or change a report of MIA HBS', () => {
  let t: TestApp;
  let hbsStaff: User;
  let hbsColleague: User;
  let hbsLead: User;
  let roslagenStaff: User;
  let roslagenLead: User;
  let analyst: User;
  let admin: User;
  let hbsReport: FiledDeviation;
  let roslagenReport: FiledDeviation;

  beforeAll(async () => {
    t = await startTestApp();
    hbsStaff = await createUser(t.app, 'staff', { subproject: 'MIA HBS' });
    hbsColleague = await createUser(t.app, 'staff', { subproject: 'MIA HBS' });
    hbsLead = await createUser(t.app, 'lead', { subproject: 'MIA HBS' });
    roslagenStaff = await createUser(t.app, 'staff', { subproject: 'MIA Roslagen' });
    roslagenLead = await createUser(t.app, 'lead', { subproject: 'MIA Roslagen' });
    analyst = await createUser(t.app, 'analyst');
    admin = await createUser(t.app, 'admin');
    hbsReport = await fileDeviation(t.app, hbsStaff, 'Huddinge', { title: 'Hemlig HBS-rapport' });
    roslagenReport = await fileDeviation(t.app, roslagenStaff, 'Österåker', { title: 'Roslagens egen rapport' });
  });
  afterAll(() => t.close());

  const api = async (user: User, method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: <T>() => T }> =>
    new HttpClient(t.baseUrl).api(method, path, body, await createApiToken(t.app, user));
  const statusOf = async (): Promise<string> =>
    ((await t.app.get(DataSource).query(`SELECT status FROM deviation WHERE id = $1`, [hbsReport.id])) as Array<{ status: string }>)[0].status;

  it.each([
    ['staff', () => roslagenStaff],
    ['lead', () => roslagenLead],
  ])('a Roslagen %s does not find the HBS report in any list', async (_role, who) => {
    const user = who();
    for (const path of ['/api/deviations?status=all', '/api/deviations/mine', `/api/deviations?status=all&subprojectId=${await subprojectId(t.app, 'MIA HBS')}`]) {
      const result = await api(user, 'GET', path);
      expect(result.status).toBe(200);
      expect(result.text).not.toContain(hbsReport.id);
      expect(result.text).not.toContain('Hemlig HBS-rapport');
    }
    const browser = new HttpClient(t.baseUrl);
    await browser.login(user.email, TEST_PASSWORD);
    for (const path of ['/avvikelser/mina', user.role === 'lead' ? '/delprojekt/ko?status=all' : '/avvikelser/mina']) {
      const page = await browser.get(path);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('Hemlig HBS-rapport');
    }
    if (user.role === 'lead') expect((await browser.get('/delprojekt/ko?status=all')).text).toContain('Roslagens egen rapport');
  });

  it.each([
    ['staff', () => roslagenStaff],
    ['lead', () => roslagenLead],
  ])('a Roslagen %s gets 404 for the HBS report, on the page and in the API, exactly as for one that does not exist', async (_role, who) => {
    const user = who();
    const missing = await api(user, 'GET', '/api/deviations/00000000-0000-4000-8000-000000000000');
    const read = await api(user, 'GET', `/api/deviations/${hbsReport.id}`);
    expect(read.status).toBe(404);
    expect(read.json()).toEqual(missing.json());
    expect(read.json<ApiError>().error.message).toBe('Avvikelsen hittades inte.');
    const browser = new HttpClient(t.baseUrl);
    await browser.login(user.email, TEST_PASSWORD);
    const page = await browser.get(`/avvikelser/${hbsReport.id}`);
    expect(page.status).toBe(404);
    expect(page.text).not.toContain('Hemlig HBS-rapport');
    expect((await browser.get('/avvikelser/inte-ett-id')).status).toBe(404);
  });

  it('a Roslagen lead can change nothing on the HBS report: status, notes, moving, assigning', async () => {
    for (const action of ['accept', 'investigate', 'resolve', 'escalate', 'close', 'reopen']) {
      const result = await api(roslagenLead, 'POST', `/api/deviations/${hbsReport.id}/${action}`, { resolution: 'Försök' });
      expect(result.status).toBe(404);
    }
    expect((await api(roslagenLead, 'POST', `/api/deviations/${hbsReport.id}/comments`, { visibility: 'internal', body: 'Försök' })).status).toBe(404);
    expect((await api(roslagenLead, 'POST', `/api/deviations/${hbsReport.id}/move`, { municipalityId: await municipalityId(t.app, 'Täby') })).status).toBe(404);
    expect((await api(roslagenLead, 'POST', `/api/deviations/${hbsReport.id}/assign`, { assigneeId: roslagenLead.id })).status).toBe(404);
    expect((await api(roslagenLead, 'POST', `/api/deviations/${hbsReport.id}/reclassify`, { category: 'regelverk' })).status).toBe(404);

    // Through the forms too (with a valid CSRF token from the lead's own pages).
    const browser = new HttpClient(t.baseUrl);
    await browser.login(roslagenLead.email, TEST_PASSWORD);
    await browser.get('/delprojekt/ko');
    expect((await browser.postForm(`/avvikelser/${hbsReport.id}/status`, { action: 'accept' })).status).toBe(404);
    expect((await browser.postForm(`/avvikelser/${hbsReport.id}/kommentarer`, { visibility: 'internal', body: 'Försök' })).status).toBe(404);
    expect((await browser.postForm(`/avvikelser/${hbsReport.id}/klassning`, { category: 'regelverk', severity: 'hog', comment: 'Försök' })).status).toBe(404);
    expect(await statusOf()).toBe('ny');
    const [{ n }] = (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM deviation_event WHERE deviation_id = $1`, [hbsReport.id])) as Array<{
      n: number;
    }>;
    expect(n).toBe(1);
  });

  it('staff read only their own reports, even within their delprojekt, and change no status', async () => {
    expect((await api(hbsColleague, 'GET', `/api/deviations/${hbsReport.id}`)).status).toBe(404);
    expect((await api(hbsColleague, 'GET', '/api/deviations?status=all')).text).not.toContain(hbsReport.id);
    const own = await api(hbsStaff, 'GET', `/api/deviations/${hbsReport.id}`);
    expect(own.status).toBe(200);
    expect(own.json<{ permissions: Record<string, unknown> }>().permissions).toEqual({
      actions: [],
      canAssign: false,
      canMove: false,
      canReclassify: false,
      canWriteInternal: false,
      canReply: true,
      seesInternal: false,
      standingIn: false,
    });
    expect((await api(hbsStaff, 'POST', `/api/deviations/${hbsReport.id}/accept`)).status).toBe(403);
    const browser = new HttpClient(t.baseUrl);
    await browser.login(hbsStaff.email, TEST_PASSWORD);
    expect((await browser.get('/delprojekt/ko')).status).toBe(403);
    expect((await browser.get('/avvikelser')).status).toBe(403);
  });

  it('the owning lead sees and changes it; analysts and admins read everything, but admins change no status', async () => {
    expect((await api(hbsLead, 'GET', '/api/deviations')).text).toContain(hbsReport.id);
    expect((await api(hbsLead, 'GET', '/api/deviations')).text).not.toContain(roslagenReport.id);
    for (const reader of [analyst, admin]) {
      const listed = await api(reader, 'GET', '/api/deviations?status=all');
      expect(listed.text).toContain(hbsReport.id);
      expect(listed.text).toContain(roslagenReport.id);
      expect((await api(reader, 'GET', `/api/deviations/${hbsReport.id}`)).status).toBe(200);
    }
    expect((await api(admin, 'POST', `/api/deviations/${hbsReport.id}/accept`)).status).toBe(403);
    expect((await api(analyst, 'POST', `/api/deviations/${hbsReport.id}/accept`)).status).toBe(403);
    expect(await statusOf()).toBe('ny');
    expect((await api(hbsLead, 'POST', `/api/deviations/${hbsReport.id}/accept`)).status).toBe(200);
    expect(await statusOf()).toBe('mottagen');
  });
});
