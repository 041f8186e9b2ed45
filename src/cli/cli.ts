import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppLogger } from '../common/logging/app-logger';
import { EnvValidationError, loadEnvConfig } from '../config/env.config';
import { migrateDatabase, openDatabase } from '../database/database-bootstrap';
import { CliCommand, CliContext, CliUsageError } from './cli-command';
import { CLI_COMMANDS } from './commands';

function usage(): string {
  const lines = CLI_COMMANDS.map((command) => `  ${command.usage.padEnd(52)} ${command.description}`);
  return `Användning: npm run cli -- <kommando> [argument]\n\nKommandon:\n${lines.join('\n')}\n`;
}

function findCommand(args: string[]): { command: CliCommand; rest: string[] } | null {
  for (const command of CLI_COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((word, index) => args[index] === word)) return { command, rest: args.slice(words.length) };
  }
  return null;
}

/** The operator's entry point (`npm run cli -- …`): works on DATABASE_URL or the embedded database. */
async function main(argv: string[]): Promise<number> {
  const found = findCommand(argv);
  if (!found) {
    process.stderr.write(argv.length ? `Okänt kommando: ${argv.join(' ')}\n\n${usage()}` : usage());
    return argv.length ? 2 : 0;
  }
  let env;
  try {
    env = loadEnvConfig();
  } catch (error) {
    if (error instanceof EnvValidationError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  // Logs go to stderr so that exports on stdout stay clean.
  Logger.overrideLogger(new AppLogger(env.LOG_LEVEL === 'log' ? 'warn' : env.LOG_LEVEL, true));
  const database = await openDatabase(env);
  try {
    await migrateDatabase(database);
    await database.embedded?.waitUntilIdle();
    const context: CliContext = { env, database, stdout: process.stdout, stderr: process.stderr };
    return await found.command.run(found.rest, context);
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`${error.message}\n\n${usage()}`);
      return 2;
    }
    throw error;
  } finally {
    await database.embedded?.stop();
  }
}

/** Exit only after stdout has drained: a pipe (export > file, | jq) would otherwise lose the tail. */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(
  (code) => exitAfterFlush(code),
  (error: unknown) => {
    process.stderr.write(`Fel: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
