import { FixedClock } from '../src/common/clock/clock';
import { User } from '../src/modules/user/user.entity';
import { fileDeviation } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

function pageText(html: string): string {
  return html
    .replace(/<\/?(?:strong|a|span|em)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The lead's "Nytt meddelande" (lead-new-message.e2e-spec.ts) for the analysts who stand in for a missing lead: on the
 * reports of a delprojekt without an active lead, which they take in and handle, each analyst sees when the reporter
 * has written since they last opened it; on other delprojekt's reports the lead does, not they.
 */
describe('"Nytt meddelande" for the analysts on reports of a delprojekt without an active lead', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staffHbs: User;
  let staffOs: User;
  let analyst: User;
  let otherAnalyst: User;
  let admin: User;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({ clock });
    staffHbs = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Hanna Handläggare' });
    staffOs = await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn', name: 'Olle Coach' });
    await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn', name: 'Leo Ledare' });
    analyst = await createUser(t.app, 'analyst', { name: 'Vera Verksamhetsutvecklare' });
    otherAnalyst = await createUser(t.app, 'analyst', { name: 'Ville Verksamhetsutvecklare' });
    admin = await createUser(t.app, 'admin', { name: 'Ada Admin' });
    ids.salem = (await fileDeviation(t.app, staffHbs, 'Salem', { title: 'Ny i Salem' })).id;
    ids.jarfalla = (await fileDeviation(t.app, staffOs, 'Järfälla', { title: 'Ny i Järfälla' })).id;
    ids.haninge = (await fileDeviation(t.app, staffOs, 'Haninge', { title: 'Ny i Haninge' })).id;
  });
  afterAll(() => t?.close());

  const signIn = async (user: User): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  };
  const rows = async (client: HttpClient, path: string): Promise<Array<{ title: string; newMessage: boolean }>> => {
    const page = await client.get(path);
    expect(page.status).toBe(200);
    return [...page.text.matchAll(/<li class="deviation-item[^"]*">([\s\S]*?)<\/li>/g)].map((m) => ({
      title: /<a href="[^"]+">([^<]+)<\/a>/.exec(m[1])?.[1] ?? '',
      newMessage: m[1].includes('Nytt meddelande från rapportören'),
    }));
  };
  const homeWork = async (client: HttpClient): Promise<string> => {
    const page = await client.get('/');
    expect(page.status).toBe(200);
    return /<h2 id="rubrik-att-gora">[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
  };
  const write = async (client: HttpClient, id: string, body: string): Promise<void> => {
    clock.set(new Date(clock.now().getTime() + 60_000));
    await client.get(`/avvikelser/${id}`);
    expect((await client.postForm(`/avvikelser/${id}/kommentarer`, { visibility: 'reporter', body })).status).toBe(303);
    clock.set(new Date(clock.now().getTime() + 60_000));
  };

  it('marks a report of a delprojekt without a lead "Nytt meddelande" for each analyst when the reporter writes, until they open it', async () => {
    const hanna = await signIn(staffHbs);
    const olle = await signIn(staffOs);
    const vera = await signIn(analyst);
    const ville = await signIn(otherAnalyst);
    const marked = async (client: HttpClient, path = '/avvikelser'): Promise<string[]> => (await rows(client, path)).filter((r) => r.newMessage).map((r) => r.title);
    expect(await marked(vera)).toEqual([]);

    await write(hanna, ids.salem, 'Deltagaren har fått ett nytt besked från FK.');
    // Haninge has a lead: the reporter's message there is the lead's to see, not the analysts'.
    await write(olle, ids.haninge, 'Och AF har hört av sig.');
    // An analyst's own message marks nothing for them.
    await write(vera, ids.jarfalla, 'Vi tittar på det.');
    expect(await marked(vera)).toEqual(['Ny i Salem']);
    expect(await marked(vera, '/avvikelser?lead=none')).toEqual(['Ny i Salem']);
    expect(await marked(ville)).toEqual(['Ny i Salem']);
    expect(await marked(await signIn(admin))).toEqual([]);

    // The start page says it and links to the messages.
    const home = await homeWork(vera);
    expect(pageText(home)).toContain('1 avvikelse i ett delprojekt utan delprojektledare har ett nytt meddelande från rapportören');
    expect(home).toContain(`href="/avvikelser/${ids.salem}#kommentarer"`);

    // The API's list says the same, per analyst.
    const token = await createApiToken(t.app, analyst);
    const items = (await new HttpClient(t.baseUrl).get('/api/deviations', { authorization: `Bearer ${token}` })).json<{
      items: Array<{ title: string; newMessage?: boolean }>;
    }>().items;
    expect(items.filter((item) => item.newMessage).map((item) => item.title)).toEqual(['Ny i Salem']);

    // Opening the report clears it for that analyst only.
    expect((await vera.get(`/avvikelser/${ids.salem}`)).status).toBe(200);
    expect(await marked(vera)).toEqual([]);
    expect(pageText(await homeWork(vera))).not.toContain('nytt meddelande från rapportören');
    expect(await marked(ville)).toEqual(['Ny i Salem']);
  });

  it('once the delprojekt has a lead again, the mark is the lead’s and no longer the analysts’', async () => {
    const hanna = await signIn(staffHbs);
    await write(hanna, ids.salem, 'Nu har FK ringt.');
    const ville = await signIn(otherAnalyst);
    expect((await rows(ville, '/avvikelser')).filter((r) => r.newMessage).map((r) => r.title)).toEqual(['Ny i Salem']);
    const hugo = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Hugo HBS-ledare' });
    expect((await rows(ville, '/avvikelser')).filter((r) => r.newMessage)).toEqual([]);
    expect(pageText(await homeWork(ville))).not.toContain('nytt meddelande');
    expect((await rows(await signIn(hugo), '/delprojekt/ko')).filter((r) => r.newMessage).map((r) => r.title)).toEqual(['Ny i Salem']);
  });
});
