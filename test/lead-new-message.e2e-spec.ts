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
    .replace(/\s+/g, ' ');
}

/**
 * The lead's side of "Nytt svar": when the reporter writes to the delprojekt ("Skriv till delprojektet"), the
 * queue row and the start page say so, until that lead opens the report (each lead for themselves).
 */
describe('"Nytt meddelande" for the lead when the reporter has written since the lead last looked', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;
  let colleague: User;
  let analyst: User;

  beforeAll(async () => {
    t = await startTestApp({ clock });
    staff = await createUser(t.app, 'staff', { subproject: 'MIA Södertälje', name: 'Hanna Handläggare' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA Södertälje', name: 'Hugo Ledare' });
    colleague = await createUser(t.app, 'lead', { subproject: 'MIA Södertälje', name: 'Kim Kollega' });
    analyst = await createUser(t.app, 'analyst', { name: 'Ada Analytiker' });
  });
  afterAll(() => t.close());

  const signIn = async (user: User): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  };
  const write = async (client: HttpClient, id: string, visibility: 'internal' | 'reporter', body: string): Promise<void> => {
    clock.set(new Date(clock.now().getTime() + 60_000));
    await client.get(`/avvikelser/${id}`);
    expect((await client.postForm(`/avvikelser/${id}/kommentarer`, { visibility, body })).status).toBe(303);
    clock.set(new Date(clock.now().getTime() + 60_000));
  };
  /** The titles in the lead's queue that carry "Nytt meddelande". */
  const marked = async (client: HttpClient): Promise<string[]> => {
    const page = await client.get('/delprojekt/ko');
    expect(page.status).toBe(200);
    return [...page.text.matchAll(/<li class="deviation-item[^"]*">([\s\S]*?)<\/li>/g)]
      .filter((m) => m[1].includes('Nytt meddelande'))
      .map((m) => /<a href="[^"]+">([^<]+)<\/a>/.exec(m[1])?.[1] ?? '');
  };
  const homeSection = async (client: HttpClient): Promise<string> => {
    const page = await client.get('/');
    expect(page.status).toBe(200);
    return /<h2 id="rubrik-att-gora">[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
  };

  it('marks the report the reporter wrote in, for each lead until they open it; replies, notes and analysts’ words do not mark', async () => {
    const written = await fileDeviation(t.app, staff, 'Södertälje', { title: 'Rapportören har skrivit' });
    const answered = await fileDeviation(t.app, staff, 'Nykvarn', { title: 'Bara svar och anteckningar' });
    const leadClient = await signIn(lead);
    const colleagueClient = await signIn(colleague);
    const staffClient = await signIn(staff);
    const analystClient = await signIn(analyst);
    expect(await marked(leadClient)).toEqual([]);

    await write(staffClient, written.id, 'reporter', 'Deltagaren har fått ett nytt besked från FK.');
    await write(leadClient, answered.id, 'reporter', 'Vi har kontaktat FK.');
    await write(leadClient, answered.id, 'internal', 'Tas upp på samverkansmötet.');
    await write(analystClient, answered.id, 'reporter', 'Vi känner igen mönstret.');
    expect(await marked(leadClient)).toEqual(['Rapportören har skrivit']);
    expect(await marked(colleagueClient)).toEqual(['Rapportören har skrivit']);

    // The start page says how many and lists them, linking to each report.
    const home = await homeSection(leadClient);
    expect(pageText(home)).toContain('1 avvikelse har ett nytt meddelande från rapportören');
    expect(home).toContain(`href="/avvikelser/${written.id}#kommentarer"`);

    // The API's list says the same, per lead.
    const token = await createApiToken(t.app, lead);
    const items = (await new HttpClient(t.baseUrl).get('/api/deviations', { authorization: `Bearer ${token}` })).json<{
      items: Array<{ title: string; newMessage: boolean }>;
    }>().items;
    expect(items.filter((item) => item.newMessage).map((item) => item.title)).toEqual(['Rapportören har skrivit']);

    // Opening the report clears it for that lead only.
    expect((await leadClient.get(`/avvikelser/${written.id}`)).status).toBe(200);
    expect(await marked(leadClient)).toEqual([]);
    expect(pageText(await homeSection(leadClient))).not.toContain('meddelande från rapportör');
    expect(await marked(colleagueClient)).toEqual(['Rapportören har skrivit']);

    // The reporter writes again: marked again.
    await write(staffClient, written.id, 'reporter', 'Och nu har AF hört av sig.');
    expect(await marked(leadClient)).toEqual(['Rapportören har skrivit']);
    // The reporter's own list has no lead mark, and the lead's own message is no "Nytt svar" for the lead.
    expect((await staffClient.get('/avvikelser/mina')).text).not.toContain('Nytt meddelande');
  });

  it('counts in Swedish: two reports are "2 avvikelser har nya meddelanden"', async () => {
    const first = await fileDeviation(t.app, staff, 'Södertälje', { title: 'Första med meddelande' });
    const second = await fileDeviation(t.app, staff, 'Nykvarn', { title: 'Andra med meddelande' });
    const staffClient = await signIn(staff);
    await write(staffClient, first.id, 'reporter', 'Något nytt har hänt.');
    await write(staffClient, second.id, 'reporter', 'Här också.');
    const fresh = await signIn(colleague);
    expect(pageText(await homeSection(fresh))).toContain('avvikelser har nya meddelanden från rapportörerna');
  });
});
