import { EnvConfig } from './env.config';

/**
 * The validated configuration plus what was decided at boot (which database is in use).
 * Provided as a value by ConfigModule; nothing else reads process.env.
 */
export class AppConfigService {
  constructor(
    readonly env: EnvConfig,
    readonly databaseUrl: string,
    readonly embeddedDatabase: boolean,
  ) {}

  get secureCookies(): boolean {
    return this.env.BASE_URL.startsWith('https://');
  }

  get isProduction(): boolean {
    return this.env.isProduction;
  }
}
