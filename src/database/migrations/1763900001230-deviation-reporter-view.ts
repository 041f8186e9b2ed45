import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a reporter last opened their own report, so "Mina avvikelser" can say "Nytt svar" when the
 * delprojekt has written to them since. One row per report and reporter, updated on each view.
 * Reports that already have messages to the reporter count as seen now, so nothing old shows as new
 * on the day this ships.
 */
export class DeviationReporterView1763900001230 implements MigrationInterface {
  name = 'DeviationReporterView1763900001230';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE deviation_reporter_view (
        deviation_id uuid NOT NULL REFERENCES deviation(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        last_viewed_at timestamptz NOT NULL,
        PRIMARY KEY (deviation_id, user_id)
      )`);
    await queryRunner.query(`
      INSERT INTO deviation_reporter_view (deviation_id, user_id, last_viewed_at)
      SELECT DISTINCT d.id, d.reporter_id, now()
        FROM deviation d
        JOIN deviation_comment c ON c.deviation_id = d.id AND c.visibility = 'reporter' AND c.author_id <> d.reporter_id
       WHERE d.reporter_id IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE deviation_reporter_view`);
  }
}
