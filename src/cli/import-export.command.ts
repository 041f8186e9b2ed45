import { readFile } from 'node:fs/promises';
import { DomainError } from '../common/errors/domain-error';
import { checkExportPeriod, ImportExportService, describeMasked } from '../modules/import-export/import-export.service';
import { decodeImportFile } from '../modules/import-export/import-decoding';
import { formatFromFileName, ImportFormat } from '../modules/import-export/import-parser';
import { CliCommand, CliUsageError, parseOptions, withAppContext } from './cli-command';

export const importCommand: CliCommand = {
  name: 'import',
  usage: 'import FIL [--format jsonl|csv] [--add-municipalities]',
  description: 'Läser in avvikelser (JSONL eller CSV); idempotent på externalId. --add-municipalities lägger först till kommuner som filen nämner men organisationen saknar, var och en i ett eget delprojekt',
  async run(args, context) {
    const { positional, options } = parseOptions(args);
    // A flag without a value: in "--add-municipalities FIL" the word after it is the file.
    const flag = options.get('add-municipalities');
    if (flag !== undefined && flag !== 'true') positional.unshift(flag);
    const addMunicipalities = flag !== undefined;
    const file = positional[0];
    if (!file) throw new CliUsageError('Ange filen som ska läsas in.');
    const requested = options.get('format');
    const format: ImportFormat | null = requested === 'jsonl' || requested === 'csv' ? requested : requested ? null : formatFromFileName(file);
    if (!format) throw new CliUsageError('Kan inte avgöra formatet: ange --format jsonl eller --format csv.');
    let text: string;
    try {
      text = decodeImportFile(await readFile(file));
    } catch {
      context.stderr.write(`Filen ${file} kan inte läsas.\n`);
      return 1;
    }
    const summary = await withAppContext(context, async (app) => {
      const service = app.get(ImportExportService);
      const added = addMunicipalities ? await service.addMissingMunicipalities(text, format) : [];
      if (added.length > 0) context.stdout.write(`Nya kommuner, var och en i ett eget delprojekt (flytta dem under /admin/organisation): ${added.join(', ')}.\n`);
      return service.importText(text, format);
    });
    context.stdout.write(
      `Läste ${summary.lines} rader ur ${file}: ${summary.created} nya, ${summary.existing} fanns redan, ${summary.rejected.length} avvisade.\n` +
        `Personuppgifter maskerade (${summary.reportsWithPersonalData} rapporter): ${describeMasked(summary.maskedPersonalData)}.\n`,
    );
    for (const problem of summary.rejected) context.stdout.write(`Rad ${problem.line}: ${problem.reason}\n`);
    if (!addMunicipalities && summary.rejected.some((problem) => problem.reason.includes('finns inte i organisationen'))) {
      context.stdout.write('Kommuner som saknas läggs till av en administratör, eller med --add-municipalities (var och en i ett eget delprojekt).\n');
    }
    return summary.rejected.length ? 1 : 0;
  },
};

export const exportCommand: CliCommand = {
  name: 'export deviations',
  usage: 'export deviations --format jsonl|csv [--from D] [--to D]',
  description: 'Skriver alla avvikelser till standard ut',
  async run(args, context) {
    const { options } = parseOptions(args);
    const format = options.get('format');
    if (format !== 'jsonl' && format !== 'csv') throw new CliUsageError('Ange --format jsonl eller --format csv.');
    const period = { from: options.get('from'), to: options.get('to') };
    try {
      checkExportPeriod(period);
    } catch (error) {
      if (error instanceof DomainError) throw new CliUsageError(error.message);
      throw error;
    }
    await withAppContext(context, async (app) => {
      for await (const chunk of app.get(ImportExportService).exportDeviations(format, period)) {
        if (!context.stdout.write(chunk)) await new Promise((resolve) => context.stdout.once('drain', resolve));
      }
    });
    return 0;
  },
};
