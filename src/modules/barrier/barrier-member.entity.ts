import { Column, Entity } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';
import { BarrierMemberSource } from './barrier.constants';

/** A deviation's place in a barrier (at most one per deviation), with why it belongs there. */
@Entity('barrier_member')
export class BarrierMember extends AppBaseEntity {
  @Column({ type: 'uuid' })
  barrierId: string;

  @Column({ type: 'uuid' })
  deviationId: string;

  /** Swedish, one point per element: the terms and parties it shares with the barrier. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  reason: string[];

  /** How firmly the pattern run found it anchored in the barrier (0-15, low: worth a look); null when no run has scored it. */
  @Column({ type: 'real', nullable: true })
  anchoring: number | null;

  /** A barrier the last full run found would anchor it far better (a suggestion for the analyst), and its anchoring there. */
  @Column({ type: 'uuid', nullable: true })
  betterBarrierId: string | null;

  @Column({ type: 'real', nullable: true })
  betterAnchoring: number | null;

  /** Confirmed by the analyst: the engine never moves it, and uses it to place future reports. */
  @Column({ type: 'boolean', default: false })
  confirmedByAnalyst: boolean;

  @Column({ type: 'text' })
  source: BarrierMemberSource;
}
