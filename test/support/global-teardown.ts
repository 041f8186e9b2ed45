import { rmSync } from 'node:fs';
import { BUILD_DIR_ENV } from './built-app';
import { RUN_PREFIX_ENV, withServerClient } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const runPrefix = process.env[RUN_PREFIX_ENV];
  if (!runPrefix) return;
  const build = process.env[BUILD_DIR_ENV];
  if (build) rmSync(build, { recursive: true, force: true });
  await withServerClient(async (client) => {
    const rows = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${runPrefix}%`]);
    for (const { datname } of rows.rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
}
