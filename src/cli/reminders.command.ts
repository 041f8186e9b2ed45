import { DeviationRemindersJob } from '../modules/deviation/jobs/deviation-reminders.job';
import { CliCommand, CliUsageError, withAppContext } from './cli-command';

/** Runs the reminders now, e.g. to check the settings; reports already reminded today are not reminded again. */
export const remindersRunCommand: CliCommand = {
  name: 'reminders run',
  usage: 'reminders run',
  description: 'Skickar påminnelser om försenade avvikelser nu (samma regler som det dagliga jobbet)',
  async run(args, context) {
    if (args.length > 0) throw new CliUsageError(`Okänt argument: ${args.join(' ')}`);
    return withAppContext(context, async (app) => {
      const { outcome } = await app.get(DeviationRemindersJob).runNow();
      if (outcome.status === 'succeeded') {
        context.stdout.write(`Påminnelser: ${outcome.summary ?? 'klart'}. E-posten skickas av utkorgen (npm run cli -- mail send skickar den direkt).\n`);
        return 0;
      }
      if (outcome.status === 'skipped') {
        context.stderr.write('Påminnelserna körs redan av en annan instans just nu. Försök igen om en stund.\n');
        return 1;
      }
      context.stderr.write(`Påminnelserna misslyckades: ${outcome.error}\n`);
      return 1;
    });
  },
};
