// Runs on `npm install`/`npm ci` (the root package's prepare script). Initialising an embedded
// PostgreSQL (initdb in WebAssembly) takes several seconds; doing it once here lets the first
// `npm start` copy a ready, empty cluster instead. Never fails the install: the app falls back
// to creating the cluster itself.
const { existsSync, mkdirSync, renameSync, rmSync } = require('node:fs');
const { join } = require('node:path');

const target = join(__dirname, '..', 'node_modules', '.cache', 'avvikelser', 'pglite-template');

async function main() {
  // Set by the Dockerfile: the image runs on PostgreSQL, and the cluster would only add 40 MB to it.
  if (process.env.AVVIKELSER_NO_PGLITE_TEMPLATE) return;
  if (existsSync(join(target, 'PG_VERSION'))) return;
  const { PGlite } = require('@electric-sql/pglite');
  const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm');
  const temporary = `${target}.${process.pid}`;
  mkdirSync(temporary, { recursive: true });
  const db = await PGlite.create({ dataDir: temporary, extensions: { pg_trgm } });
  await db.query('SELECT 1');
  await db.close();
  rmSync(target, { recursive: true, force: true });
  renameSync(temporary, target);
}

main().catch((error) => {
  process.stderr.write(`Kunde inte förbereda den inbyggda databasen (${error && error.message}); den skapas vid första start i stället.\n`);
});
