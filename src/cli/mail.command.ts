import { MailOutboxService } from '../modules/mail/mail-outbox.service';
import { MailOutboxWorker, MailPassResult } from '../modules/mail/mail-outbox.worker';
import { CliCommand, CliContext, CliUsageError, parseOptions, withAppContext } from './cli-command';

function report(result: MailPassResult, context: CliContext): number {
  context.stdout.write(
    `Skickade: ${result.sent}. Försöks igen senare: ${result.retrying}. Misslyckades slutgiltigt: ${result.failed}. Sparade utan att skickas (ingen SMTP_URL): ${result.kept}.\n`,
  );
  return result.retrying + result.failed > 0 ? 1 : 0;
}

/** One pass over the outbox now, e.g. after an SMTP outage, instead of waiting for the worker's timer. */
export const mailSendCommand: CliCommand = {
  name: 'mail send',
  usage: 'mail send',
  description: 'Skickar e-post som väntar i utkorgen (en omgång)',
  async run(_args, context) {
    return withAppContext(context, async (app) => report(await app.get(MailOutboxWorker).processDueNow(), context));
  },
};

/** Checks the SMTP settings end to end: queues a test mail and sends it. */
export const mailTestCommand: CliCommand = {
  name: 'mail test',
  usage: 'mail test --to ADRESS',
  description: 'Skickar ett testmeddelande för att pröva e-postinställningarna',
  async run(args, context) {
    const to = parseOptions(args).options.get('to');
    if (!to || to === 'true') throw new CliUsageError('--to saknas.');
    return withAppContext(context, async (app) => {
      await app.get(MailOutboxService).enqueue({ to: [to], template: 'test-notice', context: { label: 'kommandoraden' } });
      return report(await app.get(MailOutboxWorker).processDueNow(), context);
    });
  },
};
