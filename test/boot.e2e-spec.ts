import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ALL_MIGRATIONS } from '../src/database/migrations';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../src/modules/user/demo-seeder';
import { RunningProcess, spawnApp } from './support/built-app';
import { HttpClient } from './support/http-client';
import { createEmptyDatabase } from './support/test-database';

const SECRET = 'boot-test-hemlighet-minst-trettiotva-tecken';

describe('booting the real process', () => {
  it('refuses to start on a bad environment value and says which and why', async () => {
    const app = spawnApp({ PORT: 'abc', DATABASE_URL: 'mysql://root@localhost/x', APP_SECRET: SECRET });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('PORT: PORT måste vara ett heltal');
    expect(app.output()).toContain('DATABASE_URL: DATABASE_URL måste vara en postgres://-adress');
    expect(app.output()).toContain('Appen startas inte');
  });

  it('refuses production without its own APP_SECRET', async () => {
    const app = spawnApp({ NODE_ENV: 'production', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('APP_SECRET: måste sättas till en egen hemlig sträng i produktion');
  });

  it('two processes started together on one empty database both come up and migrate once', async () => {
    const db = await createEmptyDatabase();
    const env = { DATABASE_URL: db.url, PORT: '0', APP_SECRET: SECRET, SCHEDULER_ENABLED: 'false' };
    const first = spawnApp(env);
    const second = spawnApp(env);
    try {
      const urls = await Promise.all([first.ready, second.ready]);
      for (const url of urls) expect((await new HttpClient(url).get('/health')).status).toBe(200);
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const rows = await client.query<{ name: string; count: string }>('SELECT name, count(*) FROM schema_migration GROUP BY name');
      const municipalities = await client.query<{ count: string }>('SELECT count(*) FROM municipality');
      await client.end();
      expect(rows.rows).toHaveLength(ALL_MIGRATIONS.length);
      expect(rows.rows.every((row) => row.count === '1')).toBe(true);
      expect(Number(municipalities.rows[0].count)).toBe(12);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
      await db.drop();
    }
  });

  it('starts on the embedded database with demo accounts, and a second start keeps the data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'avvikelser-data-'));
    const env = { DATA_DIR: dataDir, PORT: '0', SCHEDULER_ENABLED: 'false' };
    const running: RunningProcess[] = [];
    try {
      const started = Date.now();
      const first = spawnApp(env);
      running.push(first);
      const url = await first.ready;
      const firstStartMs = Date.now() - started;
      // Speed is a benchmark figure, not a test assertion: printed here, measured on a quiet machine in the README.
      process.stdout.write(`Första start på tom inbyggd databas: ${firstStartMs} ms\n`);

      const admin = DEMO_ACCOUNTS.find((account) => account.role === 'admin');
      const client = new HttpClient(url);
      expect((await client.login(admin?.email ?? '', DEMO_PASSWORD)).status).toBe(303);
      const tree = await client.api('GET', '/api/organisation');
      const subprojectId = tree.json<{ federations: Array<{ subprojects: Array<{ id: string }> }> }>().federations[0].subprojects[0].id;
      expect((await client.api('POST', '/api/municipalities', { name: 'Vaxholm', subprojectId })).status).toBe(201);

      // The demo reports and their pattern run follow the first answer. The embedded database has one
      // connection, so anything that asks for a second one inside a transaction (a service reading through
      // its own repository instead of the caller's manager) waits until it times out: the run then logs
      // errors, makes no letter drafts, and sign-ins meanwhile answer 500.
      const deadline = Date.now() + 90_000;
      while (!/demoavvikelser inlästa/.test(first.output()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
      expect(first.output()).toMatch(/120 demoavvikelser inlästa; \d+ strukturella hinder hittade/);
      expect(first.output().split('\n').filter((line) => line.includes('ERROR'))).toEqual([]);
      const analyst = new HttpClient(url);
      expect((await analyst.login(DEMO_ACCOUNTS.find((account) => account.role === 'analyst')?.email ?? '', DEMO_PASSWORD)).status).toBe(303);
      expect((await analyst.api('GET', '/api/letters')).json<unknown[]>().length).toBeGreaterThan(0);
      expect(await first.stop()).toBe(0);

      const second = spawnApp(env);
      running.push(second);
      const url2 = await second.ready;
      const again = new HttpClient(url2);
      expect((await again.login(admin?.email ?? '', DEMO_PASSWORD)).status).toBe(303);
      expect((await again.api('GET', '/api/organisation')).text).toContain('Vaxholm');
      const users = await again.api('GET', '/api/users');
      expect(users.json<unknown[]>()).toHaveLength(DEMO_ACCOUNTS.length);
      expect(second.output()).not.toContain('Demokonton skapade');
      await second.stop();
    } finally {
      // A failed expectation must not leave the app running (jest would wait for it).
      await Promise.all(running.map((app) => app.stop()));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
