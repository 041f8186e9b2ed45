import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { isIP } from 'node:net';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() !== '' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

const DEV_SECRET = 'utvecklingshemlighet-byt-i-produktion';

/** 10.0.0.5 or 10.0.0.0/8 (IPv4 or IPv6), the way the reverse proxy's address is written in TRUST_PROXY. */
export function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

function splitList(value: string): string[] {
  return value.split(',').map((entry) => entry.trim()).filter(Boolean);
}

/**
 * Every setting the app reads from the environment, validated once at boot.
 * Nothing else reads process.env, so a typo fails fast instead of at 3 a.m.
 */
export class EnvConfig {
  // Every property has an initializer (even `= undefined`): loadEnvConfig reads exactly these keys.
  @IsIn(['development', 'production', 'test'], { message: 'NODE_ENV måste vara development, production eller test' })
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt({ message: 'PORT måste vara ett heltal' })
  @Min(0, { message: 'PORT måste vara mellan 0 och 65535' })
  @Max(65535, { message: 'PORT måste vara mellan 0 och 65535' })
  PORT = 3000;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL måste vara en postgres://-adress, t.ex. postgres://postgres@127.0.0.1:5432/avvikelser' })
  DATABASE_URL?: string = undefined;

  @IsString()
  @MinLength(1, { message: 'DATA_DIR får inte vara tom' })
  DATA_DIR = './data';

  @Transform(toInt)
  @IsInt({ message: 'DB_POOL_SIZE måste vara ett heltal' })
  @Min(1, { message: 'DB_POOL_SIZE måste vara minst 1' })
  @Max(200, { message: 'DB_POOL_SIZE får vara högst 200' })
  DB_POOL_SIZE = 10;

  @IsString()
  @MinLength(32, { message: 'APP_SECRET måste vara minst 32 tecken lång' })
  APP_SECRET = DEV_SECRET;

  @Matches(/^https?:\/\/[^\s/]+(:\d+)?(\/\S*)?$/, { message: 'BASE_URL måste vara en http(s)-adress, t.ex. https://avvikelser.example.se' })
  /** Unset: http://localhost:<PORT> (loadEnvConfig), so mail links reach the app on its own port. */
  BASE_URL = 'http://localhost:3000';

  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL måste vara en smtp:// eller smtps://-adress, t.ex. smtp://127.0.0.1:1025' })
  SMTP_URL?: string = undefined;

  @IsString()
  @MinLength(3, { message: 'MAIL_FROM måste anges, t.ex. "Avvikelser <noreply@example.se>"' })
  MAIL_FROM = 'Avvikelser MIA <noreply@avvikelser.local>';

  @Transform(toInt)
  @IsInt({ message: 'OUTBOX_POLL_MS måste vara ett heltal (millisekunder)' })
  @Min(100, { message: 'OUTBOX_POLL_MS måste vara minst 100 millisekunder' })
  @Max(3_600_000, { message: 'OUTBOX_POLL_MS får vara högst 3600000 millisekunder (en timme)' })
  OUTBOX_POLL_MS = 2000;

  @IsIn(['true', 'false'], { message: 'DEMO_SEED måste vara true eller false' })
  DEMO_SEED: 'true' | 'false' = 'true';

  @IsIn(['true', 'false'], { message: 'SCHEDULER_ENABLED måste vara true eller false' })
  SCHEDULER_ENABLED: 'true' | 'false' = 'true';

  @IsIn(['error', 'warn', 'log', 'debug'], { message: 'LOG_LEVEL måste vara error, warn, log eller debug' })
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' = 'log';

  /** A new deviation not accepted within this many working days (weekends and röda dagar skipped) is overdue. */
  @Transform(toInt)
  @IsInt({ message: 'ACCEPT_WITHIN_WORKING_DAYS måste vara ett heltal (arbetsdagar)' })
  @Min(1, { message: 'ACCEPT_WITHIN_WORKING_DAYS måste vara minst 1' })
  @Max(60, { message: 'ACCEPT_WITHIN_WORKING_DAYS får vara högst 60' })
  ACCEPT_WITHIN_WORKING_DAYS = 2;

