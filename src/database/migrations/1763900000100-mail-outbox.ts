import { MigrationInterface, QueryRunner } from 'typeorm';

/** The mail outbox: every e-mail is a row first, sent later by the worker (transactional outbox). */
export class MailOutbox1763900000100 implements MigrationInterface {
  name = 'MailOutbox1763900000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE mail_outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        recipients text[] NOT NULL CHECK (cardinality(recipients) > 0),
        subject text NOT NULL,
        html text NOT NULL,
        text text NOT NULL,
        template text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'kept')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL,
        locked_until timestamptz,
        last_error text,
        sent_at timestamptz,
        message_id text,
        dedupe_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // NULLs are distinct, so only mails that name a dedupe key are deduplicated.
    await queryRunner.query(`CREATE UNIQUE INDEX mail_outbox_dedupe_key_idx ON mail_outbox (dedupe_key)`);
    // The worker's claim query: due pending mails, and "sending" mails whose lease has run out.
    await queryRunner.query(`CREATE INDEX mail_outbox_pending_due_idx ON mail_outbox (next_attempt_at) WHERE status = 'pending'`);
    await queryRunner.query(`CREATE INDEX mail_outbox_sending_lease_idx ON mail_outbox (locked_until) WHERE status = 'sending'`);
    // The admin list: newest first, failed first.
    await queryRunner.query(`CREATE INDEX mail_outbox_status_created_idx ON mail_outbox (status, created_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE mail_outbox`);
  }
}
