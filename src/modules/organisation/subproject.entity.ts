import { Column, Entity, JoinColumn, ManyToOne, OneToMany, Relation } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';
import { Federation } from './federation.entity';
import { Municipality } from './municipality.entity';

/** Delprojekt: the local subproject that owns the deviations of its kommuner. */
@Entity('subproject')
export class Subproject extends AppBaseEntity {
  /** Unique ignoring case and surrounding spaces: the index subproject_name_lower_key (migration 1763900001300). */
  @Column({ type: 'text' })
  name: string;

  /** Retired ("avvecklad"): kept for history, offered for nothing new. Null while in use. */
  @Column({ type: 'timestamptz', nullable: true })
  deactivatedAt: Date | null;

  @Column({ type: 'uuid' })
  federationId: string;

  @ManyToOne(() => Federation, (federation) => federation.subprojects, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'federation_id' })
  federation?: Relation<Federation>;

  @OneToMany(() => Municipality, (municipality) => municipality.subproject)
  municipalities?: Relation<Municipality[]>;
}
