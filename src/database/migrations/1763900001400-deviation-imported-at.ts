import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When an imported report came into this system. Its deadlines (accept, resolve) count from then, not
 * from its original reported_at in the earlier system, so an import of old open reports is not overdue
 * on import day, and is reminded like any other report once the import-based deadlines pass.
 *
 * Null exactly for reports filed here (external_id is set only by the import); the check keeps an
 * imported report from ever falling back to counting from its original date. Existing imported rows get
 * the moment they were imported: the 'imported' audit event, written in the import's own transaction
 * (created_at holds the same moment, as a fallback should an event be missing).
 */
export class DeviationImportedAt1763900001400 implements MigrationInterface {
  name = 'DeviationImportedAt1763900001400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE deviation ADD COLUMN imported_at timestamptz`);
    await queryRunner.query(`
      UPDATE deviation d
         SET imported_at = COALESCE(
               (SELECT min(e.created_at) FROM deviation_event e WHERE e.deviation_id = d.id AND e.kind = 'imported'),
               d.created_at)
       WHERE d.external_id IS NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE deviation ADD CONSTRAINT deviation_imported_at_check
        CHECK ((external_id IS NULL) = (imported_at IS NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE deviation DROP CONSTRAINT deviation_imported_at_check`);
    await queryRunner.query(`ALTER TABLE deviation DROP COLUMN imported_at`);
  }
}
