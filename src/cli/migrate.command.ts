import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../database/data-source.options';
import { CliCommand } from './cli-command';

/** Migrations already ran when the CLI opened the database; this reports the state. */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: 'migrate',
  description: 'Kör databasmigreringar som inte körts (under advisory lock)',
  async run(_args, context) {
    const dataSource = new DataSource(buildDataSourceOptions({ url: context.database.url, poolSize: 1 }));
    await dataSource.initialize();
    try {
      const rows = (await dataSource.query(`SELECT name FROM schema_migration ORDER BY id`)) as Array<{ name: string }>;
      context.stdout.write(`Databasen är migrerad (${rows.length} migreringar):\n${rows.map((r) => `  ${r.name}`).join('\n')}\n`);
    } finally {
      await dataSource.destroy();
    }
    return 0;
  },
};
