import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which overdue reports were reminded about, and when: one row per report, kind and Swedish day.
 * The unique key is what makes "at most once per kind per day" hold even if two runs overlap, and the
 * latest reminded_on per (report, kind) decides when the next reminder is due.
 */
export class DeviationReminder1763900000600 implements MigrationInterface {
  name = 'DeviationReminder1763900000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE deviation_reminder (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        deviation_id uuid NOT NULL REFERENCES deviation(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('not_accepted', 'not_resolved')),
        reminded_on date NOT NULL,
        days_overdue integer NOT NULL CHECK (days_overdue >= 0),
        recipient_count integer NOT NULL CHECK (recipient_count >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT deviation_reminder_once_a_day UNIQUE (deviation_id, kind, reminded_on)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE deviation_reminder`);
  }
}
