import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailOutbox } from './mail-outbox.entity';
import { MailOutboxService } from './mail-outbox.service';

/** E-mail through the outbox. Import it and inject MailOutboxService to queue a mail. */
@Module({
  imports: [TypeOrmModule.forFeature([MailOutbox])],
  providers: [MailOutboxService],
  exports: [MailOutboxService],
})
export class MailModule {}
