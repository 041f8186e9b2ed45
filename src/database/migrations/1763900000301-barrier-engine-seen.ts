import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which reports the pattern engine has looked at, so an incremental run places exactly the new ones.
 * Replaces the created_at mark on barrier_engine_state, which a report committed late could slip past
 * and which re-read recent one-off reports that a full run had already left out. And when a barrier's
 * draft skrivelse was last brought up to date, so only changed barriers are drafted again.
 */
export class BarrierEngineSeen1763900000301 implements MigrationInterface {
  name = 'BarrierEngineSeen1763900000301';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE barrier_engine_seen (
        -- No foreign key: 100 000 checks at a first full run cost more than an orphan row would (deviations are not deleted).
        deviation_id uuid PRIMARY KEY,
        seen_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`ALTER TABLE barrier_engine_state DROP COLUMN seen_created_at, DROP COLUMN seen_id`);
    // The barrier's updated_at when its draft was last made; a later updated_at means the draft is behind.
    await queryRunner.query(`ALTER TABLE barrier ADD COLUMN letter_synced_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE barrier DROP COLUMN letter_synced_at`);
    await queryRunner.query(`ALTER TABLE barrier_engine_state ADD COLUMN seen_created_at timestamptz, ADD COLUMN seen_id uuid`);
    await queryRunner.query(`DROP TABLE barrier_engine_seen`);
  }
}