  /** A deviation not resolved within this many calendar days of being reported is overdue. */
  @Transform(toInt)
  @IsInt({ message: 'RESOLVE_WITHIN_DAYS måste vara ett heltal (dagar)' })
  @Min(1, { message: 'RESOLVE_WITHIN_DAYS måste vara minst 1' })
  @Max(730, { message: 'RESOLVE_WITHIN_DAYS får vara högst 730' })
  RESOLVE_WITHIN_DAYS = 30;

  /** When the reminders about overdue deviations go out, as a cron expression in Swedish time (nothing is sent on weekends and röda dagar). */
  @Matches(/^\s*(\S+\s+){4,5}\S+\s*$/, { message: 'REMINDER_CRON måste vara ett cron-uttryck med 5 eller 6 fält, t.ex. "0 7 * * *" (klockan 07.00 varje dag)' })
  REMINDER_CRON = '0 7 * * *';

  /** A deviation that is still overdue is reminded about again this many days after the last reminder. */
  @Transform(toInt)
  @IsInt({ message: 'REMINDER_REPEAT_DAYS måste vara ett heltal (dagar)' })
  @Min(1, { message: 'REMINDER_REPEAT_DAYS måste vara minst 1' })
  @Max(90, { message: 'REMINDER_REPEAT_DAYS får vara högst 90' })
  REMINDER_REPEAT_DAYS = 7;

  /** A barrier is escalated when it recurs in at least this many kommuner (in two or more delprojekt) … */
  @Transform(toInt)
  @IsInt({ message: 'ESCALATION_MIN_MUNICIPALITIES måste vara ett heltal (antal kommuner)' })
  @Min(2, { message: 'ESCALATION_MIN_MUNICIPALITIES måste vara minst 2' })
  @Max(100, { message: 'ESCALATION_MIN_MUNICIPALITIES får vara högst 100' })
  ESCALATION_MIN_MUNICIPALITIES = 3;

  /** … within this many months. */
  @Transform(toInt)
  @IsInt({ message: 'ESCALATION_WINDOW_MONTHS måste vara ett heltal (månader)' })
  @Min(1, { message: 'ESCALATION_WINDOW_MONTHS måste vara minst 1' })
  @Max(120, { message: 'ESCALATION_WINDOW_MONTHS får vara högst 120' })
  ESCALATION_WINDOW_MONTHS = 12;

  /** When the pattern analysis (strukturella hinder) runs, as a cron expression in Swedish time. */
  @Matches(/^\s*(\S+\s+){4,5}\S+\s*$/, { message: 'PATTERNS_CRON måste vara ett cron-uttryck med 5 eller 6 fält, t.ex. "0 3 * * *" (klockan 03.00 varje natt)' })
  PATTERNS_CRON = '0 3 * * *';

  /** When the weekly digest to leads and analysts goes out, as a cron expression in Swedish time. */
  @Matches(/^\s*(\S+\s+){4,5}\S+\s*$/, { message: 'DIGEST_CRON måste vara ett cron-uttryck med 5 eller 6 fält, t.ex. "0 7 * * 1" (klockan 07.00 varje måndag)' })
  DIGEST_CRON = '0 7 * * 1';

  /**
   * Sign-in attempts (staff e-mail and IP address: personal data) are deleted after this many days. The
   * lock-out needs only 15 minutes; a month by default lets an administrator still look back at an attack.
   */
  @Transform(toInt)
  @IsInt({ message: 'LOGIN_ATTEMPT_RETENTION_DAYS måste vara ett heltal (dagar)' })
  @Min(1, { message: 'LOGIN_ATTEMPT_RETENTION_DAYS måste vara minst 1' })
  @Max(365, { message: 'LOGIN_ATTEMPT_RETENTION_DAYS får vara högst 365' })
  LOGIN_ATTEMPT_RETENTION_DAYS = 30;

