import { Column, Entity } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';

/** The analyst moved this report out of this barrier: the engine never puts it back. */
@Entity('barrier_exclusion')
export class BarrierExclusion extends AppBaseEntity {
  @Column({ type: 'uuid' })
  barrierId: string;

  @Column({ type: 'uuid' })
  deviationId: string;

  @Column({ type: 'uuid', nullable: true })
  excludedById: string | null;
}
