import { Column, CreateDateColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One line of an append-only log (a deviation's, a letter's): who did what when, with what changed
 * before and after. A database trigger on each table rejects UPDATE, DELETE and TRUNCATE, so there is no
 * updatedAt and no AppBaseEntity. Subclasses add the column of what the line is about.
 */
export abstract class AppendOnlyEvent<Kind extends string> {
  /** Identity column: orders events that share a timestamp within one transaction. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** Null for imports, the system and scheduled jobs. */
  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text' })
  kind: Kind;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
