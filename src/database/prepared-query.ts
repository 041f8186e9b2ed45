import type { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';

/**
 * Runs a named statement on TypeORM's pg pool. Postgres parses and plans it once per connection
 * instead of on every call, which matters for the few hot, long statements (filing).
 */
export async function queryPrepared<R extends QueryResultRow>(dataSource: DataSource, name: string, text: string, values: unknown[]): Promise<R[]> {
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  const result = await pool.query<R>({ name, text, values });
  return result.rows;
}
