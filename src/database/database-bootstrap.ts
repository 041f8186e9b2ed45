import { DataSource } from 'typeorm';
import { EnvConfig } from '../config/env.config';
import { buildDataSourceOptions } from './data-source.options';
import { EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';
import { runMigrations } from './migration-runner';

export interface DatabaseHandle {
  url: string;
  poolSize: number;
  embedded: EmbeddedPostgres | null;
}

/** DATABASE_URL when set, otherwise the embedded Postgres under DATA_DIR. */
export async function openDatabase(env: EnvConfig): Promise<DatabaseHandle> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, poolSize: env.DB_POOL_SIZE, embedded: null };
  const embedded = await startEmbeddedPostgres(env.DATA_DIR);
  return { url: embedded.url, poolSize: Math.min(env.DB_POOL_SIZE, embedded.maxConnections), embedded };
}

/** Migrates with a short-lived connection before the app (and its scheduled jobs) start. */
export async function migrateDatabase(handle: Pick<DatabaseHandle, 'url'>): Promise<string[]> {
  const dataSource = new DataSource(buildDataSourceOptions({ url: handle.url, poolSize: 1 }));
  await dataSource.initialize();
  try {
    return await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
