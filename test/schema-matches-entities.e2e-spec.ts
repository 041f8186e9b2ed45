import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The migrations, not `synchronize`, make the schema: this checks that what they make is what the
 * entities say, so a column added to an entity without its migration (or with another type or
 * nullability) fails here rather than at the first query that touches it in production.
 */

interface DbColumn {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: 'YES' | 'NO';
  is_generated: 'ALWAYS' | 'NEVER';
}

/** information_schema's name for a type as TypeORM's metadata writes it. */
function normalisedType(type: string): string {
  const aliases: Record<string, string> = {
    int: 'integer',
    int4: 'integer',
    int8: 'bigint',
    bool: 'boolean',
    float4: 'real',
    float8: 'double precision',
    varchar: 'character varying',
    timestamptz: 'timestamp with time zone',
    'timestamp with time zone': 'timestamp with time zone',
  };
  return aliases[type] ?? type;
}

describe('the migrated schema and the entities', () => {
  let t: TestApp;
  let columns: Map<string, DbColumn>;

  beforeAll(async () => {
    t = await startTestApp();
    const rows = (await t.app.get(DataSource).query(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, is_generated FROM information_schema.columns WHERE table_schema = 'public'`,
    )) as DbColumn[];
    columns = new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, row]));
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('every entity column exists in a table the migrations made, with its type and nullability', () => {
    const problems: string[] = [];
    const entities = t.app.get(DataSource).entityMetadatas.filter((entity) => entity.tableType === 'regular');
    expect(entities.length).toBeGreaterThan(10);
    for (const entity of entities) {
      for (const column of entity.columns) {
        const key = `${entity.tableName}.${column.databaseName}`;
        const found = columns.get(key);
        if (!found) {
          problems.push(`${key}: saknas i databasen`);
          continue;
        }
        const declared = typeof column.type === 'string' ? normalisedType(column.type) : null;
        const actual = found.data_type === 'ARRAY' ? `${normalisedType(found.udt_name.replace(/^_/, ''))}[]` : found.data_type === 'USER-DEFINED' ? found.udt_name : found.data_type;
        const expected = declared === null ? null : column.isArray ? `${declared}[]` : declared;
        if (expected !== null && expected !== actual) problems.push(`${key}: entiteten säger ${expected}, databasen ${actual}`);
        // A column the entity may leave empty must be nullable, and the reverse. A generated column (the reference,
        // the severity order) is nullable to PostgreSQL but computed from NOT NULL columns, so never empty.
        if (found.is_generated !== 'ALWAYS' && column.isNullable !== (found.is_nullable === 'YES')) problems.push(`${key}: entiteten säger ${column.isNullable ? 'NULL' : 'NOT NULL'}, databasen ${found.is_nullable === 'YES' ? 'NULL' : 'NOT NULL'}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every timestamp is timestamptz', () => {
    const naive = [...columns.values()].filter((column) => column.data_type === 'timestamp without time zone').map((column) => `${column.table_name}.${column.column_name}`);
    expect(naive).toEqual([]);
  });
});
