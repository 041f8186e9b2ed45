import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { builtEntry } from './support/built-app';
import { createApiToken, createUser } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

const SAMPLES = join(__dirname, '..', '..', 'shared', 'samples');
const reportsText = readFileSync(join(SAMPLES, 'reports.jsonl'), 'utf8');
const truth = readFileSync(join(SAMPLES, 'truth.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { externalId: string; pii: boolean; piiKinds: string[] });
const originals = new Map(
  reportsText
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, string>)
    .map((row) => [row.externalId, row]),
);

const MASK_FOR_KIND: Record<string, string> = {
  personnummer: '[personnummer borttaget]',
  samordningsnummer: '[samordningsnummer borttaget]',
  telefon: '[telefonnummer borttaget]',
  telefonnummer: '[telefonnummer borttaget]',
  epost: '[e-postadress borttagen]',
  namn: '[namn borttaget]',
};

interface Summary {
  lines: number;
  created: number;
  existing: number;
  rejected: Array<{ line: number; reason: string }>;
  maskedPersonalData: Record<string, number>;
  reportsWithPersonalData: number;
}

describe('import and export of deviations', () => {
  let t: TestApp;
  let token: string;
  const api = (): HttpClient => new HttpClient(t.baseUrl);
  const importText = async (text: string, format: 'jsonl' | 'csv'): Promise<Summary> => {
    const result = await api().request('POST', `/api/deviations/import?format=${format}`, {
      body: text,
      headers: { authorization: `Bearer ${token}`, 'content-type': format === 'csv' ? 'text/csv' : 'application/x-ndjson' },
    });
    expect(result.status).toBe(200);
    return result.json<Summary>();
  };
  const count = async (): Promise<number> => Number((await t.app.get(DataSource).query('SELECT count(*) FROM deviation'))[0].count);

  beforeAll(async () => {
    t = await startTestApp();
    token = await createApiToken(t.app, await createUser(t.app, 'analyst'));
  });
  afterAll(() => t.close());

  it('imports the 120 sample reports, and 120 again after a second import', async () => {
    const first = await importText(reportsText, 'jsonl');
    expect(first).toMatchObject({ lines: 120, created: 120, existing: 0, rejected: [] });
    expect(first.reportsWithPersonalData).toBe(truth.filter((t) => t.pii).length);
    const second = await importText(reportsText, 'jsonl');
    expect(second).toMatchObject({ lines: 120, created: 0, existing: 120, rejected: [] });
    expect(await count()).toBe(120);
    // Routed to the kommun's delprojekt.
    const rows = (await t.app.get(DataSource).query(
      `SELECT d.external_id, m.name AS kommun, s.name AS delprojekt FROM deviation d JOIN municipality m ON m.id = d.municipality_id JOIN subproject s ON s.id = d.subproject_id WHERE d.external_id = 'S-0002'`,
    )) as Array<{ kommun: string; delprojekt: string }>;
    expect(rows[0]).toEqual({ external_id: 'S-0002', kommun: 'Botkyrka', delprojekt: 'MIA HBS' });
  });

  it('exports JSONL with none of the personal data the truth file marks', async () => {
    const result = await api().request('GET', '/api/deviations/export?format=jsonl', { headers: { authorization: `Bearer ${token}` } });
    expect(result.status).toBe(200);
    const rows = result.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, string>);
    expect(rows).toHaveLength(120);
    const byId = new Map(rows.map((row) => [row.externalId, row]));
    for (const entry of truth.filter((t) => t.pii)) {
      const exported = byId.get(entry.externalId);
      const original = originals.get(entry.externalId);
      const text = `${exported?.title} ${exported?.description} ${exported?.consequence}`;
      for (const kind of entry.piiKinds) expect(text).toContain(MASK_FOR_KIND[kind]);
      // Independently of the detector: no digit run of an identity number or phone number survives.
      const originalText = `${original?.title} ${original?.description} ${original?.consequence}`;
      for (const number of originalText.match(/\+?\d[\d -]{8,}\d/g) ?? []) {
        if (entry.piiKinds.some((k) => k !== 'namn' && k !== 'epost')) expect(text).not.toContain(number.trim());
      }
      for (const email of originalText.match(/[\w.+-]+@[\w-]+\.[\w.]+/g) ?? []) expect(text).not.toContain(email);
    }
    // Reports without personal data come out unchanged.
    const clean = truth.find((t) => !t.pii && originals.get(t.externalId)?.description);
    expect(byId.get(clean?.externalId ?? '')?.description).toBe(originals.get(clean?.externalId ?? '')?.description);
  });

  it('exports CSV that imports again as the same reports', async () => {
    const result = await api().request('GET', '/api/deviations/export?format=csv', { headers: { authorization: `Bearer ${token}` } });
    expect(result.headers.get('content-type')).toContain('text/csv');
    const other = await startTestApp();
    try {
      const otherToken = await createApiToken(other.app, await createUser(other.app, 'admin'));
      const imported = await new HttpClient(other.baseUrl).request('POST', '/api/deviations/import?format=csv', {
        body: result.text,
        headers: { authorization: `Bearer ${otherToken}`, 'content-type': 'text/csv' },
      });
      expect(imported.json<Summary>()).toMatchObject({ created: 120, rejected: [] });
      const query = `SELECT external_id, title, description, consequence, category, parties, severity, occurred_on::text, reported_at FROM deviation ORDER BY external_id`;
      expect(await other.app.get(DataSource).query(query)).toEqual(await t.app.get(DataSource).query(query));
    } finally {
      await other.close();
    }
  });

  it('keeps the history of reports handled elsewhere (status, resolution, times), and an export carries it to another database', async () => {
    const row = (id: string, history: Record<string, string>): string =>
      JSON.stringify({ externalId: id, kommun: 'Nynäshamn', occurredOn: '2024-03-01', reportedAt: '2024-03-01T10:00:00+01:00', category: 'gransnitt', parties: ['AF', 'FK'], title: 'Hänvisas mellan AF och FK', description: 'AF och FK hänvisade till varandra.', severity: 'medel', ...history });
    const lines = [
      row('H-1', { status: 'avslutad', resolution: 'Gemensamt möte bokat, ring 070-123 45 67.', acceptedAt: '2024-03-02T09:00:00+01:00', resolvedAt: '2024-03-20T10:00:00+01:00', closedAt: '2024-04-02T08:00:00+02:00' }),
      row('H-2', { status: 'Strukturellt hinder', acceptedAt: '2024-03-04T09:00:00+01:00', escalatedAt: '2024-03-11T09:00:00+01:00' }),
      row('H-3', { status: 'mottagen', acceptedAt: '2024-03-04T09:00:00+01:00' }),
      row('H-4', { status: 'atgardad_lokalt' }),
      row('H-5', { status: 'klar' }),
      row('H-6', { status: 'avslutad', resolution: 'Löst.', closedAt: '2099-01-01T00:00:00Z' }),
    ];
    const summary = await importText(lines.join('\n'), 'jsonl');
    expect(summary.created).toBe(3);
    expect(summary.maskedPersonalData.telefonnummer).toBe(1);
    expect(summary.rejected.map((r) => r.line)).toEqual([4, 5, 6]);
    expect(summary.rejected[0].reason).toContain('kräver resolution');
    expect(summary.rejected[1].reason).toContain('status måste vara en av');
    expect(summary.rejected[2].reason).toContain('closedAt ligger i framtiden');

    const query = `SELECT external_id, status, resolution, accepted_at, resolved_at, escalated_at, closed_at FROM deviation WHERE external_id LIKE 'H-%' ORDER BY external_id`;
    const stored = (await t.app.get(DataSource).query(query)) as Array<Record<string, unknown>>;
    expect(stored).toEqual([
      { external_id: 'H-1', status: 'avslutad', resolution: 'Gemensamt möte bokat, ring [telefonnummer borttaget].', accepted_at: new Date('2024-03-02T08:00:00Z'), resolved_at: new Date('2024-03-20T09:00:00Z'), escalated_at: null, closed_at: new Date('2024-04-02T06:00:00Z') },
      { external_id: 'H-2', status: 'strukturellt_hinder', resolution: null, accepted_at: new Date('2024-03-04T08:00:00Z'), resolved_at: null, escalated_at: new Date('2024-03-11T08:00:00Z'), closed_at: null },
      { external_id: 'H-3', status: 'mottagen', resolution: null, accepted_at: new Date('2024-03-04T08:00:00Z'), resolved_at: null, escalated_at: null, closed_at: null },
    ]);
    // The audit log says what came in.
    const events = (await t.app.get(DataSource).query(
      `SELECT d.external_id, e.after->>'status' AS status FROM deviation_event e JOIN deviation d ON d.id = e.deviation_id WHERE e.kind = 'imported' AND d.external_id LIKE 'H-%' ORDER BY d.external_id`,
    )) as Array<{ external_id: string; status: string }>;
    expect(events).toEqual([
      { external_id: 'H-1', status: 'avslutad' },
      { external_id: 'H-2', status: 'strukturellt_hinder' },
      { external_id: 'H-3', status: 'mottagen' },
    ]);

    // The report's timeline says where it stood when it came in.
    const [h1] = (await t.app.get(DataSource).query(`SELECT id FROM deviation WHERE external_id = 'H-1'`)) as Array<{ id: string }>;
    const view = await api().request('GET', `/api/deviations/${h1.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(view.status).toBe(200);
    expect(view.json<{ timeline: Array<{ details: string[] }> }>().timeline[0].details).toContain('Status i källsystemet: Avslutad');

    const exported = await api().request('GET', '/api/deviations/export?format=jsonl', { headers: { authorization: `Bearer ${token}` } });
    const historyLines = exported.text.split('\n').filter((line) => line.includes('"H-'));
    expect(historyLines).toHaveLength(3);
    const other = await startTestApp();
    try {
      const otherToken = await createApiToken(other.app, await createUser(other.app, 'admin'));
      const again = await new HttpClient(other.baseUrl).request('POST', '/api/deviations/import?format=jsonl', {
        body: historyLines.join('\n'),
        headers: { authorization: `Bearer ${otherToken}`, 'content-type': 'application/x-ndjson' },
      });
      expect(again.json<Summary>()).toMatchObject({ created: 3, rejected: [] });
      expect(await other.app.get(DataSource).query(query)).toEqual(stored);
    } finally {
      await other.close();
    }
  });

  it('reports every rejected line with its number and reason and stores the valid ones', async () => {
    const good = (id: string): string =>
      JSON.stringify({ externalId: id, kommun: 'Täby', occurredOn: '2024-03-01', category: 'regelverk', parties: ['AF'], title: 'Regel stoppar', description: 'Beskrivning av läget.', severity: 'medel' });
    const lines = [
      good('R-1'),
      '{"externalId": "R-2", "kommun": ',
      JSON.stringify({ externalId: 'R-3', kommun: 'Atlantis', occurredOn: '2024-03-01', category: 'regelverk', parties: [], title: 'x', description: 'y', severity: 'lag' }),
      JSON.stringify({ externalId: 'R-4', kommun: 'Täby', occurredOn: '2024-02-30', category: 'regelverk', parties: [], title: 'x', description: 'y', severity: 'lag' }),
      JSON.stringify({ externalId: 'R-5', kommun: 'Täby', occurredOn: '2024-03-01', category: 'okand', parties: ['XX'], title: 'x', description: 'y', severity: 'lag' }),
      '',
      good('R-6'),
      JSON.stringify({ kommun: 'Täby' }),
      JSON.stringify({ ...JSON.parse(good('R-7')), hemligt: 'x' }),
    ];
    const summary = await importText(lines.join('\n'), 'jsonl');
    expect(summary.created).toBe(2);
    expect(summary.rejected.map((r) => r.line)).toEqual([2, 3, 4, 5, 8, 9]);
    expect(summary.rejected[0].reason).toBe('raden är inte giltig JSON');
    expect(summary.rejected[1].reason).toContain('Atlantis');
    expect(summary.rejected[2].reason).toContain('occurredOn');
    expect(summary.rejected[3].reason).toMatch(/category måste vara en av/);
    expect(summary.rejected[3].reason).toMatch(/parties/);
    expect(summary.rejected[4].reason).toMatch(/externalId saknas/);
    expect(summary.rejected[5].reason).toMatch(/hemligt/);
  });

  it('is refused to staff and leads', async () => {
    const staffToken = await createApiToken(t.app, await createUser(t.app, 'staff'));
    const result = await api().request('GET', '/api/deviations/export?format=jsonl', { headers: { authorization: `Bearer ${staffToken}` } });
    expect(result.status).toBe(403);
  });

  it('works from the command line on DATABASE_URL', async () => {
    const run = promisify(execFile);
    const env = { PATH: process.env.PATH ?? '', DATABASE_URL: t.db.url, NO_COLOR: '1' };
    const file = join(SAMPLES, 'reports.jsonl');
    const imported = await run(process.execPath, [builtEntry('cli/cli.js'), 'import', file], { env });
    expect(imported.stdout).toContain('Läste 120 rader');
    expect(imported.stdout).toContain('0 nya, 120 fanns redan, 0 avvisade');
    const exported = await run(process.execPath, [builtEntry('cli/cli.js'), 'export', 'deviations', '--format', 'jsonl'], { env, maxBuffer: 20 * 1024 * 1024 });
    const lines = exported.stdout.split('\n').filter(Boolean);
    // Every report, none cut off when the process exits, and no log line mixed into the data.
    expect(lines.length).toBe(await count());
    expect(() => lines.map((line) => JSON.parse(line) as unknown)).not.toThrow();
    const csv = await run(process.execPath, [builtEntry('cli/cli.js'), 'export', 'deviations', '--format', 'csv'], { env, maxBuffer: 20 * 1024 * 1024 });
    expect(csv.stdout.split('\r\n')[0]).toContain('externalId,kommun,occurredOn');
  }, 240_000);
});

describe('import files in the encodings Excel and older systems write', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = await createApiToken(t.app, await createUser(t.app, 'analyst'));
  });
  afterAll(() => t.close());

  // As Excel on a Swedish Windows saves it: semicolons, CRLF, å ä ö in kommun and text.
  const csv = (prefix: string): string =>
    'externalId;kommun;occurredOn;category;parties;title;description;consequence;severity\r\n' +
    `${prefix}-1;Södertälje;2026-03-02;gransnitt;AF|FK;Åtgärd saknas i Södertälje;Ärendet föll mellan stolarna när AF och FK hänvisade till varandra.;Deltagaren fick vänta på besked.;hog\r\n` +
    `${prefix}-2;Österåker;2026-03-03;regelverk;KOMMUN;Ekonomiskt bistånd kräver sökande;Socialtjänsten kräver att deltagaren står som arbetssökande hos AF.;Ingen ersättning under tiden.;medel\r\n`;

  const send = async (body: Buffer): Promise<Summary> => {
    const response = await fetch(`${t.baseUrl}/api/deviations/import?format=csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Summary;
  };
  const stored = (prefix: string): Promise<Array<{ kommun: string; title: string }>> =>
    t.app.get(DataSource).query(
      `SELECT m.name AS kommun, d.title FROM deviation d JOIN municipality m ON m.id = d.municipality_id WHERE d.external_id LIKE $1 ORDER BY d.external_id`,
      [`${prefix}-%`],
    );

  it.each([
    ['Windows-1252 (Latin-1)', 'W', (text: string) => Buffer.from(text, 'latin1')],
    ['UTF-16 with a byte order mark', 'U', (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-8 with a byte order mark', 'B', (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
  ])('%s: every row in, with å, ä and ö intact', async (_name, prefix, encode) => {
    const summary = await send(encode(csv(prefix)));
    expect(summary).toMatchObject({ lines: 2, created: 2, rejected: [] });
    expect(await stored(prefix)).toEqual([
      { kommun: 'Södertälje', title: 'Åtgärd saknas i Södertälje' },
      { kommun: 'Österåker', title: 'Ekonomiskt bistånd kräver sökande' },
    ]);
  });

  it('the same from the command line', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'import-')), 'excel.csv');
    writeFileSync(file, Buffer.from(csv('C'), 'latin1'));
    const run = promisify(execFile);
    const imported = await run(process.execPath, [builtEntry('cli/cli.js'), 'import', file], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: t.db.url, NO_COLOR: '1' } });
    expect(imported.stdout).toContain('2 nya, 0 fanns redan, 0 avvisade');
    expect((await stored('C')).map((row) => row.kommun)).toEqual(['Södertälje', 'Österåker']);
  }, 120_000);
});
