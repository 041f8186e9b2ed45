import { DigestJob } from '../modules/digest/digest.job';
import { CliCommand, CliUsageError, withAppContext } from './cli-command';

/** Sends this week's digest now, e.g. to check the settings; whoever already got this week's digest gets nothing. */
export const digestRunCommand: CliCommand = {
  name: 'digest run',
  usage: 'digest run',
  description: 'Skickar veckosammanfattningen nu (samma innehåll som det veckovisa jobbet; ingen får samma veckas sammanfattning två gånger)',
  async run(args, context) {
    if (args.length > 0) throw new CliUsageError(`Okänt argument: ${args.join(' ')}`);
    return withAppContext(context, async (app) => {
      const { outcome } = await app.get(DigestJob).runNow();
      if (outcome.status === 'succeeded') {
        context.stdout.write(`Veckosammanfattning: ${outcome.summary ?? 'klart'}. E-posten skickas av utkorgen (npm run cli -- mail send skickar den direkt).\n`);
        return 0;
      }
      if (outcome.status === 'skipped') {
        context.stderr.write('Veckosammanfattningen körs redan av en annan instans just nu. Försök igen om en stund.\n');
        return 1;
      }
      context.stderr.write(`Veckosammanfattningen misslyckades: ${outcome.error}\n`);
      return 1;
    });
  },
};
