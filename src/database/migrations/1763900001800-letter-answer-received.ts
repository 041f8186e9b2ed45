import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The day the recipient's answer arrived, beside `answered_at` (when it was registered here): an answer that came by
 * post on Monday and was registered on Friday arrived on Monday, as a letter's "Skickad den" is the day it left.
 * Answers registered before this have only their registration, so its Swedish day stands in for the arrival.
 * A registered answer always has the day.
 */
export class LetterAnswerReceived1763900001800 implements MigrationInterface {
  name = 'LetterAnswerReceived1763900001800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE letter ADD COLUMN answer_received_on date`);
    await queryRunner.query(`UPDATE letter SET answer_received_on = (answered_at AT TIME ZONE 'Europe/Stockholm')::date WHERE answered_at IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE letter ADD CONSTRAINT letter_answered_has_received_on CHECK (status <> 'besvarad' OR answer_received_on IS NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE letter DROP CONSTRAINT letter_answered_has_received_on`);
    await queryRunner.query(`ALTER TABLE letter DROP COLUMN answer_received_on`);
  }
}
