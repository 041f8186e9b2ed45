import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in failures are now counted per e-mail and client address together, and a successful sign-in
 * clears that pair's earlier failures: `cleared_at` says when, so the rows stay for looking into what
 * happened instead of being deleted. Old rows have no `cleared_at` and count as before (they age out of
 * the 15-minute window anyway). Counting by e-mail and by address keeps using the two existing indexes.
 */
export class LoginAttemptCleared1763900001620 implements MigrationInterface {
  name = 'LoginAttemptCleared1763900001620';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE login_attempt ADD COLUMN cleared_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE login_attempt DROP COLUMN cleared_at`);
  }
}
