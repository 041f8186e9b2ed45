import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Skrivelser: formal letters about a barrier to Nationella rådet (or another party), and their log.
 *
 * One barrier has at most one letter that is not yet answered, so the nightly barrier job can
 * rerun without ever creating a second draft; after an answer a follow-up letter may be started.
 */
export class Letter1763900000400 implements MigrationInterface {
  name = 'Letter1763900000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE letter (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        barrier_id uuid NOT NULL REFERENCES barrier(id) ON DELETE RESTRICT,
        status text NOT NULL DEFAULT 'utkast' CHECK (status IN ('utkast', 'granskad', 'skickad', 'besvarad')),
        recipient text NOT NULL CHECK (recipient <> ''),
        subject text NOT NULL CHECK (subject <> ''),
        summary text NOT NULL DEFAULT '',
        evidence text NOT NULL DEFAULT '',
        consequences text NOT NULL DEFAULT '',
        tried_locally text NOT NULL DEFAULT '',
        interface_rules text NOT NULL DEFAULT '',
        requested_action text NOT NULL DEFAULT '',
        -- What the generator last proposed for each section: a section still equal to it is refreshed, an edited one is kept.
        generated jsonb NOT NULL DEFAULT '{}',
        -- The numbers and anonymised excerpts the letter was built from, as of evidence_refreshed_at.
        evidence_snapshot jsonb NOT NULL,
        evidence_refreshed_at timestamptz NOT NULL,
        -- Optimistic locking: every change bumps it; a form posted with an older one is refused.
        version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        created_by_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        updated_by_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        reviewed_at timestamptz,
        reviewed_by_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        sent_at timestamptz,
        sent_by_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        answer text,
        answered_at timestamptz,
        answered_by_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT letter_reviewed_has_time CHECK (status = 'utkast' OR reviewed_at IS NOT NULL),
        CONSTRAINT letter_sent_has_time CHECK (status IN ('utkast', 'granskad') OR sent_at IS NOT NULL),
        CONSTRAINT letter_answered_has_answer CHECK (status <> 'besvarad' OR (answered_at IS NOT NULL AND answer IS NOT NULL AND answer <> ''))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX letter_one_open_per_barrier ON letter (barrier_id) WHERE status <> 'besvarad'`);
    await queryRunner.query(`CREATE INDEX letter_barrier_idx ON letter (barrier_id, created_at)`);
    await queryRunner.query(`CREATE INDEX letter_updated_idx ON letter (updated_at DESC)`);

    await queryRunner.query(`
      CREATE TABLE letter_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        letter_id uuid NOT NULL REFERENCES letter(id) ON DELETE RESTRICT,
        actor_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        kind text NOT NULL,
        before jsonb,
        after jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX letter_event_letter_idx ON letter_event (letter_id, id)`);
    // Who reviewed, sent and answered is evidence: the log cannot be rewritten.
    await queryRunner.query(`
      CREATE FUNCTION letter_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'letter_event är en logg som bara kan läggas till i; % är inte tillåtet', TG_OP
          USING ERRCODE = 'restrict_violation';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER letter_event_no_update_or_delete BEFORE UPDATE OR DELETE ON letter_event
        FOR EACH ROW EXECUTE FUNCTION letter_event_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER letter_event_no_truncate BEFORE TRUNCATE ON letter_event
        FOR EACH STATEMENT EXECUTE FUNCTION letter_event_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE letter_event`);
    await queryRunner.query(`DROP FUNCTION letter_event_append_only()`);
    await queryRunner.query(`DROP TABLE letter`);
  }
}
