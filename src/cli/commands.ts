import { CliCommand } from './cli-command';
import { migrateCommand } from './migrate.command';
import { userCreateCommand } from './user-create.command';

/** Every CLI command; a feature adds its own here. */
export const CLI_COMMANDS: CliCommand[] = [migrateCommand, userCreateCommand];
