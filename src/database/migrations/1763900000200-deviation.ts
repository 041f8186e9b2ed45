import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deviations, their append-only audit log and their comments.
 *
 * Sized for a million reports: the lead's queue reads one (delprojekt, status) slice at a time in
 * index order, so both queue indexes start with (subproject_id, status) and end with the keyset
 * (…, reported_at, id). Every other index costs each filing a little, so only these exist.
 */
export class Deviation1763900000200 implements MigrationInterface {
  name = 'Deviation1763900000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SEQUENCE deviation_reference_seq`);
    await queryRunner.query(`
      CREATE TABLE deviation (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        reference_number bigint NOT NULL DEFAULT nextval('deviation_reference_seq'),
        -- AVV-2026-00042: the year the report came in (Swedish time) and the running number.
        reference text GENERATED ALWAYS AS (
          'AVV-' || extract(year FROM (reported_at AT TIME ZONE 'Europe/Stockholm'))::int::text || '-'
          || lpad(reference_number::text, greatest(5, length(reference_number::text)), '0')
        ) STORED,
        external_id text,
        municipality_id uuid NOT NULL REFERENCES municipality(id) ON DELETE RESTRICT,
        subproject_id uuid NOT NULL REFERENCES subproject(id) ON DELETE RESTRICT,
        reporter_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        reporter_email text CHECK (reporter_email = lower(reporter_email)),
        occurred_on date NOT NULL,
        reported_at timestamptz NOT NULL,
        category text NOT NULL CHECK (category IN ('gransnitt', 'regelverk', 'informationsdelning', 'insats_saknas', 'forsorjning', 'intern', 'ovrigt')),
        parties text[] NOT NULL DEFAULT '{}' CHECK (parties <@ ARRAY['AF', 'FK', 'KOMMUN', 'REGION', 'ANNAN']::text[]),
        title text NOT NULL CHECK (title <> ''),
        description text NOT NULL CHECK (description <> ''),
        consequence text NOT NULL DEFAULT '',
        tried text,
        severity text NOT NULL CHECK (severity IN ('lag', 'medel', 'hog')),
        -- "Most severe first" is an ascending sort on this, so one row comparison serves the keyset.
        severity_order smallint GENERATED ALWAYS AS (CASE severity WHEN 'hog' THEN 1 WHEN 'medel' THEN 2 ELSE 3 END) STORED,
        status text NOT NULL DEFAULT 'ny' CHECK (status IN ('ny', 'mottagen', 'under_utredning', 'atgardad_lokalt', 'strukturellt_hinder', 'avslutad')),
        assignee_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        resolution text,
        accepted_at timestamptz,
        resolved_at timestamptz,
        escalated_at timestamptz,
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`ALTER SEQUENCE deviation_reference_seq OWNED BY deviation.reference_number`);
    await queryRunner.query(`CREATE UNIQUE INDEX deviation_reference_number_key ON deviation (reference_number)`);
    // Imports are idempotent on external_id; filed reports have none and stay out of the index.
    await queryRunner.query(`CREATE UNIQUE INDEX deviation_external_id_key ON deviation (external_id) WHERE external_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX deviation_queue_age_idx ON deviation (subproject_id, status, reported_at, id)`);
    await queryRunner.query(`CREATE INDEX deviation_queue_severity_idx ON deviation (subproject_id, status, severity_order, reported_at, id)`);
    // "Mina avvikelser": by user, and imported ones by the reporter's address until a user has it.
    await queryRunner.query(`CREATE INDEX deviation_reporter_idx ON deviation (reporter_id, reported_at) WHERE reporter_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX deviation_reporter_email_idx ON deviation (reporter_email, reported_at) WHERE reporter_id IS NULL`);

    await queryRunner.query(`
      CREATE TABLE deviation_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        deviation_id uuid NOT NULL REFERENCES deviation(id) ON DELETE RESTRICT,
        actor_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        kind text NOT NULL,
        before jsonb,
        after jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX deviation_event_deviation_idx ON deviation_event (deviation_id, id)`);
    // The audit log is evidence: the database itself refuses to rewrite or erase it.
    await queryRunner.query(`
      CREATE FUNCTION deviation_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'deviation_event är en logg som bara kan läggas till i; % är inte tillåtet', TG_OP
          USING ERRCODE = 'restrict_violation';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER deviation_event_no_update_or_delete BEFORE UPDATE OR DELETE ON deviation_event
        FOR EACH ROW EXECUTE FUNCTION deviation_event_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER deviation_event_no_truncate BEFORE TRUNCATE ON deviation_event
        FOR EACH STATEMENT EXECUTE FUNCTION deviation_event_append_only()`);

    await queryRunner.query(`
      CREATE TABLE deviation_comment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        deviation_id uuid NOT NULL REFERENCES deviation(id) ON DELETE RESTRICT,
        author_id uuid NOT NULL REFERENCES app_user(id) ON DELETE RESTRICT,
        visibility text NOT NULL CHECK (visibility IN ('internal', 'reporter')),
        body text NOT NULL CHECK (body <> ''),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX deviation_comment_deviation_idx ON deviation_comment (deviation_id, created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE deviation_comment`);
    await queryRunner.query(`DROP TABLE deviation_event`);
    await queryRunner.query(`DROP FUNCTION deviation_event_append_only()`);
    await queryRunner.query(`DROP TABLE deviation`);
  }
}
