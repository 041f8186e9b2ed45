import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const DEVIATION_EVENT_KINDS = [
  'filed',
  'imported',
  'accepted',
  'investigation_started',
  'resolved',
  'escalated',
  'closed',
  'reopened',
  'assigned',
  'moved',
  'note_added',
  'reply_added',
] as const;
export type DeviationEventKind = (typeof DEVIATION_EVENT_KINDS)[number];

/**
 * One line of a deviation's audit log: who did what when, with the changed fields before and after.
 * Append-only: a database trigger rejects UPDATE, DELETE and TRUNCATE, so there is no updatedAt.
 */
@Entity('deviation_event')
export class DeviationEvent {
  /** Identity column: orders events that share a timestamp within one transaction. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid' })
  deviationId: string;

  /** Null for imports and the system. */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text' })
  kind: DeviationEventKind;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
