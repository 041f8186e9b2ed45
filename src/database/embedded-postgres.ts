import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  url: string;
  /** PGlite serves one connection; the pool must not exceed it. */
  maxConnections: number;
  /** Resolves once no client holds the single connection, so the next one is accepted at once. */
  waitUntilIdle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * PGlite served over the Postgres wire protocol on a loopback port, so the app keeps one
 * code path (pg + TypeORM) whether or not a real server is configured.
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = resolve(dataDir, 'pgdata');
  // npm install prepared an empty cluster (scripts/prepare-pglite-template.cjs): copying it skips
  // several seconds of initdb on the first start.
  const template = join(__dirname, '..', '..', 'node_modules', '.cache', 'avvikelser', 'pglite-template');
  if (!existsSync(join(dir, 'PG_VERSION')) && existsSync(join(template, 'PG_VERSION'))) {
    cpSync(template, dir, { recursive: true });
  }
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create({ dataDir: dir, extensions: { pg_trgm } });
  // The app's pool holds one connection, but the server admits a second: pg's pool drops a connection
  // whose query failed and opens the next one at once, before the server has let go of the old one; with
  // room for one, that next connection was refused and the request after any database error answered 500.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 2 });
  // PGlite is a single backend behind the socket, so session state outlives the client connection that
  // made it: after the pool replaces a connection (pg closes one idle for 10 s, or one dropped after an
  // error) the new one would find the old one's named statements, and every filing ('deviation-file')
  // would fail with 42P05 until a restart. Each connection starts without them. This is queued on
  // PGlite's lock as the connection is attached, before the socket's first message is read.
  server.addEventListener('connection', () => {
    void db.exec('DEALLOCATE ALL').catch(() => undefined);
  });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    maxConnections: 1,
    async waitUntilIdle(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (server.getStats().activeConnections > 0 && Date.now() < deadline) {
        await new Promise((resolveTimer) => setTimeout(resolveTimer, 10));
      }
    },
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
