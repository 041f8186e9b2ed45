import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BarrierModule } from '../barrier/barrier.module';
import { LetterModule } from '../letter/letter.module';
import { MailModule } from '../mail/mail.module';
import { OrganisationModule } from '../organisation/organisation.module';
import { DeviationController } from './deviation.controller';
import { Deviation } from './deviation.entity';
import { DeviationComment } from './deviation-comment.entity';
import { DeviationEvent } from './deviation-event.entity';
import { DeviationFilingWriter } from './deviation-filing.writer';
import { DeviationNotifier } from './deviation-notifier';
import { DeviationPageController } from './deviation-page.controller';
import { DeviationRedactionService } from './deviation-redaction.service';
import { DeviationService } from './deviation.service';
import { DeviationRemindersModule } from './jobs/deviation-reminders.module';

/** Deviations: filing, routing, triage and follow-up. Import DeviationModule and inject DeviationService to build on it. */
@Module({
  imports: [TypeOrmModule.forFeature([Deviation, DeviationEvent, DeviationComment]), MailModule, DeviationRemindersModule, BarrierModule, LetterModule, OrganisationModule],
  controllers: [DeviationController, DeviationPageController],
  providers: [DeviationService, DeviationNotifier, DeviationFilingWriter, DeviationRedactionService],
  exports: [DeviationService],
})
export class DeviationModule {}
