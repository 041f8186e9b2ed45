import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailController } from './mail.controller';
import { MailOutbox } from './mail-outbox.entity';
import { MailOutboxService } from './mail-outbox.service';
import { MailOutboxWorker } from './mail-outbox.worker';
import { MailTransport } from './mail-transport';

/** E-mail through the outbox. Import it and inject MailOutboxService to queue a mail. */
@Module({
  imports: [TypeOrmModule.forFeature([MailOutbox])],
  controllers: [MailController],
  providers: [MailOutboxService, MailTransport, MailOutboxWorker],
  exports: [MailOutboxService, MailOutboxWorker],
})
export class MailModule {}
