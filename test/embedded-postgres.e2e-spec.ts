import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { EmbeddedPostgres, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { queryPrepared } from '../src/database/prepared-query';

interface PgPool {
  connect(): Promise<{ release(destroy?: boolean): void }>;
}

/**
 * The embedded database (npm start without DATABASE_URL) is one PGlite backend behind a socket: its
 * session state outlives the connection that made it. pg's pool replaces a connection that was idle
 * for 10 s, and the filing's named statement then already existed for the new connection (42P05):
 * every filing failed until a restart.
 */
describe('the embedded database across connections', () => {
  let dir: string;
  let embedded: EmbeddedPostgres;
  let dataSource: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'avvikelser-embedded-'));
    embedded = await startEmbeddedPostgres(dir);
    dataSource = new DataSource(buildDataSourceOptions({ url: embedded.url, poolSize: 1 }));
    await dataSource.initialize();
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await embedded?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the query after one that failed outside a transaction', async () => {
    // As the filing's statement runs: on pg's pool, which drops the connection whose query failed and
    // opens a new one straight away.
    const sql = 'SELECT 1 / $1::int AS x';
    await expect(queryPrepared(dataSource, 'embedded-division', sql, [0])).rejects.toThrow('division by zero');
    expect(await queryPrepared(dataSource, 'embedded-division', sql, [1])).toEqual([{ x: 1 }]);
    expect(await dataSource.query('SELECT 2 AS y')).toEqual([{ y: 2 }]);
  });

  it('runs a named statement again on the connection that replaces the first one', async () => {
    const sql = 'SELECT $1::int * 2 AS doubled';
    expect(await queryPrepared<{ doubled: number }>(dataSource, 'embedded-doubling', sql, [2])).toEqual([{ doubled: 4 }]);
    // As when the pool drops an idle connection: the next query gets a new one.
    const pool = (dataSource.driver as unknown as { master: PgPool }).master;
    const client = await pool.connect();
    client.release(true);
    await embedded.waitUntilIdle();
    expect(await queryPrepared<{ doubled: number }>(dataSource, 'embedded-doubling', sql, [21])).toEqual([{ doubled: 42 }]);
  });
});
