import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppLogger } from './common/logging/app-logger';
import { preloadPiiDetector } from './common/pii/pii-detector';
import { AppConfigService } from './config/app-config.service';
import { EnvValidationError, loadEnvConfig } from './config/env.config';
import { migrateDatabase, openDatabase } from './database/database-bootstrap';
import { DemoDataSeeder } from './modules/demo/demo-data.seeder';

async function bootstrap(): Promise<void> {
  const started = performance.now();
  let env;
  try {
    env = loadEnvConfig();
  } catch (error) {
    if (error instanceof EnvValidationError) {
      process.stderr.write(`${error.message}\nAppen startas inte. Rätta variablerna ovan och försök igen.\n`);
      process.exit(1);
    }
    throw error;
  }
  Logger.overrideLogger(new AppLogger(env.LOG_LEVEL));
  const logger = new Logger('Start');
  logger.log(env.DATABASE_URL ? 'Använder PostgreSQL från DATABASE_URL' : `Använder inbyggd PostgreSQL (PGlite) i ${env.DATA_DIR}`);
  const database = await openDatabase(env);
  const applied = await migrateDatabase(database);
  await database.embedded?.waitUntilIdle();
  if (applied.length) logger.log(`Migreringar körda: ${applied.join(', ')}`);

  // The name datasets load once (~0.3 s); the one place that loads them at start, so the first
  // filing or letter does not pay for it.
  preloadPiiDetector();
  const config = new AppConfigService(env, database.url, database.embedded !== null);
  const app = await createApp(config, { poolSize: database.poolSize, logger: new AppLogger(env.LOG_LEVEL) });
  const shutdown = async (signal: string): Promise<void> => {
    logger.log(`Stänger av (${signal})`);
    await app.close();
    await database.embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', (signal) => void shutdown(signal));
  process.once('SIGTERM', (signal) => void shutdown(signal));
  const demo = database.embedded && !env.isProduction && env.DEMO_SEED === 'true' ? app.get(DemoDataSeeder) : null;
  const seedReports = demo ? await demo.seedAccounts() : false;
  await app.listen({ port: env.PORT, host: '0.0.0.0' });
  logger.log(`Avvikelser är igång på ${await app.getUrl()} (${Math.round(performance.now() - started)} ms)`);
  // The demo reports take a few seconds more; the app answers meanwhile.
  if (demo && seedReports) {
    demo.seedReports().catch((error: unknown) => logger.error(`Demodata kunde inte läsas in: ${error instanceof Error ? error.message : String(error)}`));
  }
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`Appen kunde inte starta: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
