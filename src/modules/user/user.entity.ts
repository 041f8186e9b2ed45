import { Column, Entity, JoinColumn, ManyToOne, Relation } from 'typeorm';
import { Role } from '../../common/auth/role';
import { AppBaseEntity } from '../../database/base.entity';
import { Subproject } from '../organisation/subproject.entity';

/** A person who signs in: staff, lead, analyst or admin. Never a participant. */
@Entity('app_user')
export class User extends AppBaseEntity {
  /** Stored lower-cased; unique. */
  @Column({ type: 'text', unique: true })
  email: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ type: 'uuid', nullable: true })
  subprojectId: string | null;

  @ManyToOne(() => Subproject, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'subproject_id' })
  subproject?: Relation<Subproject> | null;

  @Column({ type: 'text', select: false })
  passwordHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;
}
