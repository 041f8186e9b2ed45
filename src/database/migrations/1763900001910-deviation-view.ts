import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a user last opened a report, whatever their role: the reporter's "Nytt svar" and the delprojektledare's
 * "Nytt meddelande" both ask it (newReplyCondition, newMessageCondition), so it is one table, deviation_reporter_view
 * renamed, not a second one of the same shape. Messages from reporters that already exist count as seen now by the
 * delprojekt's leads, so nothing old shows as new on the day this ships.
 */
export class DeviationView1763900001910 implements MigrationInterface {
  name = 'DeviationView1763900001910';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE deviation_reporter_view RENAME TO deviation_view`);
    await queryRunner.query(`ALTER TABLE deviation_view RENAME CONSTRAINT deviation_reporter_view_pkey TO deviation_view_pkey`);
    await queryRunner.query(`
      INSERT INTO deviation_view (deviation_id, user_id, last_viewed_at)
      SELECT DISTINCT d.id, u.id, now()
        FROM deviation d
        JOIN deviation_comment c ON c.deviation_id = d.id AND c.visibility = 'reporter' AND c.author_id = d.reporter_id
        JOIN app_user u ON u.subproject_id = d.subproject_id AND u.role = 'lead'
      ON CONFLICT (deviation_id, user_id) DO UPDATE SET last_viewed_at = GREATEST(deviation_view.last_viewed_at, EXCLUDED.last_viewed_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Back to the reporters' views only: the rows of users who are not the report's reporter go.
    await queryRunner.query(`
      DELETE FROM deviation_view v USING deviation d
       WHERE d.id = v.deviation_id
         AND NOT (v.user_id = d.reporter_id
                  OR (d.reporter_id IS NULL AND v.user_id = (SELECT u.id FROM app_user u WHERE u.email = d.reporter_email)))`);
    await queryRunner.query(`ALTER TABLE deviation_view RENAME CONSTRAINT deviation_view_pkey TO deviation_reporter_view_pkey`);
    await queryRunner.query(`ALTER TABLE deviation_view RENAME TO deviation_reporter_view`);
  }
}
