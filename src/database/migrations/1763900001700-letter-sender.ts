import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A letter's diarienummer and its sender: who signs (name and title) and how the recipient reaches them (e-mail,
 * phone). Staff data, not a participant's. NULL means not set yet, so the editor offers the analyst's own name;
 * an empty string means the analyst left it out on purpose. Letters from before keep the old signature
 * ("Verksamhetsutvecklare, MIA") until someone fills these in.
 */
export class LetterSender1763900001700 implements MigrationInterface {
  name = 'LetterSender1763900001700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE letter
         ADD COLUMN reference_number text,
         ADD COLUMN signatory_name text,
         ADD COLUMN signatory_title text,
         ADD COLUMN contact_email text,
         ADD COLUMN contact_phone text`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE letter
         DROP COLUMN contact_phone,
         DROP COLUMN contact_email,
         DROP COLUMN signatory_title,
         DROP COLUMN signatory_name,
         DROP COLUMN reference_number`,
    );
  }
}
