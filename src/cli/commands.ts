import { CliCommand } from './cli-command';
import { digestRunCommand } from './digest.command';
import { exportCommand, importCommand } from './import-export.command';
import { jobsListCommand } from './jobs.command';
import { loginAttemptRetentionRunCommand } from './login-attempt-retention.command';
import { mailSendCommand, mailTestCommand } from './mail.command';
import { migrateCommand } from './migrate.command';
import { exportBarriersCommand, patternsRunCommand } from './patterns.command';
import { remindersRunCommand } from './reminders.command';
import { userCreateCommand } from './user-create.command';

/** Every CLI command; a feature adds its own here. */
export const CLI_COMMANDS: CliCommand[] = [migrateCommand, userCreateCommand, mailSendCommand, mailTestCommand, jobsListCommand, importCommand, exportCommand, remindersRunCommand, patternsRunCommand, exportBarriersCommand, digestRunCommand, loginAttemptRetentionRunCommand];
