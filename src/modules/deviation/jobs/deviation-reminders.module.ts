import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../../mail/mail.module';
import { SchedulingModule } from '../../scheduling/scheduling.module';
import { DeviationReminder } from './deviation-reminder.entity';
import { DeviationRemindersJob } from './deviation-reminders.job';

/** The daily reminders about overdue deviations (imported by DeviationModule). */
@Module({
  imports: [TypeOrmModule.forFeature([DeviationReminder]), MailModule, SchedulingModule],
  providers: [DeviationRemindersJob],
  exports: [DeviationRemindersJob],
})
export class DeviationRemindersModule {}
