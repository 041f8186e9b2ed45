import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a delprojektledare last opened a report, so the queue and the start page can say "Nytt meddelande" when
 * the reporter has written to the delprojekt since (the lead's side of deviation_reporter_view). One row per
 * report and lead, updated on each view; each lead's mark is their own. Messages from reporters that already
 * exist count as seen now by the delprojekt's leads, so nothing old shows as new on the day this ships.
 */
export class DeviationLeadView1763900001910 implements MigrationInterface {
  name = 'DeviationLeadView1763900001910';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE deviation_lead_view (
        deviation_id uuid NOT NULL REFERENCES deviation(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
        last_viewed_at timestamptz NOT NULL,
        PRIMARY KEY (deviation_id, user_id)
      )`);
    await queryRunner.query(`
      INSERT INTO deviation_lead_view (deviation_id, user_id, last_viewed_at)
      SELECT DISTINCT d.id, u.id, now()
        FROM deviation d
        JOIN deviation_comment c ON c.deviation_id = d.id AND c.visibility = 'reporter' AND c.author_id = d.reporter_id
        JOIN app_user u ON u.subproject_id = d.subproject_id AND u.role = 'lead'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE deviation_lead_view`);
  }
}
