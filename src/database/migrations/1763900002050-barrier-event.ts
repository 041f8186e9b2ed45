import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `barrier_event`: the barrier page's history. An analyst's change that takes reports out of a barrier (into another,
 * or out of all) says so on the barrier that lost them, with whether it still meets the escalation rule; an analyst
 * taking back an escalation, and a restore, are recorded too. Counts, ids and barrier names only, never report texts.
 */
export class BarrierEvent1763900002050 implements MigrationInterface {
  name = 'BarrierEvent1763900002050';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE barrier_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        barrier_id uuid NOT NULL REFERENCES barrier(id) ON DELETE RESTRICT,
        actor_id uuid REFERENCES app_user(id) ON DELETE RESTRICT,
        kind text NOT NULL,
        before jsonb,
        after jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX barrier_event_barrier_idx ON barrier_event (barrier_id, id)`);
    // What happened to an escalation and who did it is evidence, as a letter's log is: it cannot be rewritten.
    await queryRunner.query(`
      CREATE FUNCTION barrier_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'barrier_event är en logg som bara kan läggas till i; % är inte tillåtet', TG_OP
          USING ERRCODE = 'restrict_violation';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER barrier_event_no_update_or_delete BEFORE UPDATE OR DELETE ON barrier_event
        FOR EACH ROW EXECUTE FUNCTION barrier_event_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER barrier_event_no_truncate BEFORE TRUNCATE ON barrier_event
        FOR EACH STATEMENT EXECUTE FUNCTION barrier_event_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE barrier_event`);
    await queryRunner.query(`DROP FUNCTION barrier_event_append_only()`);
  }
}
