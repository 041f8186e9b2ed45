import { Column, Entity, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';
import { Subproject } from './subproject.entity';

/** Kommun. Which delprojekt it belongs to is data: an admin can move it. */
@Entity('municipality')
export class Municipality extends AppBaseEntity {
  /** Unique ignoring case and surrounding spaces: the index municipality_name_lower_key (migration 1763900001300). */
  @Column({ type: 'text' })
  name: string;

  /** Retired ("avvecklad"): kept for history, offered for nothing new. Null while in use. */
  @Column({ type: 'timestamptz', nullable: true })
  deactivatedAt: Date | null;

  @Column({ type: 'uuid' })
  subprojectId: string;

  @ManyToOne(() => Subproject, (subproject) => subproject.municipalities, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'subproject_id' })
  subproject?: Relation<Subproject>;
}
