import { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per scheduled-job slot (e.g. the nightly run of 2026-11-23): a slot runs once across all instances. */
export class JobRun1763900000101 implements MigrationInterface {
  name = 'JobRun1763900000101';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE job_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        job_name text NOT NULL,
        slot text NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        attempts integer NOT NULL DEFAULT 1 CHECK (attempts >= 1),
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        summary text,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT job_run_job_slot_unique UNIQUE (job_name, slot)
      )`);
    await queryRunner.query(`CREATE INDEX job_run_job_started_idx ON job_run (job_name, started_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE job_run`);
  }
}
