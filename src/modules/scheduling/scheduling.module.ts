import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { JobRun } from './job-run.entity';
import { JobRunner } from './job-runner';

/**
 * Exclusive scheduled jobs: import this module and inject JobRunner (see its comment).
 * The timers themselves (@Cron from @nestjs/schedule) fire only when SCHEDULER_ENABLED is 'true',
 * because AppModule adds ScheduleModule.forRoot() only then.
 */
@Module({
  imports: [TypeOrmModule.forFeature([JobRun])],
  providers: [JobRunner],
  exports: [JobRunner],
})
export class SchedulingModule {}
