import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `name_kept_at`: when a generated barrier name stopped following the barrier's terms (the analyst opened or changed
 * the barrier, it was confirmed, escalated and mailed, or put in a digest). Before then a run or an analyst's change
 * may rename it; after, only the analyst does. Barriers confirmed, escalated or with a letter already keep theirs.
 * `dissolved_at` and `dissolved_member_ids`: when a full run left the barrier without reports, and which reports it had
 * just before, so /hinder can say what dissolved and the analyst can put the reports back.
 */
export class BarrierNameKept1763900002030 implements MigrationInterface {
  name = 'BarrierNameKept1763900002030';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE barrier
        ADD COLUMN name_kept_at timestamptz,
        ADD COLUMN dissolved_at timestamptz,
        ADD COLUMN dissolved_member_ids uuid[] NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`
      UPDATE barrier b SET name_kept_at = b.updated_at
       WHERE b.name_source = 'generated'
         AND (b.status <> 'foreslagen' OR b.confirmed_at IS NOT NULL OR EXISTS (SELECT 1 FROM letter l WHERE l.barrier_id = b.id))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE barrier DROP COLUMN dissolved_member_ids, DROP COLUMN dissolved_at, DROP COLUMN name_kept_at`);
  }
}
