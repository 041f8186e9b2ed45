import { Column, Entity } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';
import { DeviationParty } from '../deviation/deviation.constants';
import { BarrierNameSource, BarrierStatus } from './barrier.constants';

/** Strukturellt hinder: a recurring cause behind deviations in several kommuner. Its id is stable across engine runs. */
@Entity('barrier')
export class Barrier extends AppBaseEntity {
  /** The engine's key for it in the last run that placed reports here. */
  @Column({ type: 'text', nullable: true })
  engineKey: string | null;

  @Column({ type: 'text' })
  name: string;

  /** 'analyst': set by hand and never replaced by a generated one. */
  @Column({ type: 'text', default: 'generated' })
  nameSource: BarrierNameSource;

  /**
   * When a generated name stopped following the terms (see GENERATED_NAME_FOLLOWS_SQL): once the analyst has opened
   * or changed the barrier, or it was confirmed, escalated or mailed, its name is what people know it by.
   */
  @Column({ type: 'timestamptz', nullable: true })
  nameKeptAt: Date | null;

  /** When a full run left it without reports (status upplöst or sammanslagen by the run). */
  @Column({ type: 'timestamptz', nullable: true })
  dissolvedAt: Date | null;

  /** Its reports just before that run, so the analyst can put them back ("Återställ hindret"). */
  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  dissolvedMemberIds: string[];

  @Column({ type: 'text', default: 'foreslagen' })
  status: BarrierStatus;

  @Column({ type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  confirmedById: string | null;

  /** Why it was escalated, in Swedish. */
  @Column({ type: 'text', nullable: true })
  escalationReason: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  escalatedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  mergedIntoId: string | null;

  /** Characteristic terms, most characteristic first. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  terms: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  parties: DeviationParty[];

  @Column({ type: 'integer', default: 0 })
  memberCount: number;

  /** Kommun name → number of member reports. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  municipalityCounts: Record<string, number>;

  /** Delprojekt name → number of member reports. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  subprojectCounts: Record<string, number>;

  /** YYYY-MM-DD: when the earliest and latest member report happened. */
  @Column({ type: 'date', nullable: true })
  periodFrom: string | null;

  @Column({ type: 'date', nullable: true })
  periodTo: string | null;

  /** A local fix: the start of the Swedish day it took effect; the overview compares reports before and after. */
  @Column({ type: 'timestamptz', nullable: true })
  localFixAt: Date | null;

  /** What was done, in Swedish, e.g. "Rutin för gemensamt samtycke införd i Haninge". */
  @Column({ type: 'text', nullable: true })
  localFixNote: string | null;

  /** Who recorded the local fix, and when. */
  @Column({ type: 'uuid', nullable: true })
  localFixById: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  localFixRecordedAt: Date | null;

  /** The engine's serialized description of the barrier, for placing new reports incrementally. */
  @Column({ type: 'jsonb', nullable: true, select: false })
  model: unknown;
}
