import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { User } from '../src/modules/user/user.entity';
import { deviationBody, fileDeviation, municipalityId } from './support/deviation-factories';
import { createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

/** n characters of readable text, words and spaces, ending in a marker so a cut would show. */
function text(n: number, marker: string): string {
  const words = 'Deltagaren väntade på besked från båda parterna utan att någon tog ansvar ';
  const body = words.repeat(Math.ceil(n / words.length)).slice(0, n - marker.length - 1).trimEnd();
  return `${body} ${marker}`.padStart(n, 'x');
}

/**
 * Length limits on the forms where people write: the browser never cuts a paste (no maxlength), the page says the
 * limit (and counts, with script: test/browser/character-count), and the server's message names the field with
 * everything typed kept.
 */
describe('text length limits on the filing form and the report page', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;

  beforeAll(async () => {
    t = await startTestApp({ clock });
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS' });
  });
  afterAll(() => t?.close());

  const db = (): DataSource => t.app.get(DataSource);
  const signIn = async (user: User): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  };
  const count = async (): Promise<number> => ((await db().query(`SELECT count(*)::int AS n FROM deviation`)) as Array<{ n: number }>)[0].n;

  it('the filing form cuts nothing: no maxlength, the limit said beside each field and tied to it, and the counting script', async () => {
    const page = (await (await signIn(staff)).get('/avvikelser/ny')).text;
    const start = page.indexOf('<form method="post" action="/avvikelser/ny"');
    const form = page.slice(start, page.indexOf('</form>', start));
    expect(form).not.toMatch(/\smaxlength=/i);
    for (const [field, limit] of [
      ['title', 120],
      ['description', 4000],
      ['consequence', 2000],
      ['tried', 2000],
    ] as const) {
      const tag = new RegExp(`<(input|textarea) id="falt-${field}"[^>]*>`).exec(form)?.[0] ?? '';
      expect(tag).toContain(`data-maxlength="${limit}"`);
      expect(tag).toMatch(new RegExp(`aria-describedby="[^"]*\\bantal-${field}\\b`));
      expect(form).toContain(`<p class="char-count" id="antal-${field}" data-count-for="falt-${field}">Högst ${limit} tecken.</p>`);
    }
    expect(page).toContain('<script src="/static/character-count.js" defer></script>');
    const script = await new HttpClient(t.baseUrl).get('/static/character-count.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
  });

  it('refuses over-long text naming each field, with everything typed still in the form, and stores nothing', async () => {
    const client = await signIn(staff);
    await client.get('/avvikelser/ny');
    const before = await count();
    const typed = {
      title: text(121, 'RUBRIKSLUT'),
      description: text(4001, 'BESKRIVNINGSSLUT'),
      consequence: text(2001, 'KONSEKVENSSLUT'),
      tried: text(2001, 'PROVATSLUT'),
    };
    const result = await client.postForm('/avvikelser/ny', { ...(deviationBody(await municipalityId(t.app, 'Huddinge')) as Record<string, string>), ...typed });
    expect(result.status).toBe(400);
    for (const message of [
      'Rubriken får vara högst 120 tecken (nu 121).',
      'Beskrivningen får vara högst 4000 tecken (nu 4001).',
      'Konsekvensen får vara högst 2000 tecken (nu 2001).',
      'Det som redan prövats får vara högst 2000 tecken (nu 2001).',
    ]) {
      expect(result.text).toContain(`<a href="#falt-${message.startsWith('Rubriken') ? 'title' : message.startsWith('Beskrivningen') ? 'description' : message.startsWith('Konsekvensen') ? 'consequence' : 'tried'}">${message}</a>`);
    }
    expect(result.text).not.toContain('Texten får vara högst');
    // Every character is back in its field, the end of each text too.
    expect(result.text).toContain(`value="${typed.title}"`);
    for (const field of ['description', 'consequence', 'tried'] as const) expect(result.text).toContain(`>${typed[field]}</textarea>`);
    expect(await count()).toBe(before);
  });

  it('counts a line break as one character, as the page does, though the browser sends it as two', async () => {
    const client = await signIn(staff);
    await client.get('/avvikelser/ny');
    // 4000 characters with 20 line breaks; sent as CR LF it is 4020 bytes of text.
    const lines = Array.from({ length: 21 }, (_, i) => text(i < 20 ? 190 : 4000 - 20 * 191, `RAD${i}`));
    const description = lines.join('\r\n');
    expect(description.replace(/\r\n/g, '\n')).toHaveLength(4000);
    const result = await client.postForm('/avvikelser/ny', { ...(deviationBody(await municipalityId(t.app, 'Salem')) as Record<string, string>), description });
    expect(result.status).toBe(303);
    const id = /\/avvikelser\/([0-9a-f-]{36})/.exec(result.location ?? '')?.[1];
    const [row] = (await db().query(`SELECT description FROM deviation WHERE id = $1`, [id])) as Array<{ description: string }>;
    expect(row.description).toBe(lines.join('\n'));
  });

  it('the report page’s comment, status and move texts are counted, not cut, and a too long message names what it is', async () => {
    const filed = await fileDeviation(t.app, staff, 'Botkyrka');
    const leader = await signIn(lead);
    const page = (await leader.get(`/avvikelser/${filed.id}`)).text;
    const main = page.slice(page.indexOf('<main'), page.indexOf('</main>'));
    expect(main).not.toMatch(/\smaxlength=/i);
    for (const id of ['status-comment', 'move-comment', 'comment-body']) {
      expect(main).toMatch(new RegExp(`id="falt-${id}"[^>]*data-maxlength="4000"`));
      expect(main).toContain(`id="antal-${id}" data-count-for="falt-${id}">Högst 4000 tecken.</p>`);
    }

    const note = text(4001, 'ANTECKNINGSSLUT');
    const refusedNote = await leader.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'internal', body: note });
    expect(refusedNote.status).toBe(400);
    expect(refusedNote.text).toContain('Anteckningen får vara högst 4000 tecken (nu 4001).');
    expect(refusedNote.text).toContain(`>${note}</textarea>`);

    const reporter = await signIn(staff);
    await reporter.get(`/avvikelser/${filed.id}`);
    const message = text(4005, 'MEDDELANDESLUT');
    const refusedMessage = await reporter.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body: message });
    expect(refusedMessage.status).toBe(400);
    expect(refusedMessage.text).toContain('Meddelandet får vara högst 4000 tecken (nu 4005).');
    expect(refusedMessage.text).toContain(`>${message}</textarea>`);
    expect(refusedMessage.text).not.toContain('Texten får vara högst');

    const api = await reporter.api('POST', `/api/deviations/${filed.id}/comments`, { visibility: 'reporter', body: message });
    expect(api.status).toBe(400);
    expect(api.json()).toMatchObject({ error: { fields: [{ field: 'body', message: 'Meddelandet får vara högst 4000 tecken (nu 4005).' }] } });
  });
});
