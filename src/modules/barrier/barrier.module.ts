import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailModule } from '../mail/mail.module';
import { SchedulingModule } from '../scheduling/scheduling.module';
import { BarrierController } from './barrier.controller';
import { Barrier } from './barrier.entity';
import { BarrierExclusion } from './barrier-exclusion.entity';
import { BarrierLetterHook } from './barrier-letter.hook';
import { BarrierMember } from './barrier-member.entity';
import { BarrierNotifier } from './barrier-notifier';
import { BarrierRedaction } from './barrier-redaction.service';
import { BarrierService } from './barrier.service';
import { BarrierStore } from './barrier-store';
import { PatternsJob } from './jobs/patterns.job';
import { PatternEngine } from './pattern-engine.port';
import { EnginePatternEngine } from './pattern-engine.adapter';
import { PatternsService } from './patterns.service';
import { ThesaurusEntry } from './thesaurus-entry.entity';
import { ThesaurusService } from './thesaurus.service';
import { AppConfigService } from '../../config/app-config.service';
import { EmbeddingsProvider } from './embeddings/embeddings-provider';
import { embeddingsProviderFor } from './embeddings/embeddings-provider.factory';
import { ReportMeaningService } from './embeddings/report-meaning.service';

/**
 * Strukturella hinder: the pattern engine's barriers, the analyst's pages, escalation and the nightly job.
 * Other modules inject BarrierService (e.g. barrierNoticeFor on a report's page) and BarrierLetterHook
 * (the letter module registers its drafter there).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Barrier, BarrierMember, BarrierExclusion, ThesaurusEntry]), MailModule, SchedulingModule],
  controllers: [BarrierController],
  providers: [
    BarrierService,
    BarrierStore,
    BarrierNotifier,
    BarrierLetterHook,
    BarrierRedaction,
    ThesaurusService,
    PatternsService,
    PatternsJob,
    { provide: PatternEngine, useClass: EnginePatternEngine },
    // None unless EMBEDDINGS_URL is set: the engine then reads words only, as it always has.
    { provide: EmbeddingsProvider, useFactory: (config: AppConfigService) => embeddingsProviderFor(config.env), inject: [AppConfigService] },
    ReportMeaningService,
  ],
  exports: [BarrierService, BarrierLetterHook, BarrierRedaction, PatternsService, PatternsJob, ThesaurusService],
})
export class BarrierModule {}
