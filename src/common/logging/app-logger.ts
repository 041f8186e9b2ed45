import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { maskPii } from '../pii/pii-detector';

/** Start-up chatter that says nothing an operator needs. */
const QUIET_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer', 'InstanceLoader', 'NestFactory', 'NestApplication']);

const LEVELS: Record<string, LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

/** Masks personal data in anything logged: a backstop, since request bodies are never logged. */
function redact(value: unknown): unknown {
  return typeof value === 'string' ? maskPii(value).text : value;
}

/**
 * The app's logger: masks personal data in every message and drops Nest's route-mapping noise
 * so the start-up log stays readable.
 */
export class AppLogger extends ConsoleLogger {
  /** @param allToStderr the CLI keeps stdout for data (exports), so every log line goes to stderr. */
  constructor(
    level: string,
    private readonly allToStderr = false,
  ) {
    super('Avvikelser', { logLevels: LEVELS[level] ?? LEVELS.log });
  }

  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    super.printMessages(messages, context, logLevel, this.allToStderr ? 'stderr' : writeStreamType, errorStack, params);
  }

  override log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && QUIET_CONTEXTS.has(context)) return;
    super.log(redact(message), ...(rest as [string]));
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(redact(message), ...(rest as [string]));
  }

  override error(message: unknown, ...rest: unknown[]): void {
    // rest may hold a stack trace followed by the context.
    super.error(redact(message), ...(rest.map((part, i) => (i < rest.length - 1 ? redact(part) : part)) as [string]));
  }

  override debug(message: unknown, ...rest: unknown[]): void {
    super.debug(redact(message), ...(rest as [string]));
  }
}
