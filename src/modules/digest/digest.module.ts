import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module';
import { OrganisationModule } from '../organisation/organisation.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { DigestJob } from './digest.job';
import { DigestService } from './digest.service';

/** The weekly digest for leads and analysts. */
@Module({
  imports: [MailModule, SchedulingModule, OrganisationModule],
  providers: [DigestService, DigestJob],
  exports: [DigestJob, DigestService],
})
export class DigestModule {}
