import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DatabaseHandle, migrateDatabase } from '../database/database-bootstrap';
import { startEmbeddedPostgres } from '../database/embedded-postgres';

export interface ScratchDatabase {
  handle: DatabaseHandle;
  /** Where it lives, for the log (no credentials). */
  description: string;
  drop(): Promise<void>;
}

async function onServer<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated database for a measurement run (eval, benchmark): a new database on
 * DATABASE_URL's server, or a temporary embedded one when DATABASE_URL is unset. drop() removes it.
 */
export async function createScratchDatabase(databaseUrl: string | undefined, label: string, poolSize: number): Promise<ScratchDatabase> {
  if (databaseUrl) {
    const name = `avvikelser_${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await onServer(databaseUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    const handle: DatabaseHandle = { url: url.toString(), poolSize, embedded: null };
    await migrateDatabase(handle);
    return {
      handle,
      description: `databasen ${name} på ${url.hostname}:${url.port || '5432'}`,
      drop: () => onServer(databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
    };
  }
  const dir = await mkdtemp(join(tmpdir(), `avvikelser-${label}-`));
  const embedded = await startEmbeddedPostgres(dir);
  const handle: DatabaseHandle = { url: embedded.url, poolSize: Math.min(poolSize, embedded.maxConnections), embedded };
  await migrateDatabase(handle);
  await embedded.waitUntilIdle();
  return {
    handle,
    description: `en tillfällig inbyggd databas (PGlite) i ${dir}`,
    async drop() {
      await embedded.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
