import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Strukturella hinder: barriers found by the pattern engine and shaped by the analyst.
 *
 * A barrier keeps its id across engine runs (letters, mails and exports refer to it), so a barrier
 * that loses its reports is marked, never deleted. A deviation belongs to at most one barrier.
 */
export class Barrier1763900000300 implements MigrationInterface {
  name = 'Barrier1763900000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE barrier (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- The engine's key for this barrier in the last run that placed reports in it.
        engine_key text,
        name text NOT NULL CHECK (name <> ''),
        name_source text NOT NULL DEFAULT 'generated' CHECK (name_source IN ('generated', 'analyst')),
        status text NOT NULL DEFAULT 'foreslagen' CHECK (status IN ('foreslagen', 'bekraftad', 'eskalerad', 'sammanslagen', 'upplost')),
        confirmed_at timestamptz,
        confirmed_by_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        escalation_reason text,
        escalated_at timestamptz,
        merged_into_id uuid REFERENCES barrier(id) ON DELETE RESTRICT,
        terms text[] NOT NULL DEFAULT '{}',
        parties text[] NOT NULL DEFAULT '{}' CHECK (parties <@ ARRAY['AF', 'FK', 'KOMMUN', 'REGION', 'ANNAN']::text[]),
        member_count integer NOT NULL DEFAULT 0 CHECK (member_count >= 0),
        -- {"Haninge": 3, …}: how many member reports per kommun and per delprojekt, by name.
        municipality_counts jsonb NOT NULL DEFAULT '{}',
        subproject_counts jsonb NOT NULL DEFAULT '{}',
        period_from date,
        period_to date,
        -- The engine's own description of the barrier (e.g. its centroid), to place new reports without a full run.
        model jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT barrier_escalated_has_reason CHECK (escalated_at IS NULL OR escalation_reason IS NOT NULL),
        CONSTRAINT barrier_merged_has_target CHECK ((status = 'sammanslagen') = (merged_into_id IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX barrier_status_idx ON barrier (status, member_count DESC)`);

    await queryRunner.query(`
      CREATE TABLE barrier_member (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        barrier_id uuid NOT NULL REFERENCES barrier(id) ON DELETE RESTRICT,
        deviation_id uuid NOT NULL REFERENCES deviation(id) ON DELETE CASCADE,
        -- Why the report belongs here, in Swedish, one point per element.
        reason text[] NOT NULL DEFAULT '{}',
        confirmed_by_analyst boolean NOT NULL DEFAULT false,
        source text NOT NULL CHECK (source IN ('engine', 'analyst')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT barrier_member_deviation_unique UNIQUE (deviation_id)
      )`);
    await queryRunner.query(`CREATE INDEX barrier_member_barrier_idx ON barrier_member (barrier_id)`);

    // The analyst moved a report out of a barrier: the engine never puts it back there.
    await queryRunner.query(`
      CREATE TABLE barrier_exclusion (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        barrier_id uuid NOT NULL REFERENCES barrier(id) ON DELETE CASCADE,
        deviation_id uuid NOT NULL REFERENCES deviation(id) ON DELETE CASCADE,
        excluded_by_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT barrier_exclusion_unique UNIQUE (deviation_id, barrier_id)
      )`);

    // The analyst's additions to the engine's thesaurus, one line each: "canonical: variant, …".
    await queryRunner.query(`
      CREATE TABLE thesaurus_entry (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        line text NOT NULL CHECK (line <> ''),
        canonical text NOT NULL CHECK (canonical <> ''),
        created_by_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX thesaurus_entry_canonical_key ON thesaurus_entry (lower(canonical))`);

    // One row: the engine's model from the last full run, and what decides when the next one is due.
    await queryRunner.query(`
      CREATE TABLE barrier_engine_state (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        model jsonb,
        thesaurus_hash text,
        reports_at_full_run integer NOT NULL DEFAULT 0,
        full_run_at timestamptz,
        -- Newest deviation (created_at, id) the engine has seen; newer ones are placed incrementally.
        seen_created_at timestamptz,
        seen_id uuid,
        -- Set by analyst changes that the model does not know about (merge, split, move).
        full_run_requested boolean NOT NULL DEFAULT false,
        -- Counts the analysts' changes, so a run that overlapped one keeps the full run requested.
        revision integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`INSERT INTO barrier_engine_state (id) VALUES (1)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE barrier_engine_state`);
    await queryRunner.query(`DROP TABLE thesaurus_entry`);
    await queryRunner.query(`DROP TABLE barrier_exclusion`);
    await queryRunner.query(`DROP TABLE barrier_member`);
    await queryRunner.query(`DROP TABLE barrier`);
  }
}
