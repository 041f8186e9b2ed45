import { Logger as NestLogger } from '@nestjs/common';
import { Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM's own logger prints query parameters, which may be a participant's words.
 * This one reports failures by SQL state only, and only the slow-query fact without values.
 */
export class SafeTypeOrmLogger implements TypeOrmLogger {
  private readonly logger = new NestLogger('Databas');

  logQuery(): void {}

  logQueryError(error: string | Error): void {
    const code = typeof error === 'object' && error && 'code' in error ? String((error as { code: unknown }).code) : 'okänd';
    // Unique violations and the like are expected and handled; only log what is not.
    if (code.startsWith('23')) return;
    this.logger.warn(`Databasfråga misslyckades (SQLSTATE ${code})`);
  }

  logQuerySlow(time: number): void {
    this.logger.warn(`Långsam databasfråga: ${time} ms`);
  }

  logSchemaBuild(): void {}

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
  }
}
