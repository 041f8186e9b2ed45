import { MigrationInterface, QueryRunner } from 'typeorm';

/** The default MIA organisation of DOMAIN.md. An admin changes it afterwards, as data. */
const DEFAULT_ORGANISATION: ReadonlyArray<{ federation: string; subproject: string; municipalities: string[] }> = [
  { federation: 'Samordningsförbundet Östra Södertörn', subproject: 'MIA Östra Södertörn', municipalities: ['Haninge', 'Nynäshamn', 'Tyresö'] },
  { federation: 'Samordningsförbundet HBS', subproject: 'MIA HBS', municipalities: ['Huddinge', 'Botkyrka', 'Salem'] },
  { federation: 'Samordningsförbundet Södertälje', subproject: 'MIA Södertälje', municipalities: ['Södertälje', 'Nykvarn'] },
  { federation: 'Samordningsförbundet Järfälla', subproject: 'MIA Järfälla', municipalities: ['Järfälla'] },
  { federation: 'Samordningsförbundet Stockholms stad', subproject: 'MIA Stockholm', municipalities: ['Stockholm'] },
  { federation: 'Samordningsförbundet Roslagen', subproject: 'MIA Roslagen', municipalities: ['Täby', 'Österåker'] },
];

export class SeedDefaultOrganisation1763900000001 implements MigrationInterface {
  name = 'SeedDefaultOrganisation1763900000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const entry of DEFAULT_ORGANISATION) {
      const [federation] = (await queryRunner.query(
        `INSERT INTO federation (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
        [entry.federation],
      )) as Array<{ id: string }>;
      const [subproject] = (await queryRunner.query(
        `INSERT INTO subproject (name, federation_id) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
        [entry.subproject, federation.id],
      )) as Array<{ id: string }>;
      for (const municipality of entry.municipalities) {
        await queryRunner.query(
          `INSERT INTO municipality (name, subproject_id) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`,
          [municipality, subproject.id],
        );
      }
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const municipalities = DEFAULT_ORGANISATION.flatMap((entry) => entry.municipalities);
    await queryRunner.query(
      `DELETE FROM municipality WHERE name = ANY($1) AND NOT EXISTS (
         SELECT 1 FROM app_user u WHERE u.subproject_id = municipality.subproject_id)`,
      [municipalities],
    );
    await queryRunner.query(
      `DELETE FROM subproject s WHERE s.name = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM municipality m WHERE m.subproject_id = s.id)
         AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.subproject_id = s.id)`,
      [DEFAULT_ORGANISATION.map((entry) => entry.subproject)],
    );
    await queryRunner.query(
      `DELETE FROM federation f WHERE f.name = ANY($1)
         AND NOT EXISTS (SELECT 1 FROM subproject s WHERE s.federation_id = f.id)`,
      [DEFAULT_ORGANISATION.map((entry) => entry.federation)],
    );
  }
}
