import 'reflect-metadata';
import { LoggerService } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import { Clock } from '../../src/common/clock/clock';
import { AppConfigService } from '../../src/config/app-config.service';
import { loadEnvConfig } from '../../src/config/env.config';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  db: TestDatabase;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Replace providers (e.g. the clock) before the app starts. */
  configure?: (app: NestFastifyApplication) => void;
  /** Every service's "now" comes from this clock (e.g. a FixedClock), from before the app starts. */
  clock?: Clock;
  /** Run on another test app's database, as a second instance; close() then leaves the database to its owner. */
  db?: TestDatabase;
  /** The app's logger (e.g. the real AppLogger, to read what it writes); none unless TEST_APP_LOG is set. */
  logger?: LoggerService;
}

/** The real application on its own fresh database, listening on a loopback port. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const env = loadEnvConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    APP_SECRET: 'test-hemlighet-som-ar-minst-trettiotva-tecken',
    BASE_URL: 'http://127.0.0.1',
    SCHEDULER_ENABLED: 'false',
    DB_POOL_SIZE: '5',
    ...options.env,
  });
  const config = new AppConfigService(env, db.url, false);
  const app = await createApp(config, { poolSize: env.DB_POOL_SIZE, logger: options.logger ?? (process.env.TEST_APP_LOG ? undefined : false) });
  const clock = options.clock;
  // The one Clock instance is already injected everywhere; delegating its now() reaches them all.
  if (clock) app.get(Clock).now = () => clock.now();
  options.configure?.(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    baseUrl,
    db,
    async close() {
      await app.close();
      if (!options.db) await db.drop();
    },
  };
}
