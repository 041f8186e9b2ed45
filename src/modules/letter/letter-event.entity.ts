import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { LetterEventKind } from './letter.constants';

/**
 * One line of a letter's log: who did what when. Append-only: a database trigger rejects UPDATE,
 * DELETE and TRUNCATE. Holds field names, statuses and counts, never the letter's text.
 */
@Entity('letter_event')
export class LetterEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid' })
  letterId: string;

  /** Null for the barrier job. */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text' })
  kind: LetterEventKind;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
