import { Column, Entity, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';
import { Subproject } from './subproject.entity';

/** Kommun. Which delprojekt it belongs to is data: an admin can move it. */
@Entity('municipality')
export class Municipality extends AppBaseEntity {
  @Column({ type: 'text', unique: true })
  name: string;

  @Column({ type: 'uuid' })
  subprojectId: string;

  @ManyToOne(() => Subproject, (subproject) => subproject.municipalities, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'subproject_id' })
  subproject?: Relation<Subproject>;
}
