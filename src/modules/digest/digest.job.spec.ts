import { Clock } from '../../common/clock/clock';
import { AppConfigService } from '../../config/app-config.service';
import { loadEnvConfig } from '../../config/env.config';
import { JobRunner } from '../scheduling/job-runner';
import { DigestJob } from './digest.job';
import { DigestService } from './digest.service';

function jobWith(env: Record<string, string>): DigestJob {
  const config = new AppConfigService(loadEnvConfig({ NODE_ENV: 'test', SCHEDULER_ENABLED: 'false', ...env }), 'postgres://localhost/x', false);
  // Bootstrap only reads the configuration; nothing else is touched.
  return new DigestJob({} as JobRunner, {} as DigestService, new Clock(), config);
}

describe('the digest job', () => {
  it('runs on Monday 07:00 unless DIGEST_CRON says otherwise', () => {
    expect(loadEnvConfig({}).DIGEST_CRON).toBe('0 7 * * 1');
    expect(loadEnvConfig({ DIGEST_CRON: '30 6 * * 5' }).DIGEST_CRON).toBe('30 6 * * 5');
    expect(() => loadEnvConfig({ DIGEST_CRON: 'varje måndag' })).toThrow('DIGEST_CRON måste vara ett cron-uttryck');
  });

  it('stops the start-up on a DIGEST_CRON the scheduler cannot read, naming the variable', () => {
    expect(() => jobWith({ DIGEST_CRON: '0 7 * * 9' }).onApplicationBootstrap()).toThrow('DIGEST_CRON: "0 7 * * 9" är inte ett giltigt cron-uttryck');
    expect(() => jobWith({}).onApplicationBootstrap()).not.toThrow();
  });
});
