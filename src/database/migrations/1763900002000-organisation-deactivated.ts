import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A förbund, delprojekt or kommun can be retired ("Avveckla") when it has history: it stays, so old reports, lists,
 * filters and exports still name it, but it takes no new reports, users or kommuner. Null: in use. A unit nothing
 * refers to is deleted instead. Down drops the columns: retired units are then in use again.
 */
export class OrganisationDeactivated1763900002000 implements MigrationInterface {
  name = 'OrganisationDeactivated1763900002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['federation', 'subproject', 'municipality']) {
      await queryRunner.query(`ALTER TABLE ${table} ADD COLUMN deactivated_at timestamptz`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['municipality', 'subproject', 'federation']) {
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN deactivated_at`);
    }
  }
}
