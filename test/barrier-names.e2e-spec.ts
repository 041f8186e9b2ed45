import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { DEMO_PASSWORD } from '../src/modules/user/demo-seeder';
import { HttpClient } from './support/http-client';
import { startDemoApp } from './support/demo-app';
import { TestApp } from './support/test-app';

/** Words the reviewer found naming demo barriers, and their kind: a lone adjective or pronoun, and verb forms. */
const NOT_NAMES = ['egen', 'all', 'lämna', 'upphöra', 'påverka', 'avstår', 'skickar', 'saknar', 'fortsätta', 'arbeta', 'anser'];

describe('generated barrier names on the demo data', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startDemoApp(new FixedClock(new Date('2026-11-24T08:00:00Z')));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('are made of what the barriers are about, never of a lone adjective, pronoun or verb form', async () => {
    const rows = (await t.app.get(DataSource).query(`SELECT name, terms FROM barrier WHERE name_source = 'generated'`)) as Array<{ name: string; terms: string[] }>;
    // The engine still finds such words characteristic; they just do not name a barrier.
    expect(rows.flatMap((row) => row.terms)).toEqual(expect.arrayContaining(['egen', 'lämna', 'upphöra']));
    const client = new HttpClient(t.baseUrl);
    await client.login('utvecklare@demo.mia.se', DEMO_PASSWORD);
    const list = (await client.get('/hinder')).text;
    const shown = [...list.matchAll(/class="barrier-name">([^<]+)</g)].map((match) => match[1]);
    expect(shown.length).toBe(rows.length);
    for (const name of shown) {
      const words = name.toLocaleLowerCase('sv').split(/, | och | som rör /);
      expect([name, words.filter((word) => NOT_NAMES.includes(word))]).toEqual([name, []]);
    }
    expect(shown).not.toContain('Egen');
    expect(shown).toContain('Återkommande hinder som rör kommunen och annan part');
  });
});
