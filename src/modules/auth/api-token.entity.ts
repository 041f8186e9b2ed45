import { Column, Entity, Index } from 'typeorm';
import { AppBaseEntity } from '../../database/base.entity';

/** A bearer token for integrations. Shown once; only its SHA-256 is stored. */
@Entity('api_token')
export class ApiToken extends AppBaseEntity {
  @Column({ type: 'text' })
  name: string;

  @Index({ unique: true })
  @Column({ type: 'text' })
  tokenHash: string;

  /** First characters, so a user can tell tokens apart without the secret. */
  @Column({ type: 'text' })
  prefix: string;

  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
