import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { AppLogger } from '../common/logging/app-logger';
import { AppConfigService } from '../config/app-config.service';
import { EnvConfig } from '../config/env.config';
import { DatabaseHandle } from '../database/database-bootstrap';

export interface CliContext {
  env: EnvConfig;
  database: DatabaseHandle;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface CliCommand {
  /** One or more words, e.g. "export deviations". */
  name: string;
  usage: string;
  description: string;
  run(args: string[], context: CliContext): Promise<number>;
}

export class CliUsageError extends Error {}

/** The app's services without the HTTP server (and without scheduled jobs), closed after the work. */
export async function withAppContext<T>(context: CliContext, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const config = new AppConfigService(
    Object.assign(new EnvConfig(), context.env, { SCHEDULER_ENABLED: 'false' }),
    context.database.url,
    context.database.embedded !== null,
  );
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, context.database.poolSize), {
    logger: new AppLogger('warn', true),
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

/** Reads `--name value` options; everything else is positional. */
export function parseOptions(args: string[]): { positional: string[]; options: Map<string, string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2);
      if (inline !== undefined) options.set(key, inline);
      else if (i + 1 < args.length && !args[i + 1].startsWith('--')) options.set(key, args[++i]);
      else options.set(key, 'true');
    } else {
      positional.push(arg);
    }
  }
  return { positional, options };
}
