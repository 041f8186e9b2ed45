import { LoginAttemptRetentionJob } from '../modules/auth/login-attempt-retention.job';
import { CliCommand, CliUsageError, withAppContext } from './cli-command';

/** Deletes old sign-in attempts now, e.g. right after lowering LOGIN_ATTEMPT_RETENTION_DAYS. */
export const loginAttemptRetentionRunCommand: CliCommand = {
  name: 'login-attempt-retention run',
  usage: 'login-attempt-retention run',
  description: 'Tar bort inloggningsförsök äldre än LOGIN_ATTEMPT_RETENTION_DAYS nu (samma regel som det nattliga jobbet)',
  async run(args, context) {
    if (args.length > 0) throw new CliUsageError(`Okänt argument: ${args.join(' ')}`);
    return withAppContext(context, async (app) => {
      const { outcome } = await app.get(LoginAttemptRetentionJob).runNow();
      if (outcome.status === 'succeeded') {
        context.stdout.write(`Gallring: ${outcome.summary ?? 'klart'}.\n`);
        return 0;
      }
      if (outcome.status === 'skipped') {
        context.stderr.write('Gallringen av inloggningsförsök körs redan av en annan instans just nu. Försök igen om en stund.\n');
        return 1;
      }
      context.stderr.write(`Gallringen av inloggningsförsök misslyckades: ${outcome.error}\n`);
      return 1;
    });
  },
};
