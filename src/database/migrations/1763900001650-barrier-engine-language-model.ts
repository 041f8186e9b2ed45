import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the optional language model did in the latest pattern run ('used', 'unavailable' or 'off'), so
 * GET /api/patterns can say it as a field rather than only in the run's summary text.
 */
export class BarrierEngineLanguageModel1763900001650 implements MigrationInterface {
  name = 'BarrierEngineLanguageModel1763900001650';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE barrier_engine_state
        ADD COLUMN language_model text CHECK (language_model IN ('used', 'unavailable', 'off')),
        ADD COLUMN language_model_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE barrier_engine_state DROP COLUMN language_model_at, DROP COLUMN language_model`);
  }
}
