import { DataSource } from 'typeorm';

/**
 * Every row of every table as JSON text, one a line: whatever the app stored, wherever, for specs that
 * prove some text (personal data in a refused form) was stored nowhere.
 */
export async function everythingStored(db: DataSource): Promise<string> {
  const tables = (await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`)) as Array<{
    table_name: string;
  }>;
  const parts: string[] = [];
  for (const { table_name: table } of tables) {
    const rows = (await db.query(`SELECT row_to_json(x)::text AS row FROM "${table}" x`)) as Array<{ row: string }>;
    parts.push(...rows.map((r) => r.row));
  }
  return parts.join('\n');
}
