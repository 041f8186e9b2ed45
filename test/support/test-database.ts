import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server the tests run against: DATABASE_URL, or the local one on 127.0.0.1:5432. */
export const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const RUN_PREFIX_ENV = 'AVVIKELSER_TEST_RUN';
export const TEMPLATE_DB_ENV = 'AVVIKELSER_TEST_TEMPLATE';

export function urlForDatabase(name: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withServerClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from this run's migrated template: every test file starts clean. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = process.env[TEMPLATE_DB_ENV];
  const runPrefix = process.env[RUN_PREFIX_ENV];
  if (!template || !runPrefix) throw new Error('Testdatabasen saknas: kör testerna med npm test (jest globalSetup).');
  const name = `${runPrefix}_${randomBytes(4).toString('hex')}`;
  // CREATE DATABASE … TEMPLATE fails if another session is cloning the same template at that instant.
  for (let attempt = 0; ; attempt++) {
    try {
      await withServerClient((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      break;
    } catch (error) {
      if (attempt >= 20 || !String(error).includes('is being accessed by other users')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
    }
  }
  return {
    name,
    url: urlForDatabase(name),
    drop: () => withServerClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** An empty database with no migrations, for tests of the boot path itself. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const runPrefix = process.env[RUN_PREFIX_ENV] ?? `avvikelser_test_${randomBytes(3).toString('hex')}`;
  const name = `${runPrefix}_empty_${randomBytes(4).toString('hex')}`;
  await withServerClient((client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    name,
    url: urlForDatabase(name),
    drop: () => withServerClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
