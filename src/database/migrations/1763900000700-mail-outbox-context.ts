import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A mail may be queued as template + context and rendered by the outbox worker when it is sent, so
 * the filing request does no template work. Either the rendered parts or the context must be there.
 */
export class MailOutboxContext1763900000700 implements MigrationInterface {
  name = 'MailOutboxContext1763900000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mail_outbox ADD COLUMN context jsonb`);
    await queryRunner.query(`ALTER TABLE mail_outbox ALTER COLUMN subject DROP NOT NULL, ALTER COLUMN html DROP NOT NULL, ALTER COLUMN text DROP NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_rendered_or_context
        CHECK ((subject IS NOT NULL AND html IS NOT NULL AND text IS NOT NULL) OR context IS NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Unrendered mails cannot be kept in the old shape: refuse rather than lose them.
    await queryRunner.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM mail_outbox WHERE html IS NULL) THEN
          RAISE EXCEPTION 'mail_outbox har e-post som ännu inte fyllts i; låt utkorgen skicka eller spara dem innan migreringen backas';
        END IF;
      END $$`);
    await queryRunner.query(`ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_rendered_or_context`);
    await queryRunner.query(`ALTER TABLE mail_outbox ALTER COLUMN subject SET NOT NULL, ALTER COLUMN html SET NOT NULL, ALTER COLUMN text SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE mail_outbox DROP COLUMN context`);
  }
}
