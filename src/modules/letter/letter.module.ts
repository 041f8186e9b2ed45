import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BarrierModule } from '../barrier/barrier.module';
import { BarrierLetterHook } from '../barrier/barrier-letter.hook';
import { MailModule } from '../mail/mail.module';
import { LetterController } from './letter.controller';
import { Letter } from './letter.entity';
import { LetterEvent } from './letter-event.entity';
import { LetterDrafter } from './letter-drafting';
import { LetterPageController } from './letter-page.controller';
import { LetterRedaction } from './letter-redaction.service';
import { LetterService } from './letter.service';

/**
 * Skrivelser. The barrier module's patterns job drafts letters through BarrierLetterHook, where this
 * module registers LetterService at start (the barrier module cannot import this one: that would be a
 * cycle, since letters read barriers). Others may inject LetterService.upsertDraftForBarrier directly.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Letter, LetterEvent]), MailModule, BarrierModule],
  controllers: [LetterController, LetterPageController],
  providers: [LetterService, LetterDrafter, LetterRedaction],
  exports: [LetterService, LetterRedaction],
})
export class LetterModule implements OnModuleInit {
  constructor(
    private readonly letters: LetterService,
    private readonly barrierLetters: BarrierLetterHook,
  ) {}

  onModuleInit(): void {
    this.barrierLetters.register(this.letters);
  }
}
