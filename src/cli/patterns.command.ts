import { BarrierService } from '../modules/barrier/barrier.service';
import { PatternsJob } from '../modules/barrier/jobs/patterns.job';
import { PatternsService } from '../modules/barrier/patterns.service';
import { CliCommand, CliUsageError, parseOptions, withAppContext } from './cli-command';

/** Runs the pattern analysis now (as the nightly job does), in a slot of its own. */
export const patternsRunCommand: CliCommand = {
  name: 'patterns run',
  usage: 'patterns run [--full]',
  description: 'Kör mönsteranalysen (strukturella hinder) nu; --full tvingar en full körning',
  async run(args, context) {
    const { options } = parseOptions(args);
    return withAppContext(context, async (app) => {
      const { outcome, summary } = await app.get(PatternsJob).runNow(options.has('full') ? 'full' : 'auto');
      if (outcome.status === 'skipped') {
        context.stderr.write('Mönsteranalysen körs redan av en annan instans. Försök igen när den är klar.\n');
        return 1;
      }
      if (outcome.status === 'failed') {
        context.stderr.write(`Mönsteranalysen misslyckades: ${outcome.error}\n`);
        return 1;
      }
      context.stdout.write(`${summary ? PatternsService.describe(summary) : (outcome.summary ?? 'Klart.')}\n`);
      return 0;
    });
  },
};

/** One JSON line per deviation: its external id and its barrier (cluster), null when it is part of none. */
export const exportBarriersCommand: CliCommand = {
  name: 'export barriers',
  usage: 'export barriers --format jsonl',
  description: 'Skriver varje avvikelses hinder (cluster) som JSONL till standard ut',
  async run(args, context) {
    if (parseOptions(args).options.get('format') !== 'jsonl') throw new CliUsageError('Ange --format jsonl.');
    await withAppContext(context, async (app) => {
      for await (const batch of app.get(BarrierService).assignments()) {
        const chunk = batch.map((row) => `${JSON.stringify({ externalId: row.externalId, cluster: row.cluster })}\n`).join('');
        if (!context.stdout.write(chunk)) await new Promise((resolve) => context.stdout.once('drain', resolve));
      }
    });
    return 0;
  },
};
