import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EnvConfig, loadEnvConfig } from '../src/config/env.config';

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const ROOT = join(__dirname, '..');
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; volumes?: Record<string, unknown> };

/** Resolves ${VAR:-default} / ${VAR:?message} as compose would, with VAR unset. */
function interpolate(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_all, name: string, kind?: string, rest?: string) => {
    if (given[name] !== undefined) return given[name];
    if (kind === '-') return rest ?? '';
    if (kind === '?') throw new Error(`${name} måste anges: ${rest}`);
    return '';
  });
}

describe('docker-compose.yml', () => {
  const { app, db, mail } = compose.services;

  it('runs the app with PostgreSQL and a mail catcher', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'db', 'mail']);
    expect(db.image).toMatch(/^postgres:\d+/);
    expect(mail.image).toMatch(/^axllent\/mailpit:/);
    expect(app.build).toBe('.');
    expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
    expect(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).toMatch(/CMD \["node", "dist\/main\.js"\]/);
  });

  it('publishes the app and the mail UI', () => {
    expect(app.ports).toContain('3000:3000');
    expect(mail.ports).toContain('8025:8025');
  });

  it('gives the app an environment the app itself accepts, pointing at the other services', () => {
    const environment = Object.fromEntries(
      Object.entries(app.environment ?? {}).map(([key, value]) => [key, interpolate(String(value), { APP_SECRET: 'x'.repeat(40) })]),
    );
    const known = Object.keys(new EnvConfig());
    for (const key of Object.keys(environment)) expect(known).toContain(key);
    const config = loadEnvConfig(environment);
    expect(config.isProduction).toBe(true);

    const database = new URL(config.DATABASE_URL ?? '');
    expect(database.hostname).toBe('db');
    expect(database.port).toBe('5432');
    expect(database.username).toBe(db.environment?.POSTGRES_USER);
    expect(database.password).toBe(db.environment?.POSTGRES_PASSWORD);
    expect(database.pathname).toBe(`/${db.environment?.POSTGRES_DB}`);

    const smtp = new URL(config.SMTP_URL ?? '');
    expect(smtp.hostname).toBe('mail');
    expect(smtp.port).toBe('1025');
    expect(app.ports?.[0].split(':')[1]).toBe(String(config.PORT));
  });

  it('refuses to start without a secret instead of using a known one', () => {
    expect(() => interpolate(String(app.environment?.APP_SECRET), {})).toThrow(/APP_SECRET måste anges/);
  });

  it('waits for healthy services and checks health itself', () => {
    expect(app.depends_on?.db.condition).toBe('service_healthy');
    expect(app.depends_on?.mail.condition).toBe('service_healthy');
    expect(db.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(app.healthcheck?.test.join(' ')).toContain('/health');
    expect(mail.healthcheck?.test.join(' ')).toContain('readyz');
    expect(compose.volumes).toHaveProperty('db-data');
  });
});

/** The Dockerfile's stages as COPY sources and RUN commands in order (no Docker engine runs here to build it). */
interface Step {
  kind: 'copy' | 'run';
  /** COPY: the sources (repository paths); RUN: the command. */
  value: string[];
}

function dockerStages(text: string): Step[][] {
  const stages: Step[][] = [];
  for (const line of text.split('\n').map((raw) => raw.trim())) {
    if (/^FROM\s/i.test(line)) stages.push([]);
    const copy = /^COPY\s+(.+)$/i.exec(line);
    if (copy && !/--from=/.test(copy[1])) stages[stages.length - 1].push({ kind: 'copy', value: copy[1].split(/\s+/).slice(0, -1) });
    const run = /^RUN\s+(.+)$/i.exec(line);
    if (run) stages[stages.length - 1].push({ kind: 'run', value: [run[1]] });
  }
  return stages;
}

/** What the build stage has copied before the first RUN whose command matches. */
function copiedBefore(stage: Step[], command: RegExp): string[] {
  const copied: string[] = [];
  for (const step of stage) {
    if (step.kind === 'run' && command.test(step.value[0])) return copied;
    if (step.kind === 'copy') copied.push(...step.value.map((source) => source.replace(/^\.\//, '').replace(/\/$/, '')));
  }
  throw new Error(`Dockerfile runs no ${String(command)}`);
}

const covers = (copied: readonly string[], path: string): boolean => copied.some((source) => path === source || path.startsWith(`${source}/`));

describe('Dockerfile', () => {
  const [build, final] = dockerStages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

  it('has the files that the scripts npm ci runs for the package itself need, before it runs', () => {
    // npm ci runs these of the root package; a missing script file fails the whole image build.
    const lifecycle = ['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare'];
    const files = lifecycle.flatMap((name) => [...(pkg.scripts[name] ?? '').matchAll(/\bnode\s+(\S+)/g)].map((match) => match[1]));
    expect(files.length).toBeGreaterThan(0);
    const copied = copiedBefore(build, /\bnpm ci\b/);
    for (const file of files) expect({ file, copied: covers(copied, file) }).toEqual({ file, copied: true });
  });

  it('has what the build reads before it builds', () => {
    const copied = copiedBefore(build, /\bnpm run build\b/);
    for (const file of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', '.swcrc', 'src/main.ts']) {
      expect({ file, copied: covers(copied, file) }).toEqual({ file, copied: true });
    }
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    for (const source of [...build, ...final].filter((step) => step.kind === 'copy').flatMap((step) => step.value)) {
      const path = source.replace(/^\.\//, '').replace(/\/$/, '');
      expect({ path, exists: existsSync(join(ROOT, path)), ignored: covers(ignored, path) }).toEqual({ path, exists: true, ignored: false });
    }
  });

  it('ships the templates the app renders at run time', () => {
    expect(final.some((step) => step.kind === 'copy' && step.value.some((source) => source.replace(/^\.\//, '') === 'templates'))).toBe(true);
  });
});