  /**
   * The reverse proxies whose X-Forwarded-For is believed, as addresses or ranges (comma-separated).
   * Unset: the address of whoever connects is the client's, and the header is ignored, since anyone
   * can write it and would otherwise pick the address the sign-in limits count them under.
   */
  @IsOptional()
  @ValidateBy({
    name: 'trustProxy',
    validator: { validate: (value: unknown) => typeof value === 'string' && splitList(value).length > 0 && splitList(value).every(isAddressOrRange) },
  }, { message: 'TRUST_PROXY måste vara proxyns IP-adress eller nät, flera med komma, t.ex. 10.0.0.5 eller 172.18.0.0/16' })
  TRUST_PROXY?: string = undefined;

  /**
   * An optional language model for the pattern engine: an OpenAI-compatible embeddings endpoint (Ollama,
   * vLLM, LocalAI, text-embeddings-inference) the organisation runs itself. Unset, the engine reads words only.
   */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/]+(:\d+)?(\/\S*)?$/, {
    message: 'EMBEDDINGS_URL måste vara en http(s)-adress till en embeddings-tjänst, t.ex. http://127.0.0.1:11434/v1/embeddings (Ollama)',
  })
  EMBEDDINGS_URL?: string = undefined;

  /** The model the endpoint should use; needed as soon as EMBEDDINGS_URL is set. */
  @ValidateIf((config: EnvConfig) => config.EMBEDDINGS_URL !== undefined)
  @IsString({ message: 'EMBEDDINGS_MODEL måste anges när EMBEDDINGS_URL är satt, t.ex. bge-m3' })
  @Matches(/^\S+$/, { message: 'EMBEDDINGS_MODEL måste vara modellens namn utan mellanslag, t.ex. bge-m3' })
  EMBEDDINGS_MODEL?: string = undefined;

  /** Sent as a bearer token to EMBEDDINGS_URL; never logged. */
  @IsOptional()
  @IsString()
  EMBEDDINGS_API_KEY?: string = undefined;

  /** How long one request to EMBEDDINGS_URL may take before it is retried (twice), then given up for the run. */
  @Transform(toInt)
  @IsInt({ message: 'EMBEDDINGS_TIMEOUT_MS måste vara ett heltal (millisekunder)' })
  @Min(100, { message: 'EMBEDDINGS_TIMEOUT_MS måste vara minst 100 millisekunder' })
  @Max(600_000, { message: 'EMBEDDINGS_TIMEOUT_MS får vara högst 600000 millisekunder (tio minuter)' })
  EMBEDDINGS_TIMEOUT_MS = 30_000;

  get isProduction(): boolean {
    return this.NODE_ENV === 'production';
  }

  /** TRUST_PROXY as a list; empty when no proxy is trusted. */
  get trustedProxies(): string[] {
    return this.TRUST_PROXY ? splitList(this.TRUST_PROXY) : [];
  }

  get usesEmbeddedDatabase(): boolean {
    return !this.DATABASE_URL;
  }
}

export class EnvValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Ogiltig konfiguration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Builds the config from an environment map; throws EnvValidationError naming each bad variable. */
export function loadEnvConfig(env: NodeJS.ProcessEnv = process.env): EnvConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(new EnvConfig())) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(EnvConfig, raw);
  // A bad PORT is reported as itself, not once more as a bad default address.
  if (raw.BASE_URL === undefined && Number.isInteger(config.PORT)) config.BASE_URL = `http://localhost:${config.PORT}`;
  // One message per variable: the topmost decorator (the type check) is reported last by class-validator.
  const problems = validateSync(config, { skipMissingProperties: false }).map((error) => {
    const messages = Object.values(error.constraints ?? {});
    return `${error.property}: ${messages[messages.length - 1] ?? 'ogiltigt värde'}`;
  });
  if (config.isProduction && config.APP_SECRET === DEV_SECRET) {
    problems.push('APP_SECRET: måste sättas till en egen hemlig sträng i produktion');
  }
  if (config.EMBEDDINGS_MODEL !== undefined && config.EMBEDDINGS_URL === undefined) {
    problems.push('EMBEDDINGS_MODEL: gäller bara tillsammans med EMBEDDINGS_URL (adressen till embeddings-tjänsten)');
  }
  if (problems.length > 0) throw new EnvValidationError(problems);
  return config;
}
