import { Column, Entity, OneToMany, Relation } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';
import { Subproject } from './subproject.entity';

/** Samordningsförbund. */
@Entity('federation')
export class Federation extends AppBaseEntity {
  @Column({ type: 'text', unique: true })
  name: string;

  @OneToMany(() => Subproject, (subproject) => subproject.federation)
  subprojects?: Relation<Subproject[]>;
}
