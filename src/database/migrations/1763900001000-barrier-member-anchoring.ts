import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How firmly the engine's full run found each member anchored in its barrier (memberAnchoring in the
 * engine), so the barrier page can list the weakest first. NULL where no full run has judged it: placed
 * by an incremental run, or moved in by the analyst.
 */
export class BarrierMemberAnchoring1763900001000 implements MigrationInterface {
  name = 'BarrierMemberAnchoring1763900001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE barrier_member ADD COLUMN anchoring real`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE barrier_member DROP COLUMN anchoring`);
  }
}
