import { FixedClock } from '../src/common/clock/clock';
import { DeviationService } from '../src/modules/deviation/deviation.service';
import { DeviationListItem, DeviationPage } from '../src/modules/deviation/deviation.types';
import { DeviationAction } from '../src/modules/deviation/deviation-workflow';
import { User } from '../src/modules/user/user.entity';
import { authUser, fileDeviation, municipalityId } from './support/deviation-factories';
import { createApiToken, createUser, subprojectId, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

/** Wednesday 25 November 2026, 10:00 Swedish time. */
const NOW = new Date('2026-11-25T09:00:00Z');

interface Seed {
  title: string;
  kommun: string;
  at: string;
  severity: 'lag' | 'medel' | 'hog';
  category?: string;
  actions?: DeviationAction[];
}

/** HBS reports with distinct ages, severities, kommuner and statuses; one Roslagen report that must never show. */
const SEEDS: Seed[] = [
  { title: 'Fredagsrapporten', kommun: 'Huddinge', at: '2026-11-20T09:00:00Z', severity: 'medel' },
  { title: 'Måndagsrapporten', kommun: 'Botkyrka', at: '2026-11-23T09:00:00Z', severity: 'hog', category: 'forsorjning' },
  { title: 'Oktoberrapporten', kommun: 'Salem', at: '2026-10-20T09:00:00Z', severity: 'lag', actions: ['accept'] },
  { title: 'Utredd rapport', kommun: 'Huddinge', at: '2026-11-10T09:00:00Z', severity: 'hog', actions: ['accept', 'investigate'] },
  { title: 'Avslutad rapport', kommun: 'Huddinge', at: '2026-11-05T09:00:00Z', severity: 'hog', actions: ['accept', 'resolve', 'close'] },
  { title: 'Lugn rapport', kommun: 'Botkyrka', at: '2026-11-24T09:00:00Z', severity: 'lag' },
  { title: 'Samtidig rapport A', kommun: 'Botkyrka', at: '2026-11-24T09:00:00Z', severity: 'medel' },
  { title: 'Roslagsrapporten', kommun: 'Täby', at: '2026-11-01T09:00:00Z', severity: 'hog' },
];

describe('the lead’s queue and GET /api/deviations: filters, sorts, overdue marks and keyset pages', () => {
  let t: TestApp;
  const clock = new FixedClock(NOW);
  let lead: User;
  let analyst: User;
  let token: string;
  const client = (): HttpClient => new HttpClient(t.baseUrl);

  beforeAll(async () => {
    t = await startTestApp({ clock });
    const staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Kö Ledare' });
    const roslagenStaff = await createUser(t.app, 'staff', { subproject: 'MIA Roslagen' });
    analyst = await createUser(t.app, 'analyst');
    for (const seed of SEEDS) {
      clock.set(new Date(seed.at));
      const filed = await fileDeviation(t.app, seed.kommun === 'Täby' ? roslagenStaff : staff, seed.kommun, {
        title: seed.title,
        severity: seed.severity,
        category: seed.category ?? 'gransnitt',
        occurredOn: seed.at.slice(0, 10),
      });
      for (const action of seed.actions ?? []) {
        await t.app.get(DeviationService).transition(authUser(lead), filed.id, action, { resolution: action === 'resolve' ? 'Löst med ny rutin.' : undefined });
      }
    }
    clock.set(NOW);
    token = await createApiToken(t.app, lead);
  });
  afterAll(() => t.close());

  const list = async (query: string, as = token): Promise<DeviationPage> => {
    const result = await client().api('GET', `/api/deviations${query}`, undefined, as);
    expect(result.status).toBe(200);
    return result.json<DeviationPage>();
  };
  const titles = (page: DeviationPage): string[] => page.items.map((item) => item.title);

  it('lists the open reports of the lead’s delprojekt, oldest first, and nothing closed or from elsewhere', async () => {
    const all = titles(await list(''));
    expect(all.slice(0, 4)).toEqual(['Oktoberrapporten', 'Utredd rapport', 'Fredagsrapporten', 'Måndagsrapporten']);
    // Filed the same second: the id breaks the tie, so the order is stable across pages.
    expect(new Set(all.slice(4))).toEqual(new Set(['Lugn rapport', 'Samtidig rapport A']));
    expect(all).not.toContain('Avslutad rapport');
    expect(all).not.toContain('Roslagsrapporten');
    expect(titles(await list('?status=all'))).toContain('Avslutad rapport');
  });

  it('marks what was not accepted within 2 working days and not resolved within 30 days', async () => {
    const byTitle = new Map((await list('')).items.map((item): [string, DeviationListItem] => [item.title, item]));
    // Filed Friday: Monday and Tuesday were its two working days; on Wednesday it is late.
    expect(byTitle.get('Fredagsrapporten')?.overdue).toMatchObject({ notAccepted: true, acceptBy: '2026-11-24', notResolved: false });
    expect(byTitle.get('Måndagsrapporten')?.overdue).toMatchObject({ notAccepted: false, acceptBy: '2026-11-25' });
    // Accepted in October but not resolved 30 days later.
    expect(byTitle.get('Oktoberrapporten')?.overdue).toMatchObject({ notAccepted: false, notResolved: true, resolveBy: '2026-11-19' });
    expect(byTitle.get('Utredd rapport')?.overdue).toMatchObject({ notAccepted: false, notResolved: false });
  });

  it('filters by status, severity, kommun, category and period', async () => {
    expect(titles(await list('?status=ny&sort=oldest')).slice(0, 2)).toEqual(['Fredagsrapporten', 'Måndagsrapporten']);
    expect(new Set(titles(await list('?status=ny')))).toEqual(new Set(['Fredagsrapporten', 'Måndagsrapporten', 'Lugn rapport', 'Samtidig rapport A']));
    expect(titles(await list('?status=mottagen'))).toEqual(['Oktoberrapporten']);
    expect(titles(await list('?severity=hog'))).toEqual(['Utredd rapport', 'Måndagsrapporten']);
    expect(titles(await list('?severity=hog&status=all'))).toEqual(['Avslutad rapport', 'Utredd rapport', 'Måndagsrapporten']);
    expect(titles(await list(`?municipalityId=${await municipalityId(t.app, 'Huddinge')}`))).toEqual(['Utredd rapport', 'Fredagsrapporten']);
    expect(titles(await list('?category=forsorjning'))).toEqual(['Måndagsrapporten']);
    // Period in Swedish days, both ends included.
    expect(titles(await list('?from=2026-11-20&to=2026-11-23'))).toEqual(['Fredagsrapporten', 'Måndagsrapporten']);
    const bad = await client().api('GET', '/api/deviations?status=borta&sort=slumpvis', undefined, token);
    expect(bad.status).toBe(400);
    expect(bad.json<{ error: { fields: Array<{ field: string }> } }>().error.fields.map((f) => f.field).sort()).toEqual(['sort', 'status']);
  });

  it('sorts by severity (hög first, oldest first within) and by newest', async () => {
    const bySeverity = (await list('?sort=severity')).items;
    expect(bySeverity.map((item) => item.severity)).toEqual(['hog', 'hog', 'medel', 'medel', 'lag', 'lag']);
    expect(bySeverity.map((item) => item.title).slice(0, 3)).toEqual(['Utredd rapport', 'Måndagsrapporten', 'Fredagsrapporten']);
    expect(titles(await list('?sort=newest')).slice(-2)).toEqual(['Utredd rapport', 'Oktoberrapporten']);
  });

  it.each(['oldest', 'newest', 'severity'])('pages through everything with an opaque cursor, sorted %s, without gaps or repeats', async (sort) => {
    const full = (await list(`?status=all&sort=${sort}`)).items.map((item) => item.id);
    expect(full).toHaveLength(7);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: DeviationPage = await list(`?status=all&sort=${sort}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toEqual(full);
  });

  it('refuses a cursor that is forged or belongs to another sort', async () => {
    const first = await list('?limit=2&sort=oldest');
    expect(first.nextCursor).toBeTruthy();
    const otherSort = await client().api('GET', `/api/deviations?limit=2&sort=severity&cursor=${first.nextCursor}`, undefined, token);
    expect(otherSort.status).toBe(400);
    expect(otherSort.json<{ error: { code: string; message: string } }>().error).toEqual(
      expect.objectContaining({ code: 'invalid_cursor', message: 'Markören för nästa sida är ogiltig. Börja om från första sidan.' }),
    );
    expect((await client().api('GET', '/api/deviations?cursor=hittepa', undefined, token)).status).toBe(400);
  });

  it('shows the queue page with filters, overdue marks and a next-page link', async () => {
    const browser = client();
    await browser.login(lead.email, TEST_PASSWORD);
    const page = await browser.get('/delprojekt/ko?sort=oldest');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Kö</h1>');
    expect(page.text).toContain('Oktoberrapporten');
    expect(page.text).not.toContain('Roslagsrapporten');
    expect(page.text).toContain('inte mottagen inom 2 arbetsdagar (senast 2026-11-24)');
    expect(page.text).toContain('inte åtgärdad inom 30 dagar (senast 2026-11-19)');
    expect(page.text.indexOf('Oktoberrapporten')).toBeLessThan(page.text.indexOf('Fredagsrapporten'));
    // The kommun filter offers the delprojekt's own kommuner.
    expect(page.text).toContain('Salem (MIA HBS)');
    expect(page.text).not.toContain('Täby (MIA Roslagen)');

    const filtered = await browser.get('/delprojekt/ko?severity=hog');
    expect(filtered.text).toContain('Utredd rapport');
    expect(filtered.text).not.toContain('Fredagsrapporten');

    // Paging keeps the filters.
    const paged = await browser.get('/delprojekt/ko?status=all&limit=3');
    const next = /href="(\/delprojekt\/ko\?[^"]*cursor=[^"]+)" rel="next"/.exec(paged.text)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    expect(next).toContain('status=all');
    const second = await browser.get(next ?? '');
    expect(second.status).toBe(200);
    expect(second.text).toContain('Första sidan');

    const bad = await browser.get('/delprojekt/ko?from=igar');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Ange från-datum som ÅÅÅÅ-MM-DD, t.ex. 2026-01-01.');
    // A day that does not exist is refused before it reaches the database.
    const impossible = await browser.get('/delprojekt/ko?to=2026-13-45');
    expect(impossible.status).toBe(400);
    expect(impossible.text).toContain('Ange till-datum som ÅÅÅÅ-MM-DD, t.ex. 2026-12-31.');
    const reversed = await browser.get('/delprojekt/ko?from=2026-12-01&to=2026-01-01');
    expect(reversed.status).toBe(400);
    expect(reversed.text).toContain('Till-datum kan inte vara före från-datum.');
    // A hand-edited address gets Swedish, not the API's codes.
    const unknown = await browser.get('/delprojekt/ko?status=foo&sort=bar');
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Okänd status. Välj en status i listan.');
    expect(unknown.text).toContain('Okänd sortering. Välj äldst först, nyast först eller allvarligast först.');
  });

  it('gives analysts every delprojekt, filterable by delprojekt', async () => {
    const analystToken = await createApiToken(t.app, analyst);
    const everything = titles(await list('?status=all', analystToken));
    expect(everything).toContain('Roslagsrapporten');
    expect(everything).toHaveLength(8);
    expect(titles(await list(`?status=all&subprojectId=${await subprojectId(t.app, 'MIA Roslagen')}`, analystToken))).toEqual(['Roslagsrapporten']);
    const browser = client();
    await browser.login(analyst.email, TEST_PASSWORD);
    const page = await browser.get('/avvikelser');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Roslagsrapporten');
    expect(page.text).toMatch(/<a href="\/avvikelser" aria-current="page">Avvikelser<\/a>/);
  });

  it('takes N and M from the environment', async () => {
    const relaxedClock = new FixedClock(new Date('2026-11-20T09:00:00Z'));
    const relaxed = await startTestApp({ clock: relaxedClock, env: { ACCEPT_WITHIN_WORKING_DAYS: '5', RESOLVE_WITHIN_DAYS: '3' } });
    try {
      const staff = await createUser(relaxed.app, 'staff', { subproject: 'MIA HBS' });
      const relaxedLead = await createUser(relaxed.app, 'lead', { subproject: 'MIA HBS' });
      await fileDeviation(relaxed.app, staff, 'Huddinge', { title: 'Fredag med längre frist' });
      relaxedClock.set(NOW);
      const page = await new HttpClient(relaxed.baseUrl).api('GET', '/api/deviations', undefined, await createApiToken(relaxed.app, relaxedLead));
      const [item] = page.json<DeviationPage>().items;
      // Friday + 5 working days is next Friday; 3 calendar days is Monday.
      expect(item.overdue).toEqual({ notAccepted: false, acceptBy: '2026-11-27', notResolved: true, resolveBy: '2026-11-23', countsFrom: '2026-11-20' });
    } finally {
      await relaxed.close();
    }
  });
});
