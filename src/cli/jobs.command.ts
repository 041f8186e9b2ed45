import { formatDateTime } from '../common/templates/formatting';
import { JobRunner } from '../modules/scheduling/job-runner';
import { CliCommand, parseOptions, withAppContext } from './cli-command';

const STATUS_LABELS: Record<string, string> = { running: 'pågår', succeeded: 'klart', failed: 'misslyckades' };

/** The latest scheduled-job runs: which slot ran, when, and how it went. */
export const jobsListCommand: CliCommand = {
  name: 'jobs list',
  usage: 'jobs list [--job NAMN] [--limit N]',
  description: 'Visar de senaste körningarna av schemalagda jobb',
  async run(args, context) {
    const { options } = parseOptions(args);
    const limit = Math.min(Math.max(Number(options.get('limit') ?? 20) || 20, 1), 500);
    return withAppContext(context, async (app) => {
      const runs = await app.get(JobRunner).recentRuns(options.get('job'), limit);
      if (runs.length === 0) context.stdout.write('Inga körningar ännu.\n');
      for (const run of runs) {
        const outcome = run.status === 'failed' ? `: ${run.error ?? ''}` : run.summary ? `: ${run.summary}` : '';
        context.stdout.write(
          `${formatDateTime(run.startedAt)}  ${run.jobName}  ${run.slot}  ${STATUS_LABELS[run.status] ?? run.status} (försök ${run.attempts})${outcome}\n`,
        );
      }
      return 0;
    });
  },
};
