import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * barrier_member without its two foreign keys, as barrier_engine_seen (1763900000301). A first full
 * pattern run writes a membership for nearly every report in one statement, and the row-by-row checks
 * were half of its time: at 100 000 reports 1.3 s -> 0.6 s on the slower machine type, besides locking
 * (and so rewriting) every deviation row the run touched. Neither side is ever deleted: a deviation is
 * held by its append-only event log, a barrier is retired by its status. Memberships are written only by
 * the pattern run and the analyst's actions, from ids read in the same transaction.
 */
export class BarrierMemberWithoutForeignKeys1763900000900 implements MigrationInterface {
  name = 'BarrierMemberWithoutForeignKeys1763900000900';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE barrier_member DROP CONSTRAINT barrier_member_barrier_id_fkey, DROP CONSTRAINT barrier_member_deviation_id_fkey`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Checks every row again: a membership of a missing report or barrier stops the way back.
    await queryRunner.query(`
      ALTER TABLE barrier_member
        ADD CONSTRAINT barrier_member_barrier_id_fkey FOREIGN KEY (barrier_id) REFERENCES barrier(id) ON DELETE RESTRICT,
        ADD CONSTRAINT barrier_member_deviation_id_fkey FOREIGN KEY (deviation_id) REFERENCES deviation(id) ON DELETE CASCADE`);
  }
}
