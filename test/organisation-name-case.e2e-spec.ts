import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { runMigrations } from '../src/database/migration-runner';
import { OrganisationNameIgnoringCase1763900001300 } from '../src/database/migrations/1763900001300-organisation-name-ignoring-case';
import { municipalityId, OrganisationTree, signInNewAdmin } from './support/admin-session';
import { createApiToken, createUser, subprojectId } from './support/factories';
import { HttpClient } from './support/http-client';
import { createTestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Förbund, delprojekt and kommuner are unique by name ignoring case and surrounding spaces, in the
 * database, so the import (which has always ignored case) finds one kommun or none.
 */

interface ApiError {
  error: { code: string; message: string; fields: Array<{ field: string; message: string }> };
}

describe('names that differ only by case are the same name', () => {
  let t: TestApp;
  let admin: HttpClient;
  let token: string;
  const db = (): DataSource => t.app.get(DataSource);
  const tree = async (): Promise<OrganisationTree> => (await admin.api('GET', '/api/organisation')).json<OrganisationTree>();
  const names = async (table: 'federation' | 'subproject' | 'municipality'): Promise<string[]> =>
    ((await db().query(`SELECT name FROM ${table} ORDER BY name`)) as Array<{ name: string }>).map((row) => row.name);

  beforeAll(async () => {
    t = await startTestApp();
    ({ admin, token } = await signInNewAdmin(t));
  });
  afterAll(() => t.close());

  it('the organisation page refuses a new or renamed kommun, delprojekt or förbund that differs only by case with the duplicate\'s message, keeping what was typed', async () => {
    const before = { municipality: await names('municipality'), subproject: await names('subproject'), federation: await names('federation') };
    const hbs = await subprojectId(t.app, 'MIA HBS');

    await admin.get('/admin/organisation');
    const created = await admin.postForm('/admin/organisation/kommuner', { name: ' huddinge ', subprojectId: hbs });
    expect(created.status).toBe(409);
    expect(created.text).toContain('Det finns redan en kommun som heter Huddinge.');
    expect(created.text).toContain('id="falt-kommun-name" name="name" type="text" value=" huddinge "');

    const salem = municipalityId(await tree(), 'Salem');
    const renamed = await admin.postForm(`/admin/organisation/kommuner/${salem}/namn`, { name: 'HUDDINGE' });
    expect(renamed.status).toBe(409);
    expect(renamed.text).toContain(`id="fel-namn-${salem}"><span class="visually-hidden">Fel:</span> Det finns redan en kommun som heter Huddinge.`);
    expect(renamed.text).toContain(`id="namn-${salem}" name="name" type="text" maxlength="80" required autocomplete="off" value="HUDDINGE"`);

    const subproject = await admin.postForm('/admin/organisation/delprojekt', { name: 'mia hbs', federationId: (await tree()).federations[0].id });
    expect(subproject.status).toBe(409);
    expect(subproject.text).toContain('Det finns redan ett delprojekt som heter MIA HBS.');
    expect(subproject.text).toContain('id="falt-delprojekt-name" name="name" type="text" value="mia hbs"');
    const stockholm = await subprojectId(t.app, 'MIA Stockholm');
    const subprojectRenamed = await admin.postForm(`/admin/organisation/delprojekt/${stockholm}/namn`, { name: 'Mia Hbs' });
    expect(subprojectRenamed.status).toBe(409);
    expect(subprojectRenamed.text).toContain(`id="fel-namn-${stockholm}"><span class="visually-hidden">Fel:</span> Det finns redan ett delprojekt som heter MIA HBS.`);

    const federation = await admin.postForm('/admin/organisation/forbund', { name: 'SAMORDNINGSFÖRBUNDET HBS' });
    expect(federation.status).toBe(409);
    expect(federation.text).toContain('Det finns redan ett förbund som heter Samordningsförbundet HBS.');

    expect({ municipality: await names('municipality'), subproject: await names('subproject'), federation: await names('federation') }).toEqual(before);
    // Correcting the case of a unit's own name is still a rename like any other.
    expect((await admin.postForm(`/admin/organisation/kommuner/${salem}/namn`, { name: 'SALEM' })).status).toBe(303);
    expect((await admin.postForm(`/admin/organisation/kommuner/${salem}/namn`, { name: 'Salem' })).status).toBe(303);
  });

  it('the API answers the same 409 with the error at name, for kommuner, delprojekt and förbund', async () => {
    const api = new HttpClient(t.baseUrl);
    const hbs = await subprojectId(t.app, 'MIA HBS');
    const created = await api.api('POST', '/api/municipalities', { name: 'BOTKYRKA', subprojectId: hbs }, token);
    expect(created.status).toBe(409);
    expect(created.json<ApiError>().error).toMatchObject({ code: 'duplicate_name', message: 'Det finns redan en kommun som heter Botkyrka.' });

    const salem = municipalityId(await tree(), 'Salem');
    const renamed = await api.api('PATCH', `/api/municipalities/${salem}`, { name: 'botkyrka' }, token);
    expect(renamed.status).toBe(409);
    expect(renamed.json<ApiError>().error).toMatchObject({
      code: 'duplicate_name',
      message: 'Det finns redan en kommun som heter Botkyrka.',
      fields: [{ field: 'name', message: 'Det finns redan en kommun som heter Botkyrka.' }],
    });

    const roslagen = await subprojectId(t.app, 'MIA Roslagen');
    const subproject = await api.api('PATCH', `/api/subprojects/${roslagen}`, { name: 'mia järfälla' }, token);
    expect(subproject.status).toBe(409);
    expect(subproject.json<ApiError>().error.fields).toEqual([{ field: 'name', message: 'Det finns redan ett delprojekt som heter MIA Järfälla.' }]);
    const newSubproject = await api.api('POST', '/api/subprojects', { name: 'MIA JÄRFÄLLA', federationId: (await tree()).federations[0].id }, token);
    expect(newSubproject.status).toBe(409);

    const federations = (await tree()).federations;
    const other = federations.find((f) => f.name !== 'Samordningsförbundet HBS');
    const federation = await api.api('PATCH', `/api/federations/${other?.id}`, { name: 'samordningsförbundet hbs' }, token);
    expect(federation.status).toBe(409);
    expect(federation.json<ApiError>().error.fields).toEqual([{ field: 'name', message: 'Det finns redan ett förbund som heter Samordningsförbundet HBS.' }]);
    expect((await api.api('POST', '/api/federations', { name: 'Samordningsförbundet hbs' }, token)).status).toBe(409);

    // The rule is the database's, not only the service's.
    await expect(db().query(`INSERT INTO municipality (name, subproject_id) VALUES (' haninge ', $1)`, [hbs])).rejects.toThrow(/municipality_name_lower_key/);
  });

  it('an import row finds the one kommun whatever its case', async () => {
    const analystToken = await createApiToken(t.app, await createUser(t.app, 'analyst'));
    // The kommun an admin could add beside Huddinge before, in another delprojekt: the rows went to either or both.
    const added = await new HttpClient(t.baseUrl).api('POST', '/api/municipalities', { name: 'huddinge', subprojectId: await subprojectId(t.app, 'MIA Stockholm') }, token);
    const row = (externalId: string, kommun: string): string =>
      JSON.stringify({ externalId, kommun, occurredOn: '2025-11-03', category: 'ovrigt', parties: ['AF'], title: 'Möte ställdes in', description: 'AF ställde in mötet utan att boka ett nytt.', severity: 'lag' });
    const imported = await new HttpClient(t.baseUrl).request('POST', '/api/deviations/import?format=jsonl', {
      body: `${row('CASE-1', 'HUDDINGE')}\n${row('CASE-2', ' huddinge ')}\n${row('CASE-3', 'Huddinge')}\n`,
      headers: { authorization: `Bearer ${analystToken}`, 'content-type': 'application/x-ndjson' },
    });
    expect(imported.status).toBe(200);
    expect(imported.json<{ created: number; rejected: unknown[] }>()).toMatchObject({ created: 3, rejected: [] });

    const huddinge = municipalityId(await tree(), 'Huddinge');
    const hbs = await subprojectId(t.app, 'MIA HBS');
    const stored = (await db().query(
      `SELECT d.external_id, d.municipality_id, d.subproject_id, (SELECT count(*)::int FROM deviation_event e WHERE e.deviation_id = d.id AND e.kind = 'imported') AS events
         FROM deviation d WHERE d.external_id LIKE 'CASE-%' ORDER BY d.external_id`,
    )) as Array<{ external_id: string; municipality_id: string; subproject_id: string; events: number }>;
    expect(stored).toEqual(['CASE-1', 'CASE-2', 'CASE-3'].map((externalId) => ({ external_id: externalId, municipality_id: huddinge, subproject_id: hbs, events: 1 })));
    expect(added.status).toBe(409);
  });
});

/** A fresh, migrated database of its own for a migration test, dropped afterwards. */
async function withOwnDatabase(work: (dataSource: DataSource) => Promise<void>): Promise<void> {
  const database = await createTestDatabase();
  const dataSource = new DataSource(buildDataSourceOptions({ url: database.url, poolSize: 2 }));
  await dataSource.initialize();
  try {
    await work(dataSource);
  } finally {
    await dataSource.destroy();
    await database.drop();
  }
}

describe('migration 1763900001300 (names unique ignoring case)', () => {
  const migrationName = 'OrganisationNameIgnoringCase1763900001300';
  const uniqueOnName = async (dataSource: DataSource): Promise<string[]> =>
    ((await dataSource.query(
      `SELECT indexrelid::regclass::text AS name FROM pg_index
        WHERE indisunique AND indrelid = ANY(ARRAY['federation', 'subproject', 'municipality']::regclass[]) AND NOT indisprimary
        ORDER BY 1`,
    )) as Array<{ name: string }>).map((row) => row.name);

  it('goes down to exact-letter uniqueness and up again', async () => {
    await withOwnDatabase(async (dataSource) => {
      expect(await uniqueOnName(dataSource)).toEqual(['federation_name_lower_key', 'municipality_name_lower_key', 'subproject_name_lower_key']);
      const runner = dataSource.createQueryRunner();
      try {
        const migration = new OrganisationNameIgnoringCase1763900001300();
        await migration.down(runner);
        expect(await uniqueOnName(dataSource)).toEqual(['federation_name_key', 'municipality_name_key', 'subproject_name_key']);
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      expect(await uniqueOnName(dataSource)).toEqual(['federation_name_lower_key', 'municipality_name_lower_key', 'subproject_name_lower_key']);
      expect(await dataSource.query(`SELECT count(*)::int AS n FROM municipality`)).toEqual([{ n: 12 }]);
    });
  });

  it('on a database that holds names differing only by case it refuses at start, names them, changes nothing, and runs once they are renamed', async () => {
    await withOwnDatabase(async (dataSource) => {
      const runner = dataSource.createQueryRunner();
      try {
        await new OrganisationNameIgnoringCase1763900001300().down(runner);
      } finally {
        await runner.release();
      }
      await dataSource.query(`DELETE FROM schema_migration WHERE name = $1`, [migrationName]);
      const [{ id: hbs }] = (await dataSource.query(`SELECT id FROM subproject WHERE name = 'MIA HBS'`)) as Array<{ id: string }>;
      await dataSource.query(`INSERT INTO municipality (name, subproject_id) VALUES ('huddinge', $1), ('HUDDINGE ', $1)`, [hbs]);
      await dataSource.query(`INSERT INTO subproject (name, federation_id) SELECT 'mia hbs', federation_id FROM subproject WHERE id = $1`, [hbs]);

      const refused = runMigrations(dataSource);
      await expect(refused).rejects.toThrow('Namnen kan inte göras unika oberoende av stora och små bokstäver');
      await expect(refused).rejects.toThrow('delprojekt: "MIA HBS", "mia hbs"; kommun: "HUDDINGE ", "Huddinge", "huddinge".');
      expect(await uniqueOnName(dataSource)).toEqual(['federation_name_key', 'municipality_name_key', 'subproject_name_key']);
      expect(await dataSource.query(`SELECT count(*)::int AS n FROM schema_migration WHERE name = $1`, [migrationName])).toEqual([{ n: 0 }]);

      await dataSource.query(`UPDATE municipality SET name = 'Huddinge (dubblett ' || left(id::text, 4) || ')' WHERE name IN ('huddinge', 'HUDDINGE ')`);
      await dataSource.query(`UPDATE subproject SET name = 'MIA HBS (dubblett)' WHERE name = 'mia hbs'`);
      expect(await runMigrations(dataSource)).toEqual([migrationName]);
      expect(await uniqueOnName(dataSource)).toEqual(['federation_name_lower_key', 'municipality_name_lower_key', 'subproject_name_lower_key']);
      await expect(dataSource.query(`INSERT INTO municipality (name, subproject_id) VALUES ('huddinge', $1)`, [hbs])).rejects.toThrow(/municipality_name_lower_key/);
    });
  });
});
