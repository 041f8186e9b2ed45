import { EnvConfig, EnvValidationError, loadEnvConfig } from './env.config';

describe('loadEnvConfig', () => {
  it('uses defaults for an empty environment (embedded database)', () => {
    const config = loadEnvConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATA_DIR).toBe('./data');
    expect(config.usesEmbeddedDatabase).toBe(true);
  });

  it('reads every declared variable, optional ones included', () => {
    const config = loadEnvConfig({ DATABASE_URL: 'postgres://postgres@db:5432/avvikelser', SMTP_URL: 'smtp://mail:1025', PORT: '8080' });
    expect(config.DATABASE_URL).toBe('postgres://postgres@db:5432/avvikelser');
    expect(config.SMTP_URL).toBe('smtp://mail:1025');
    expect(config.PORT).toBe(8080);
    expect(config.usesEmbeddedDatabase).toBe(false);
    for (const key of Object.keys(new EnvConfig())) expect(Object.prototype.hasOwnProperty.call(config, key)).toBe(true);
  });

  it('links mail to the port the app listens on when BASE_URL is not set', () => {
    expect(loadEnvConfig({}).BASE_URL).toBe('http://localhost:3000');
    expect(loadEnvConfig({ PORT: '3103' }).BASE_URL).toBe('http://localhost:3103');
    expect(loadEnvConfig({ PORT: '3103', BASE_URL: '' }).BASE_URL).toBe('http://localhost:3103');
    expect(loadEnvConfig({ PORT: '3103', BASE_URL: 'https://avvikelser.example.se' }).BASE_URL).toBe('https://avvikelser.example.se');
    // A bad port is reported once, as the port, not again as a bad address.
    expect(() => loadEnvConfig({ PORT: 'abc' })).toThrow(new EnvValidationError(['PORT: PORT måste vara ett heltal']));
    // A given address is still validated.
    expect(() => loadEnvConfig({ PORT: '3103', BASE_URL: 'avvikelser.example.se' })).toThrow(/BASE_URL: BASE_URL måste vara en http\(s\)-adress/);
  });

  it('names each bad variable once, in Swedish', () => {
    try {
      loadEnvConfig({ PORT: 'abc', DATABASE_URL: 'mysql://root@localhost/x', LOG_LEVEL: 'loud' });
      throw new Error('borde ha kastat');
    } catch (error) {
      expect(error).toBeInstanceOf(EnvValidationError);
      const problems = (error as EnvValidationError).problems;
      expect(problems).toEqual([
        'PORT: PORT måste vara ett heltal',
        'DATABASE_URL: DATABASE_URL måste vara en postgres://-adress, t.ex. postgres://postgres@127.0.0.1:5432/avvikelser',
        'LOG_LEVEL: LOG_LEVEL måste vara error, warn, log eller debug',
      ]);
    }
  });

  it('trusts no proxy unless TRUST_PROXY names it, and refuses anything but addresses and ranges', () => {
    expect(loadEnvConfig({}).trustedProxies).toEqual([]);
    expect(loadEnvConfig({ TRUST_PROXY: '10.0.0.5' }).trustedProxies).toEqual(['10.0.0.5']);
    expect(loadEnvConfig({ TRUST_PROXY: ' 172.18.0.0/16, fd00::/8 ,127.0.0.1' }).trustedProxies).toEqual(['172.18.0.0/16', 'fd00::/8', '127.0.0.1']);
    // "true" or a hop count would believe a header any client can write when the app is reached directly.
    for (const bad of ['true', '1', 'proxy.example.se', '10.0.0.0/33', '10.0.0.0/8/1', 'fd00::/129', ',', '10.0.0.5;10.0.0.6']) {
      expect(() => loadEnvConfig({ TRUST_PROXY: bad })).toThrow(new EnvValidationError([
        'TRUST_PROXY: TRUST_PROXY måste vara proxyns IP-adress eller nät, flera med komma, t.ex. 10.0.0.5 eller 172.18.0.0/16',
      ]));
    }
  });

  it('reads the optional language model for the pattern engine, and names what is missing in Swedish', () => {
    expect(loadEnvConfig({}).EMBEDDINGS_URL).toBeUndefined();
    const config = loadEnvConfig({ EMBEDDINGS_URL: 'http://ollama:11434/v1/embeddings', EMBEDDINGS_MODEL: 'bge-m3', EMBEDDINGS_API_KEY: 'k', EMBEDDINGS_TIMEOUT_MS: '5000' });
    expect([config.EMBEDDINGS_URL, config.EMBEDDINGS_MODEL, config.EMBEDDINGS_API_KEY, config.EMBEDDINGS_TIMEOUT_MS]).toEqual(['http://ollama:11434/v1/embeddings', 'bge-m3', 'k', 5000]);
    expect(() => loadEnvConfig({ EMBEDDINGS_URL: 'http://ollama:11434/v1/embeddings' })).toThrow(
      new EnvValidationError(['EMBEDDINGS_MODEL: EMBEDDINGS_MODEL måste anges när EMBEDDINGS_URL är satt, t.ex. bge-m3']),
    );
    expect(() => loadEnvConfig({ EMBEDDINGS_URL: 'ollama:11434', EMBEDDINGS_MODEL: 'bge-m3' })).toThrow(/EMBEDDINGS_URL: EMBEDDINGS_URL måste vara en http\(s\)-adress/);
    expect(() => loadEnvConfig({ EMBEDDINGS_MODEL: 'bge-m3' })).toThrow(/EMBEDDINGS_MODEL: gäller bara tillsammans med EMBEDDINGS_URL/);
    expect(() => loadEnvConfig({ EMBEDDINGS_URL: 'http://x/v1/embeddings', EMBEDDINGS_MODEL: 'bge-m3', EMBEDDINGS_TIMEOUT_MS: '10' })).toThrow(/EMBEDDINGS_TIMEOUT_MS måste vara minst 100/);
  });

  it('keeps sign-in attempts 30 days unless LOGIN_ATTEMPT_RETENTION_DAYS says otherwise, from 1 to 365 whole days', () => {
    expect(loadEnvConfig({}).LOGIN_ATTEMPT_RETENTION_DAYS).toBe(30);
    expect(loadEnvConfig({ LOGIN_ATTEMPT_RETENTION_DAYS: '1' }).LOGIN_ATTEMPT_RETENTION_DAYS).toBe(1);
    expect(loadEnvConfig({ LOGIN_ATTEMPT_RETENTION_DAYS: ' 365 ' }).LOGIN_ATTEMPT_RETENTION_DAYS).toBe(365);
    const problem = (value: string): string[] => {
      try {
        loadEnvConfig({ LOGIN_ATTEMPT_RETENTION_DAYS: value });
      } catch (error) {
        return (error as EnvValidationError).problems;
      }
      throw new Error(`${value} borde ha avvisats`);
    };
    expect(problem('0')).toEqual(['LOGIN_ATTEMPT_RETENTION_DAYS: LOGIN_ATTEMPT_RETENTION_DAYS måste vara minst 1']);
    expect(problem('-5')).toEqual(['LOGIN_ATTEMPT_RETENTION_DAYS: LOGIN_ATTEMPT_RETENTION_DAYS måste vara minst 1']);
    expect(problem('366')).toEqual(['LOGIN_ATTEMPT_RETENTION_DAYS: LOGIN_ATTEMPT_RETENTION_DAYS får vara högst 365']);
    for (const bad of ['30d', '1.5', 'trettio']) {
      expect(problem(bad)).toEqual(['LOGIN_ATTEMPT_RETENTION_DAYS: LOGIN_ATTEMPT_RETENTION_DAYS måste vara ett heltal (dagar)']);
    }
  });

  it('demands a real secret in production', () => {
    expect(() => loadEnvConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@y/z' })).toThrow(/APP_SECRET: måste sättas/);
  });
});
