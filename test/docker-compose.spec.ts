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
