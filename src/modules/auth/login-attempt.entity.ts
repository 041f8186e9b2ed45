import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Kept in Postgres so the sign-in rate limit holds across app instances. */
@Entity('login_attempt')
export class LoginAttempt {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  email: string;

  /** The client as counted (clientKey): the IPv4 address, or the /64 network of an IPv6 address. */
  @Column({ type: 'text' })
  ip: string;

  /** Written false before the password is checked and set true on success, so attempts in flight count. */
  @Column({ type: 'boolean' })
  succeeded: boolean;

  /** From the app's Clock (not the database's now()), so the window can be tested with a fixed clock. */
  @Column({ type: 'timestamptz' })
  createdAt: Date;

  /** When a successful sign-in of the same e-mail and client cleared this failure; it no longer counts. */
  @Column({ type: 'timestamptz', nullable: true })
  clearedAt: Date | null;
}
