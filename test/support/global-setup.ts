import { randomBytes } from 'node:crypto';
import 'reflect-metadata';
import { migrateDatabase } from '../../src/database/database-bootstrap';
import { BUILD_DIR_ENV, buildForTests } from './built-app';
import { RUN_PREFIX_ENV, TEMPLATE_DB_ENV, urlForDatabase, withServerClient } from './test-database';

/** One migrated template database per test run; each test file clones it. */
export default async function globalSetup(): Promise<void> {
  const runPrefix = `avvikelser_test_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const template = `${runPrefix}_template`;
  await withServerClient(async (client) => {
    // Clean up databases left by runs that were killed, older than an hour.
    const stale = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'avvikelser_test_%' AND datname NOT LIKE $1`,
      [`${runPrefix}%`],
    );
    for (const { datname } of stale.rows) {
      const stamp = parseInt(datname.split('_')[2] ?? '', 36);
      if (Number.isFinite(stamp) && Date.now() - stamp > 3_600_000) {
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    }
    await client.query(`CREATE DATABASE "${template}"`);
  });
  await migrateDatabase({ url: urlForDatabase(template) });
  process.env[BUILD_DIR_ENV] = buildForTests(runPrefix);
  process.env[RUN_PREFIX_ENV] = runPrefix;
  process.env[TEMPLATE_DB_ENV] = template;
}
