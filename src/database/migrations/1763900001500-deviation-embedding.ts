import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The optional language model's vectors (EMBEDDINGS_URL), so a report is embedded once per model: again
 * only when its text or the model changes. Beside the vector, its projections onto the pattern engine's
 * hyperplanes (meaning-keys.ts), which are all a run reads. And the engine state's meaning space: which
 * model and hyperplanes the stored model's meaning keys were made with, and the corpus mean they are
 * centred on, so an incremental run gives new reports keys in the same space.
 */
export class DeviationEmbedding1763900001500 implements MigrationInterface {
  name = 'DeviationEmbedding1763900001500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE deviation_embedding (
        deviation_id uuid NOT NULL REFERENCES deviation (id) ON DELETE CASCADE,
        model text NOT NULL,
        dims integer NOT NULL CHECK (dims > 0),
        -- float32, little-endian: a quarter of the size of real[] as text, and read without parsing.
        vector bytea NOT NULL CHECK (length(vector) = 4 * dims),
        projection bytea NOT NULL,
        projection_version text NOT NULL,
        -- sha256 of the report's free text the sent text was made from (masked before sending).
        text_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (model, deviation_id)
      )`);
    await queryRunner.query(`ALTER TABLE barrier_engine_state ADD COLUMN meaning_space jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE barrier_engine_state DROP COLUMN meaning_space`);
    await queryRunner.query(`DROP TABLE deviation_embedding`);
  }
}
