import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How firmly the pattern run found each member anchored in its barrier (memberAnchoring in the engine),
 * so the barrier page can list the weakest first. NULL where no run has scored it: moved in by the
 * analyst, or placed before this column existed (the engine version changes with it, so the next run is
 * a full one and scores every engine member).
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
