import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A local fix of a barrier: the date something was changed locally (e.g. a routine for joint consent in
 * Haninge), what was done, and who recorded it when. The overview compares the barrier's reports before
 * and after that date, as it does for a sent skrivelse.
 *
 * local_fix_at is the start of the Swedish calendar day the analyst gave, so reports filed that day count
 * as after. The four columns are set and cleared together.
 */
export class BarrierLocalFix1763900000800 implements MigrationInterface {
  name = 'BarrierLocalFix1763900000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE barrier
        ADD COLUMN local_fix_at timestamptz,
        ADD COLUMN local_fix_note text,
        ADD COLUMN local_fix_by_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        ADD COLUMN local_fix_recorded_at timestamptz,
        ADD CONSTRAINT barrier_local_fix_complete CHECK (
          (local_fix_at IS NULL AND local_fix_note IS NULL AND local_fix_by_id IS NULL AND local_fix_recorded_at IS NULL)
          OR (local_fix_at IS NOT NULL AND local_fix_note <> '' AND local_fix_recorded_at IS NOT NULL)
        )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE barrier
        DROP CONSTRAINT barrier_local_fix_complete,
        DROP COLUMN local_fix_recorded_at,
        DROP COLUMN local_fix_by_id,
        DROP COLUMN local_fix_note,
        DROP COLUMN local_fix_at`);
  }
}
