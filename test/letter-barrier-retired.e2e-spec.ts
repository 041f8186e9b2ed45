import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { barrierDisplayName } from '../src/modules/barrier/barrier-wording';
import { PatternsJob } from '../src/modules/barrier/jobs/patterns.job';
import { LetterListItem } from '../src/modules/letter/letter.service';
import { importDeviation } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { useFakePatternEngine } from './support/fake-pattern-engine';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

interface LetterRow {
  id: string;
  barrier_id: string;
  status: string;
  report_count: number;
}

/**
 * Draft letters whose barrier a full pattern run merges away or dissolves: the draft follows the reports to the
 * barrier they went to (unless that one has a letter under way; then both are kept and said so), a dissolved
 * barrier's draft says so and cannot be refreshed, and /skrivelser says both, and how many reports the barrier has
 * now. Over HTTP on a real Postgres as the analyst, with the predictable engine ("mönster:<namn>" groups a report).
 * Each group's reports lie in one delprojekt or years apart, so no run escalates a barrier and drafts on its own.
 */
describe('letters whose barrier a full run merges away or dissolves', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let t: TestApp;
  let client: HttpClient;
  let token: string;
  let sequence = 0;
  const db = (): DataSource => t.app.get(DataSource);

  async function report(kommun: string, occurredOn: string, marker: string): Promise<string> {
    sequence += 1;
    const created = await importDeviation(t.app, { externalId: `R-${sequence}`, kommun, occurredOn, description: `Deltagaren fick inget stöd från någon av parterna. mönster:${marker}` });
    return created.id;
  }

  /** Three reports in one delprojekt (Östra Södertörn) in 2018, and two in another (HBS) in 2020, each group with its marker. */
  async function groups(first: string, second: string): Promise<{ first: string[]; second: string[] }> {
    return {
      first: [await report('Haninge', '2018-02-01', first), await report('Nynäshamn', '2018-03-01', first), await report('Tyresö', '2018-04-01', first)],
      second: [await report('Huddinge', '2020-02-01', second), await report('Botkyrka', '2020-03-01', second)],
    };
  }

  const barrierOf = async (deviationId: string): Promise<string> =>
    ((await db().query(`SELECT barrier_id FROM barrier_member WHERE deviation_id = $1`, [deviationId])) as Array<{ barrier_id: string }>)[0].barrier_id;
  const barrierStatus = async (barrierId: string): Promise<string> =>
    ((await db().query(`SELECT status FROM barrier WHERE id = $1`, [barrierId])) as Array<{ status: string }>)[0].status;
  /** The name as pages show it (generated from the engine's terms). */
  const nameOf = async (barrierId: string): Promise<string> =>
    barrierDisplayName(((await db().query(`SELECT name FROM barrier WHERE id = $1`, [barrierId])) as Array<{ name: string }>)[0].name);
  const letter = async (letterId: string): Promise<LetterRow> =>
    (
      (await db().query(`SELECT id, barrier_id, status, COALESCE((evidence_snapshot->>'reportCount')::int, 0) AS report_count FROM letter WHERE id = $1`, [
        letterId,
      ])) as LetterRow[]
    )[0];

  async function fullRun(): Promise<void> {
    const { outcome } = await t.app.get(PatternsJob).runNow('full');
    expect(outcome.status).toBe('succeeded');
  }

  /** The reports now read as the engine's group `marker` (none: in no group), as if their text had been edited. */
  async function regroup(ids: string[], marker: string | null): Promise<void> {
    await db().query(`UPDATE deviation SET description = $2 WHERE id = ANY($1::uuid[])`, [ids, `Deltagaren fick inget stöd från någon av parterna.${marker ? ` mönster:${marker}` : ''}`]);
  }

  async function startLetter(barrierId: string): Promise<string> {
    await client.get('/skrivelser');
    const created = await client.postForm('/skrivelser', { barrierId });
    expect(created.status).toBe(303);
    return /\/skrivelser\/([0-9a-f-]{36})/.exec(String(created.location))?.[1] as string;
  }

  /** The letter's row in the /skrivelser table. */
  async function listRow(letterId: string): Promise<string> {
    const page = await client.get('/skrivelser');
    expect(page.status).toBe(200);
    return (page.text.match(/<tr\b[^>]*>[\s\S]*?<\/tr>/g) ?? []).find((row) => row.includes(`/skrivelser/${letterId}"`)) ?? '';
  }

  const reportsCell = (row: string): string => /data-label="Rapporter">([\s\S]*?)<\/td>/.exec(row)?.[1].replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim() ?? '';

  beforeAll(async () => {
    t = await startTestApp({ clock });
    useFakePatternEngine(t.app);
    const analyst = await createUser(t.app, 'analyst');
    client = new HttpClient(t.baseUrl);
    expect((await client.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
    token = await createApiToken(t.app, analyst);
  });
  afterAll(() => t.close());

  it('a run merging the barrier away moves its draft to the barrier its reports went to, says so, and /skrivelser says how many reports that one has now', async () => {
    const reports = await groups('alfa', 'beta');
    await fullRun();
    const survivor = await barrierOf(reports.first[0]);
    const absorbed = await barrierOf(reports.second[0]);
    const draftId = await startLetter(absorbed);
    expect(reportsCell(await listRow(draftId))).toBe('2');
    const absorbedName = await nameOf(absorbed);

    await regroup(reports.second, 'alfa');
    await fullRun();
    expect(await barrierStatus(absorbed)).toBe('sammanslagen');
    expect(await letter(draftId)).toMatchObject({ barrier_id: survivor, status: 'utkast', report_count: 2 });

    const page = await client.get(`/skrivelser/${draftId}`);
    const survivorName = await nameOf(survivor);
    expect(page.text).toContain(`Hinder: <a href="/hinder/${survivor}">${survivorName}</a>`);
    expect(page.text).toContain('Hindret har nu 5 rapporter, men underlaget bygger på 2.');
    expect(page.text).toContain(`”${absorbedName}” slogs ihop med ”${survivorName}”. Skrivelsen följer nu ”${survivorName}”, där rapporterna finns.`);
    expect(page.text).toContain('Systemet (hindersökningen)');
    // The list shows the letter's own count and the barrier's now.
    const row = await listRow(draftId);
    expect(reportsCell(row)).toBe('2 (hindret har nu 5)');
    expect(row).not.toContain('barrier-retired');
    const listed = (await client.api('GET', '/api/letters', undefined, token)).json<LetterListItem[]>().find((item) => item.id === draftId);
    expect(listed).toMatchObject({ barrierId: survivor, reportCount: 2, barrierReportCount: 5, barrierReportCountDiffers: true, barrierRetired: null });

    // Refreshed, the evidence holds all five and the list no longer says anything beside the count.
    const refreshed = await client.postForm(`/skrivelser/${draftId}/underlag`, {});
    expect(refreshed.location).toBe(`/skrivelser/${draftId}?klart=refreshed`);
    expect(await letter(draftId)).toMatchObject({ barrier_id: survivor, report_count: 5 });
    expect(reportsCell(await listRow(draftId))).toBe('5');
  });

  it('when the barrier the reports went to has a letter under way, both stay; the page and /skrivelser say the barrier is merged, and refreshing says why not', async () => {
    const reports = await groups('intyg', 'remiss');
    await fullRun();
    const survivor = await barrierOf(reports.first[0]);
    const absorbed = await barrierOf(reports.second[0]);
    const ownId = await startLetter(survivor);
    const otherId = await startLetter(absorbed);

    await regroup(reports.second, 'intyg');
    await fullRun();
    expect(await barrierStatus(absorbed)).toBe('sammanslagen');
    expect(await letter(ownId)).toMatchObject({ barrier_id: survivor, status: 'utkast' });
    expect(await letter(otherId)).toMatchObject({ barrier_id: absorbed, status: 'utkast', report_count: 2 });

    const survivorName = await nameOf(survivor);
    const page = await client.get(`/skrivelser/${otherId}`);
    expect(page.text).toContain(`är sammanslaget med <a href="/hinder/${survivor}">${survivorName}</a>`);
    expect(page.text).toContain(`Det hindret har redan en skrivelse: <a href="/skrivelser/${ownId}">utkast</a>.`);
    const row = await listRow(otherId);
    expect(row).toContain(`<a href="/hinder/${absorbed}">Hindret är sammanslaget</a> med ${survivorName}, där rapporterna finns nu.`);
    // The merged barrier's address still leads somewhere: to the barrier its reports are in.
    const barrierPage = await client.get(`/hinder/${absorbed}`);
    expect(barrierPage.location).toBe(`/hinder/${survivor}?fran=${absorbed}`);
    // Its count is the letter's own: the merged barrier has no reports to compare with.
    expect(reportsCell(row)).toBe('2');
    const listed = (await client.api('GET', '/api/letters', undefined, token)).json<LetterListItem[]>().find((item) => item.id === otherId);
    expect(listed?.barrierRetired).toEqual({ status: 'sammanslagen', barrierPath: `/hinder/${absorbed}`, into: { id: survivor, name: survivorName, path: `/hinder/${survivor}` } });

    const refused = await client.postForm(`/skrivelser/${otherId}/underlag`, {});
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Underlaget kan därför inte uppdateras här');
    expect(await letter(otherId)).toMatchObject({ barrier_id: absorbed, report_count: 2 });
  });

  it('a run dissolving the barrier leaves its draft where it is; the page and /skrivelser say it is dissolved with a link to its page, and refreshing refuses', async () => {
    const reports = await groups('kurs', 'lots');
    await fullRun();
    const dissolved = await barrierOf(reports.second[0]);
    const draftId = await startLetter(dissolved);
    const dissolvedName = await nameOf(dissolved);

    await regroup(reports.second, null);
    await fullRun();
    expect(await barrierStatus(dissolved)).toBe('upplost');
    expect(await letter(draftId)).toMatchObject({ barrier_id: dissolved, status: 'utkast', report_count: 2 });

    const page = await client.get(`/skrivelser/${draftId}`);
    expect(page.text).toContain(`<strong>Hindret ”<a href="/hinder/${dissolved}">${dissolvedName}</a>” är upplöst</strong> och har inga rapporter kvar.`);
    const row = await listRow(draftId);
    expect(row).toContain(`<a href="/hinder/${dissolved}">Hindret är upplöst</a> och har inga rapporter kvar.`);
    expect(reportsCell(row)).toBe('2');
    // The barrier's page is still there and says why.
    const barrierPage = await client.get(`/hinder/${dissolved}`);
    expect(barrierPage.status).toBe(200);
    expect(barrierPage.text).toContain('Hindret är upplöst');

    // "Uppdatera underlaget nu" under the editor saves nothing new and says why in Swedish, rather than "up to date".
    const refused = await client.postForm(`/skrivelser/${draftId}/underlag`, {});
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Hindret som skrivelsen gäller är upplöst och har inga rapporter kvar, så underlaget kan inte uppdateras.');
    expect(refused.text).not.toContain('Underlaget är redan aktuellt');
    const api = await client.api('POST', `/api/letters/${draftId}/refresh`, {}, token);
    expect(api.status).toBe(409);
    expect(api.json<{ error: { code: string } }>().error.code).toBe('letter_barrier_dissolved');
    expect(await letter(draftId)).toMatchObject({ barrier_id: dissolved, report_count: 2 });
  });
});
