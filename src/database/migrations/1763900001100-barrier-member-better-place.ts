import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * For a weakly anchored member, the barrier the last full run found would anchor it far better, and its
 * anchoring there (betterPlaces in the engine): the barrier page suggests moving it. No foreign key, as
 * for the memberships themselves (1763900000900): a barrier is never deleted, and the page shows the
 * suggestion only while that barrier is active.
 */
export class BarrierMemberBetterPlace1763900001100 implements MigrationInterface {
  name = 'BarrierMemberBetterPlace1763900001100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE barrier_member ADD COLUMN better_barrier_id uuid, ADD COLUMN better_anchoring real`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE barrier_member DROP COLUMN better_barrier_id, DROP COLUMN better_anchoring`);
  }
}
