import { FixedClock } from '../src/common/clock/clock';
import { User } from '../src/modules/user/user.entity';
import { fileDeviation } from './support/deviation-factories';
import { createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

describe('"Nytt svar" in Mina avvikelser when the delprojekt has written since the reporter last looked', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;

  beforeAll(async () => {
    t = await startTestApp({ clock });
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Hanna Handläggare' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Hugo Ledare' });
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
  };
  /** The titles in Mina avvikelser that carry "Nytt svar". */
  const marked = async (client: HttpClient): Promise<string[]> => {
    const page = await client.get('/avvikelser/mina');
    expect(page.status).toBe(200);
    return [...page.text.matchAll(/<li class="deviation-item[^"]*">([\s\S]*?)<\/li>/g)]
      .filter((m) => m[1].includes('Nytt svar'))
      .map((m) => /<a href="[^"]+">([^<]+)<\/a>/.exec(m[1])?.[1] ?? '');
  };

  it('marks a report the delprojekt answered, not one with only internal notes or the reporter’s own message; opening clears it', async () => {
    const answered = await fileDeviation(t.app, staff, 'Huddinge', { title: 'Besvarad avvikelse' });
    const noted = await fileDeviation(t.app, staff, 'Botkyrka', { title: 'Bara intern anteckning' });
    const leadClient = await signIn(lead);
    const staffClient = await signIn(staff);
    expect(await marked(staffClient)).toEqual([]);

    await write(leadClient, answered.id, 'reporter', 'Vi har kontaktat FK och återkommer.');
    await write(leadClient, noted.id, 'internal', 'Ska tas upp på samverkansmötet.');
    await write(staffClient, noted.id, 'reporter', 'Finns det något nytt?');
    expect(await marked(staffClient)).toEqual(['Besvarad avvikelse']);
    // The lead's own lists have no such mark.
    expect((await leadClient.get('/delprojekt/ko')).text).not.toContain('Nytt svar');

    clock.set(new Date(clock.now().getTime() + 60_000));
    expect((await staffClient.get(`/avvikelser/${answered.id}`)).status).toBe(200);
    expect(await marked(staffClient)).toEqual([]);

    await write(leadClient, answered.id, 'reporter', 'FK har svarat nu.');
    expect(await marked(staffClient)).toEqual(['Besvarad avvikelse']);
    // Another user opening it (the lead) does not clear the reporter's mark.
    await leadClient.get(`/avvikelser/${answered.id}`);
    expect(await marked(staffClient)).toEqual(['Besvarad avvikelse']);
  });

  it('the start page marks the same reports and counts them, linking to Mina avvikelser', async () => {
    const reporter = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Sara Startsida' });
    const first = await fileDeviation(t.app, reporter, 'Huddinge', { title: 'Första besvarade' });
    const second = await fileDeviation(t.app, reporter, 'Salem', { title: 'Andra besvarade' });
    await fileDeviation(t.app, reporter, 'Botkyrka', { title: 'Obesvarad' });
    const leadClient = await signIn(lead);
    const staffClient = await signIn(reporter);
    /** The titles in the start page's own list that carry "Nytt svar", and the page text. */
    const home = async (): Promise<{ marked: string[]; text: string; html: string }> => {
      const page = await staffClient.get('/');
      expect(page.status).toBe(200);
      const list = /<h2 id="rubrik-mina">[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
      const marked = [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)]
        .filter((m) => m[1].includes('Nytt svar'))
        .map((m) => /<a href="[^"]+">([^<]+)<\/a>/.exec(m[1])?.[1] ?? '');
      return { marked, text: list.replace(/<[^>]+>/g, ''), html: list };
    };
    expect((await home()).marked).toEqual([]);
    expect((await home()).text).not.toMatch(/nya? svar/);

    await write(leadClient, first.id, 'reporter', 'Vi tittar på det.');
    await write(leadClient, second.id, 'reporter', 'Vi har kontaktat AF.');
    const both = await home();
    expect(both.marked.sort()).toEqual(['Andra besvarade', 'Första besvarade']);
    expect(both.text).toContain('2 avvikelser har nya svar');
    expect(both.html).toMatch(/<a href="\/avvikelser\/mina">2 avvikelser har nya svar<\/a>/);
    expect((await marked(staffClient)).sort()).toEqual(both.marked);

    clock.set(new Date(clock.now().getTime() + 60_000));
    expect((await staffClient.get(`/avvikelser/${first.id}`)).status).toBe(200);
    const one = await home();
    expect(one.marked).toEqual(['Andra besvarade']);
    expect(one.text).toContain('1 avvikelse har nytt svar');
  });
});
