import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { PII_MASKS } from '../src/common/pii/pii-detector';
import { PROBE_TEXT } from '../src/modules/barrier/embeddings/report-meaning.service';
import { PatternsJob, PatternsStatus } from '../src/modules/barrier/jobs/patterns.job';
import { createUser, TEST_PASSWORD } from './support/factories';
import { importDeviation } from './support/deviation-factories';
import { EmbeddingsFault, EmbeddingsServer } from './support/embeddings-server';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The optional language model (EMBEDDINGS_URL) through the real stack: an OpenAI-compatible embeddings
 * endpoint in the test process, the app's HTTP client, the cache in PostgreSQL, the real engine and the
 * analyst's page.
 */

const API_KEY = 'hemlig-nyckel-4711-for-testet';
const MEANING = 'liknande innebörd enligt språkmodellen';
const UNREACHABLE = 'Språkmodellen kunde inte nås i den här körningen';

/**
 * The test's "model": a shared direction every text has (as real models give all texts a high cosine),
 * one dimension per meaning, lit by any of its words, and a little of the text's own hash, so unrelated
 * texts point their own ways.
 */
const MEANINGS: Record<string, readonly string[]> = {
  home: ['vräkt', 'hyresvärden', 'lägenheten', 'hemlös', 'bostaden', 'tak över huvudet', 'boendekostnaden', 'kontraktet', 'avhyst', 'våningen'],
  interpreter: ['tolk'],
  coffee: ['kaffebryggaren'],
  heating: ['värmen'],
  bicycle: ['cykel'],
  printer: ['skrivaren'],
};
function toyModel(text: string): number[] {
  const lower = text.toLowerCase();
  const meanings = Object.values(MEANINGS).map((words) => (words.some((word) => lower.includes(word)) ? 4 : 0));
  const hash = createHash('sha256').update(text).digest();
  const own = Array.from({ length: 8 }, (_, k) => (hash[k] / 255 - 0.5) * 0.4);
  return [3, ...meanings, ...own];
}

// Three reports about losing one's home that share no word, and others that share words or nothing.
const REPORTS = [
  { externalId: 'H1', kommun: 'Haninge', parties: ['KOMMUN'], title: 'Vräkt', description: 'Hyresvärden sade upp lägenheten när utbetalningen dröjde.' },
  { externalId: 'H2', kommun: 'Botkyrka', parties: ['FK'], title: 'Hemlös', description: 'Sjukpenningen stoppades, bostaden förlorades.' },
  { externalId: 'H3', kommun: 'Täby', parties: ['KOMMUN'], title: 'Utan tak över huvudet', description: 'Socialtjänsten betalade boendekostnaden sent och kontraktet hävdes.' },
  { externalId: 'T1', kommun: 'Haninge', parties: ['AF'], title: 'Ingen tolk på mötet', description: 'AF hade inte bokat tolk till mötet och deltagaren förstod inget av samtalet.' },
  { externalId: 'T2', kommun: 'Botkyrka', parties: ['FK'], title: 'Tolk saknades', description: 'FK bokade ingen tolk till mötet. Samtalet avbröts eftersom deltagaren inte förstod.' },
  { externalId: 'T3', kommun: 'Täby', parties: ['AF'], title: 'Tolkbehov ignoreras', description: 'Trots tolkbehov bokade AF ingen tolk till samtalet och mötet fick göras om.' },
  { externalId: 'O1', kommun: 'Täby', parties: [], title: 'Kaffebryggaren trasig', description: 'Kaffebryggaren i grupprummet har gått sönder.' },
  { externalId: 'O2', kommun: 'Salem', parties: [], title: 'Lokalen kall', description: 'Värmen i lokalen fungerar inte sedan en vecka.' },
  { externalId: 'O3', kommun: 'Järfälla', parties: [], title: 'Cykel stulen', description: 'Deltagarens cykel blev stulen utanför lokalen.' },
  { externalId: 'O4', kommun: 'Nykvarn', parties: [], title: 'Skrivaren', description: 'Skrivaren på kontoret skriver ut tomma sidor.' },
];

