import { Column, Entity } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';

export type JobRunStatus = 'running' | 'succeeded' | 'failed';

/** A scheduled job's run for one slot. A failed slot may run again (attempts counts the tries). */
@Entity('job_run')
export class JobRun extends AppBaseEntity {
  @Column({ type: 'text' })
  jobName: string;

  @Column({ type: 'text' })
  slot: string;

  @Column({ type: 'text' })
  status: JobRunStatus;

  @Column({ type: 'integer', default: 1 })
  attempts: number;

  @Column({ type: 'timestamptz' })
  startedAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  summary: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
