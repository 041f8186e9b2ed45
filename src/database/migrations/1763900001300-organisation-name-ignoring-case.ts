import { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables whose names people type and the import looks up, with the Swedish word for one row. */
const NAMED_UNITS = [
  { table: 'federation', label: 'förbund' },
  { table: 'subproject', label: 'delprojekt' },
  { table: 'municipality', label: 'kommun' },
] as const;

/**
 * What a name is compared by. The app's lookups by name (sameNameCondition in organisation-name.query.ts)
 * use the same expression, so the index guarantees one unit or none; written out here because a migration
 * must not change when app code does.
 */
const NAME_KEY_SQL = 'lower(btrim(name))';

/**
 * Förbund, delprojekt and kommuner are unique by name ignoring case and surrounding spaces, not only by
 * exact letters. Before this an admin could add "huddinge" beside "Huddinge", and an import row with
 * "HUDDINGE" (the import has always ignored case) matched both. Delprojekt have the same problem (the
 * CLI finds them ignoring case) and förbund are treated the same so the three rules stay one rule.
 *
 * On a database that already holds names that differ only by case, `up` refuses with a message naming
 * them, and nothing changes. Why not fix them here: which of two "Huddinge" is the real one, and where
 * their reports and users belong, is a decision only the administrator can make; renaming or merging
 * them here would silently change what people see and where reports go. Why not keep them and only
 * enforce going forward: an index cannot leave out rows that exist, and as long as both exist the
 * import's answer for them stays arbitrary, which is the defect. The administrator renames one of them
 * under Admin → Organisation in the running version (or in SQL) and starts the new version again.
 */
export class OrganisationNameIgnoringCase1763900001300 implements MigrationInterface {
  name = 'OrganisationNameIgnoringCase1763900001300';

  async up(queryRunner: QueryRunner): Promise<void> {
    const clashes: string[] = [];
    for (const { table, label } of NAMED_UNITS) {
      const rows = (await queryRunner.query(
        `SELECT array_agg(name ORDER BY name COLLATE "C") AS names FROM ${table} GROUP BY ${NAME_KEY_SQL} HAVING count(*) > 1 ORDER BY ${NAME_KEY_SQL} COLLATE "C"`,
      )) as Array<{ names: string[] }>;
      for (const { names } of rows) clashes.push(`${label}: ${names.map((name) => `"${name}"`).join(', ')}`);
    }
    if (clashes.length) {
      throw new Error(
        `Namnen kan inte göras unika oberoende av stora och små bokstäver: de här skiljer sig bara i det (eller i mellanslag först eller sist). ` +
          `Byt namn på alla utom ett i varje grupp (under Admin → Organisation i versionen som körs nu, eller med SQL) och starta igen. ${clashes.join('; ')}.`,
      );
    }
    for (const { table } of NAMED_UNITS) {
      // The new index is stricter than the exact-letter constraint, which would only be a second rule to keep in step.
      await queryRunner.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_name_key`);
      await queryRunner.query(`CREATE UNIQUE INDEX ${table}_name_lower_key ON ${table} (${NAME_KEY_SQL})`);
    }
  }

  /** Names unique ignoring case are also unique by exact letters, so going back cannot fail. */
  async down(queryRunner: QueryRunner): Promise<void> {
    for (const { table } of NAMED_UNITS) {
      await queryRunner.query(`DROP INDEX ${table}_name_lower_key`);
      await queryRunner.query(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_name_key UNIQUE (name)`);
    }
  }
}
