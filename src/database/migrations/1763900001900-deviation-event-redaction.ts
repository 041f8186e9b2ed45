import { MigrationInterface, QueryRunner } from 'typeorm';

/** The trigger function as 1763900000200 made it: no UPDATE, DELETE or TRUNCATE at all. */
const APPEND_ONLY = `
  CREATE OR REPLACE FUNCTION deviation_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'deviation_event är en logg som bara kan läggas till i; % är inte tillåtet', TG_OP
      USING ERRCODE = 'restrict_violation';
  END
  $$`;

/**
 * Personal data that got into a deviation's audit log (a lead's comment or resolution in a status change, a move's
 * reason) can be taken out again ("Ta bort personuppgift" on the report page), and nothing else about the log can
 * change. The log stays append-only but for exactly one kind of UPDATE: every occurrence of a text in the string values
 * of `before` and `after` replaced by a placeholder of the form "[… borttagen]" / "[… borttaget]", the text and the
 * placeholder named for the transaction by deviation_event_redact(), which the trigger checks the new row against.
 * Id, report, actor, kind and time cannot change; DELETE and TRUNCATE are refused as before.
 *
 * The down migration restores the old trigger function; texts already redacted stay redacted.
 */
export class DeviationEventRedaction1763900001900 implements MigrationInterface {
  name = 'DeviationEventRedaction1763900001900';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Every string value in a JSON document with `needle` replaced by `placeholder`; keys, numbers and the shape stay.
    await queryRunner.query(`
      CREATE FUNCTION deviation_event_redacted(doc jsonb, needle text, placeholder text) RETURNS jsonb
      LANGUAGE plpgsql IMMUTABLE AS $$
      DECLARE
        result jsonb;
        k text;
        v jsonb;
      BEGIN
        IF doc IS NULL THEN
          RETURN NULL;
        END IF;
        CASE jsonb_typeof(doc)
          WHEN 'string' THEN
            RETURN to_jsonb(replace(doc #>> '{}', needle, placeholder));
          WHEN 'object' THEN
            result := '{}'::jsonb;
            FOR k, v IN SELECT e.key, e.value FROM jsonb_each(doc) AS e LOOP
              result := result || jsonb_build_object(k, deviation_event_redacted(v, needle, placeholder));
            END LOOP;
            RETURN result;
          WHEN 'array' THEN
            result := '[]'::jsonb;
            FOR v IN SELECT a.value FROM jsonb_array_elements(doc) AS a LOOP
              result := result || jsonb_build_array(deviation_event_redacted(v, needle, placeholder));
            END LOOP;
            RETURN result;
          ELSE
            RETURN doc;
        END CASE;
      END
      $$`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION deviation_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        needle text := current_setting('avvikelser.redact_text', true);
        placeholder text := current_setting('avvikelser.redact_placeholder', true);
      BEGIN
        IF TG_OP = 'UPDATE'
           AND length(coalesce(needle, '')) >= 2
           AND placeholder ~ '^\\[[^][]+ borttag(en|et)\\]$'
           AND strpos(placeholder, needle) = 0
           AND NEW.id = OLD.id
           AND NEW.deviation_id = OLD.deviation_id
           AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
           AND NEW.kind = OLD.kind
           AND NEW.created_at = OLD.created_at
           AND NEW.before IS NOT DISTINCT FROM deviation_event_redacted(OLD.before, needle, placeholder)
           AND NEW.after IS NOT DISTINCT FROM deviation_event_redacted(OLD.after, needle, placeholder)
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'deviation_event är en logg som bara kan läggas till i; % är inte tillåtet', TG_OP
          USING ERRCODE = 'restrict_violation';
      END
      $$`);
    // Replaces `needle` by `placeholder` in one report's log; the number of events changed. Names the pair for the
    // trigger only for this statement, and clears it again.
    await queryRunner.query(`
      CREATE FUNCTION deviation_event_redact(p_deviation_id uuid, p_needle text, p_placeholder text) RETURNS integer
      LANGUAGE plpgsql AS $$
      DECLARE
        changed integer;
      BEGIN
        PERFORM set_config('avvikelser.redact_text', p_needle, true);
        PERFORM set_config('avvikelser.redact_placeholder', p_placeholder, true);
        UPDATE deviation_event e
           SET before = deviation_event_redacted(e.before, p_needle, p_placeholder),
               after = deviation_event_redacted(e.after, p_needle, p_placeholder)
         WHERE e.deviation_id = p_deviation_id
           AND (e.before IS DISTINCT FROM deviation_event_redacted(e.before, p_needle, p_placeholder)
                OR e.after IS DISTINCT FROM deviation_event_redacted(e.after, p_needle, p_placeholder));
        GET DIAGNOSTICS changed = ROW_COUNT;
        PERFORM set_config('avvikelser.redact_text', '', true);
        PERFORM set_config('avvikelser.redact_placeholder', '', true);
        RETURN changed;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION deviation_event_redact(uuid, text, text)`);
    await queryRunner.query(APPEND_ONLY);
    await queryRunner.query(`DROP FUNCTION deviation_event_redacted(jsonb, text, text)`);
  }
}