describe('patterns with a language model (embeddings endpoint)', () => {
  const clock = new FixedClock(new Date('2026-11-23T02:00:00Z'));
  let server: EmbeddingsServer;
  let plain: TestApp;
  let withModel: TestApp;
  let analystEmail = '';
  const logged: string[] = [];
  const spies: jest.SpyInstance[] = [];
  const db = (): DataSource => plain.app.get(DataSource);

  /** Barrier id of each of these reports (null: in none). */
  async function barriersOf(...externalIds: string[]): Promise<Array<string | null>> {
    const rows = (await db().query(
      `SELECT d.external_id, bm.barrier_id FROM deviation d LEFT JOIN barrier_member bm ON bm.deviation_id = d.id WHERE d.external_id = ANY($1)`,
      [externalIds],
    )) as Array<{ external_id: string; barrier_id: string | null }>;
    const byId = new Map(rows.map((row) => [row.external_id, row.barrier_id]));
    return externalIds.map((id) => byId.get(id) ?? null);
  }

  async function run(app: TestApp, mode: 'auto' | 'full' = 'auto'): Promise<string> {
    const { outcome, summary } = await app.app.get(PatternsJob).runNow(mode);
    expect(outcome.status).toBe('succeeded');
    return summary ? ((outcome as { summary: string | null }).summary ?? '') : '';
  }

  beforeAll(async () => {
    // Everything any logger is given, wherever it would go.
    for (const level of ['log', 'warn', 'error', 'debug', 'verbose', 'fatal'] as const) {
      spies.push(jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, ...args: unknown[]) {
        logged.push(args.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg))).join(' '));
      }));
    }
    server = await EmbeddingsServer.start(toyModel);
    plain = await startTestApp({ clock });
    analystEmail = (await createUser(plain.app, 'analyst')).email;
    for (const report of REPORTS) await importDeviation(plain.app, { ...report, occurredOn: '2026-10-01', category: 'ovrigt', consequence: '' });
  }, 60_000);

  afterAll(async () => {
    await withModel?.close();
    await plain?.close();
    await server?.stop();
    for (const spy of spies) spy.mockRestore();
  });

  it('without a language model configured, reports that share no words stay apart and no request is made', async () => {
    const summary = await run(plain);
    const [h1, h2, h3, t1, t2] = await barriersOf('H1', 'H2', 'H3', 'T1', 'T2');
    expect([h1, h2, h3]).toEqual([null, null, null]);
    expect(t1).not.toBeNull();
    expect(t2).toBe(t1);
    expect(server.requests).toHaveLength(0);
    expect(await db().query(`SELECT count(*)::int AS n FROM deviation_embedding`)).toEqual([{ n: 0 }]);
    expect(await db().query(`SELECT meaning_space FROM barrier_engine_state`)).toEqual([{ meaning_space: null }]);
    expect(summary).not.toMatch(/språkmodell/i);
    const analyst = new HttpClient(plain.baseUrl);
    await analyst.login(analystEmail, TEST_PASSWORD);
    expect((await analyst.get('/api/patterns')).json<PatternsStatus>().languageModel).toMatchObject({ configured: false, lastRun: 'off' });
  });

  it('with the endpoint configured, reports the same in meaning form one barrier, and the reasons say why in Swedish', async () => {
    withModel = await startTestApp({
      clock,
      db: plain.db,
      env: { EMBEDDINGS_URL: server.url, EMBEDDINGS_MODEL: 'leksaksmodell', EMBEDDINGS_API_KEY: API_KEY, EMBEDDINGS_TIMEOUT_MS: '2000' },
    });
    const summary = await run(withModel);
    // The stored model was made without the language model, which answers: the run is a full one.
    expect(summary).toMatch(/^Full körning \(språkmodellen svarar och var inte med i förra fulla körningen\)/);
    expect(summary).toContain('Rapporternas innebörd jämfördes också med språkmodellen.');
    const [h1, h2, h3, t1, o1] = await barriersOf('H1', 'H2', 'H3', 'T1', 'O1');
    expect(h1).not.toBeNull();
    expect([h2, h3]).toEqual([h1, h1]);
    expect(t1).not.toBe(h1);
    expect(o1).toBeNull();
    const reasons = (await db().query(
      `SELECT d.external_id, bm.reason FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id WHERE bm.barrier_id = $1 ORDER BY 1`,
      [h1],
    )) as Array<{ external_id: string; reason: string[] }>;
    for (const row of reasons) expect(row.reason).toContain(MEANING);
    // No key of the model's space reaches the analyst: not in reasons, terms or the name.
    const shown = (await db().query(`SELECT name, terms FROM barrier`)) as Array<{ name: string; terms: string[] }>;
    expect(JSON.stringify([shown, reasons])).not.toMatch(/m:\d/);
    // Each report was sent once, in batches, with the model and the key as a bearer; before them, the probe's text (about no one).
    expect(server.texts.filter((text) => text !== PROBE_TEXT)).toHaveLength(REPORTS.length);
    expect(server.texts.filter((text) => text === PROBE_TEXT)).toHaveLength(1);
    for (const request of server.requests) {
      expect(request.authorization).toBe(`Bearer ${API_KEY}`);
      expect(request.model).toBe('leksaksmodell');
      expect(request.keys).toEqual(['input', 'model']);
    }
    const cached = (await db().query(`SELECT model, dims, count(*)::int AS n FROM deviation_embedding GROUP BY 1, 2`)) as Array<{ model: string; dims: number; n: number }>;
    expect(cached).toEqual([{ model: 'leksaksmodell', dims: 15, n: REPORTS.length }]);
  });

  it('a second run sends nothing for unchanged reports (the vectors are cached per model and text)', async () => {
    const before = server.requests.length;
    await run(withModel, 'full');
    expect(server.requests).toHaveLength(before);
    const [h1, h2, h3] = await barriersOf('H1', 'H2', 'H3');
    expect(h1).not.toBeNull();
    expect([h2, h3]).toEqual([h1, h1]);
  });

  it('a changed text is embedded again, and what is sent is the stored free text with personal data masked', async () => {
    // A report that got past the form's check with a phone number and an e-mail address in it (e.g. an older import).
    const description = 'Sjukpenningen stoppades, bostaden förlorades. Ring 070-123 45 67 eller anna.andersson@example.com.';
    await db().query(`UPDATE deviation SET description = $1 WHERE external_id = 'H2'`, [description]);
    const before = server.requests.length;
    await run(withModel, 'full');
    const sent = server.requests.slice(before).flatMap((request) => request.input);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('bostaden förlorades');
    expect(sent[0]).toContain(PII_MASKS.telefonnummer);
    expect(sent[0]).toContain(PII_MASKS.epost);
    // Only the report's situation: nothing of the phone number, the address or the reporter.
    for (const text of server.texts) {
      expect(text).not.toMatch(/070|123 45 67|andersson|example\.com|rapportor@/i);
      expect(text).not.toContain(analystEmail);
    }
    const [h1, h2] = await barriersOf('H1', 'H2');
    expect(h1).not.toBeNull();
    expect(h2).toBe(h1);
  });

  describe.each<[string, EmbeddingsFault | 'down']>([
    ['down', 'down'],
    ['answering 500', 'http-500'],
    ['too slow', 'slow'],
    ['answering vectors of other dimensions', 'wrong-dims'],
    ['answering NaN', 'nan'],
  ])('when the endpoint is %s', (_name, fault) => {
    afterEach(async () => {
      server.fault = 'none';
      await server.start();
    });

    it('the run completes on words, logs one warning without texts, and the analyst is told in Swedish', async () => {
      if (fault === 'down') await server.stop();
      else server.fault = fault;
      const external = `N-${fault}`;
      // A new report (an incremental run), in words the interpreter barrier shares.
      await importDeviation(plain.app, {
        externalId: external,
        kommun: 'Salem',
        occurredOn: '2026-11-01',
        parties: ['FK'],
        category: 'ovrigt',
        title: 'Tolk saknades igen',
        description: 'FK bokade ingen tolk till mötet och samtalet fick göras om.',
        consequence: '',
      });
      const warningsBefore = logged.filter((line) => /embeddings endpoint/i.test(line)).length;
      const started = Date.now();
      const summary = await run(withModel);
      // Three attempts of at most 2 s and the backoff between them, not the 20 s the server would take: the job's lock is held meanwhile.
      expect(Date.now() - started).toBeLessThan(19_000);
      expect(summary).toMatch(/^Stegvis körning/);
      expect(summary).toContain(`${UNREACHABLE}, så rapporterna jämfördes bara på sina ord.`);
      // Placed on its words.
      const [t1, placed] = await barriersOf('T1', external);
      expect(placed).toBe(t1);
      const warnings = logged.filter((line) => /embeddings endpoint/i.test(line));
      expect(warnings).toHaveLength(warningsBefore + 1);
      expect(warnings[warnings.length - 1]).toMatch(/^The embeddings endpoint could not be used \(.+\); this run compares the reports on their words only$/);
      expect(warnings[warnings.length - 1]).not.toMatch(/tolk|mötet|samtalet/i);

      const analyst = new HttpClient(withModel.baseUrl);
      await analyst.login(analystEmail, TEST_PASSWORD);
      const status = (await analyst.get('/api/patterns')).json<{ last: { summary: string } }>();
      expect(status.last.summary).toContain(UNREACHABLE);
      expect((await analyst.get('/hinder')).text).toContain(UNREACHABLE);
    });
  });

  it('once the endpoint answers again, the next run uses it (and the page no longer says otherwise)', async () => {
    await importDeviation(plain.app, {
      externalId: 'H4',
      kommun: 'Järfälla',
      occurredOn: '2026-11-02',
      parties: ['FK'],
      category: 'ovrigt',
      title: 'Avhyst',
      description: 'Fick flytta ut ur våningen då ersättningen uteblev.',
      consequence: '',
    });
    const summary = await run(withModel);
    expect(summary).toMatch(/^Stegvis körning/);
    expect(summary).toContain('Rapporternas innebörd jämfördes också med språkmodellen.');
    const [h1, h4] = await barriersOf('H1', 'H4');
    expect(h1).not.toBeNull();
    expect(h4).toBe(h1);
    const [reason] = (await db().query(`SELECT bm.reason FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id WHERE d.external_id = 'H4'`)) as Array<{
      reason: string[];
    }>;
    expect(reason.reason).toContain(MEANING);
    const analyst = new HttpClient(withModel.baseUrl);
    await analyst.login(analystEmail, TEST_PASSWORD);
    expect((await analyst.get('/api/patterns')).json<{ last: { summary: string } }>().last.summary).not.toContain(UNREACHABLE);
    expect((await analyst.get('/hinder')).text).not.toContain(UNREACHABLE);
  });

  it('down at a full run: later runs stay incremental on words while it is down, a full run follows once it answers, and the API says so', async () => {
    const analyst = new HttpClient(withModel.baseUrl);
    await analyst.login(analystEmail, TEST_PASSWORD);
    const languageModel = async (): Promise<PatternsStatus['languageModel']> => (await analyst.get('/api/patterns')).json<PatternsStatus>().languageModel;
    expect(await languageModel()).toMatchObject({ configured: true, lastRun: 'used' });

    await server.stop();
    try {
      const full = await run(withModel, 'full');
      expect(full).toMatch(/^Full körning \(begärd\)/);
      expect(full).toContain(UNREACHABLE);
      // The model is now one made on words alone.
      expect(await db().query(`SELECT meaning_space FROM barrier_engine_state`)).toEqual([{ meaning_space: null }]);
      const status = await languageModel();
      expect(status).toMatchObject({ configured: true, lastRun: 'unavailable' });
      expect(new Date(status.lastRunAt ?? 0).toISOString()).toBe(clock.now().toISOString());

      // Still down: a new report is placed incrementally on its words, not by another full run that would fail the same way.
      await importDeviation(plain.app, {
        externalId: 'T4',
        kommun: 'Nykvarn',
        occurredOn: '2026-11-03',
        parties: ['AF'],
        category: 'ovrigt',
        title: 'Tolk uteblev',
        description: 'AF bokade ingen tolk till mötet och samtalet fick ställas in.',
        consequence: '',
      });
      const whileDown = await run(withModel);
      expect(whileDown).toMatch(/^Stegvis körning/);
      expect(whileDown).toContain(UNREACHABLE);
      const [t1, t4] = await barriersOf('T1', 'T4');
      expect(t1).not.toBeNull();
      expect(t4).toBe(t1);
      expect(await languageModel()).toMatchObject({ configured: true, lastRun: 'unavailable' });
    } finally {
      await server.start();
    }

    // It answers again: the next run is a full one that brings the reports' meaning back.
    const probesBefore = server.texts.filter((text) => text === PROBE_TEXT).length;
    const back = await run(withModel);
    expect(back).toMatch(/^Full körning \(språkmodellen svarar och var inte med i förra fulla körningen\)/);
    expect(back).toContain('Rapporternas innebörd jämfördes också med språkmodellen.');
    expect(server.texts.filter((text) => text === PROBE_TEXT)).toHaveLength(probesBefore + 1);
    const [h1, h4] = await barriersOf('H1', 'H4');
    expect(h1).not.toBeNull();
    expect(h4).toBe(h1);
    expect(await languageModel()).toMatchObject({ configured: true, lastRun: 'used' });
    // And the run after that is incremental again, with no probe.
    expect(await run(withModel)).toMatch(/^Stegvis körning/);
    expect(server.texts.filter((text) => text === PROBE_TEXT)).toHaveLength(probesBefore + 1);
  });

  it('the API key and the reports’ texts never reach a log', () => {
    // The key was in use all along, and warnings were logged.
    expect(server.requests.length).toBeGreaterThan(0);
    expect(server.requests.every((request) => request.authorization === `Bearer ${API_KEY}`)).toBe(true);
    expect(logged.filter((line) => /embeddings endpoint/i.test(line)).length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(line).not.toContain(API_KEY);
      for (const report of REPORTS) expect(line).not.toContain(report.description);
    }
  });
});
