import { Column, Entity, OneToMany, Relation } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';
import { Subproject } from './subproject.entity';

/** Samordningsförbund. */
@Entity('federation')
export class Federation extends AppBaseEntity {
  /** Unique ignoring case and surrounding spaces: the index federation_name_lower_key (migration 1763900001300). */
  @Column({ type: 'text' })
  name: string;

  /** Retired ("avvecklad"): kept for history, offered for nothing new. Null while in use. */
  @Column({ type: 'timestamptz', nullable: true })
  deactivatedAt: Date | null;

  @OneToMany(() => Subproject, (subproject) => subproject.federation)
  subprojects?: Relation<Subproject[]>;
}
