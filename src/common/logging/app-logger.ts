import { ConsoleLogger, LogLevel } from '@nestjs/common';

/** Start-up chatter that says nothing an operator needs. */
const QUIET_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader', 'NestFactory', 'NestApplication']);

const LEVELS: Record<string, LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

/**
 * The app's logger. Request bodies are never logged anywhere; this also drops Nest's
 * route-mapping noise so the start-up log stays readable.
 */
export class AppLogger extends ConsoleLogger {
  constructor(level: string) {
    super('Avvikelser', { logLevels: LEVELS[level] ?? LEVELS.log });
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && QUIET_CONTEXTS.has(context)) return;
    super.log(message, ...(rest as [string]));
  }
}
