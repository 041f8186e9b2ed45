import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Numbers in a letter's text that look like a mistyped personnummer and that the analyst has said are not one
 * ("Det är inte ett personnummer – skicka ändå", or the API's confirmNotPersonalData): their short fingerprints
 * (id-number-near-miss, idNumberFingerprint), never the numbers. Review and send refuse a letter whose stored text
 * has such a number without its fingerprint here. Letters from before start with none, so a number in one is asked
 * about once more at its next save, review or send.
 */
export class LetterIdNumbersConfirmed1763900002040 implements MigrationInterface {
  name = 'LetterIdNumbersConfirmed1763900002040';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE letter ADD COLUMN id_numbers_confirmed text[] NOT NULL DEFAULT '{}'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE letter DROP COLUMN id_numbers_confirmed`);
  }
}
