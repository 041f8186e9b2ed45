import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, QueryFailedError, Repository } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { FederationCreateDto, MunicipalityCreateDto, SubprojectCreateDto } from './dto/organisation.dto';
import { Federation } from './federation.entity';
import { Municipality } from './municipality.entity';
import { sameNameCondition } from './organisation-name.query';
import { Subproject } from './subproject.entity';
import { activeLeadSql } from '../user/active-lead.sql';

/** `active`: false for a retired ("avvecklad") unit, which stays in the tree for history. */
export interface OrganisationTree {
  federations: Array<{
    id: string;
    name: string;
    active: boolean;
    subprojects: Array<{ id: string; name: string; active: boolean; municipalities: Array<{ id: string; name: string; active: boolean }> }>;
  }>;
}

/** The three kinds of unit, as the pages' addresses (forbund, delprojekt, kommuner) name them. */
export type UnitKind = 'federation' | 'subproject' | 'municipality';

/** Swedish words for one unit of a kind, for messages: "kommunen Tyresö", "Kommunen Tyresö är …". */
export const UNIT_WORDS: Record<UnitKind, { the: string; notFound: string; gender: 'n' | 't' }> = {
  federation: { the: 'förbundet', notFound: 'Samordningsförbundet', gender: 't' },
  subproject: { the: 'delprojektet', notFound: 'Delprojektet', gender: 't' },
  municipality: { the: 'kommunen', notFound: 'Kommunen', gender: 'n' },
};

/** What refers to a unit and so keeps it from being removed: counted in the database when asked. */
export interface UnitReferences {
  kind: UnitKind;
  id: string;
  name: string;
  active: boolean;
  /** Swedish, e.g. "12 avvikelser", "2 användare"; empty when nothing refers to it. */
  references: string[];
  /** Why it cannot be retired either, in Swedish; null when it can (or already is). */
  deactivationBlocked: string | null;
}

const TABLES: Record<UnitKind, string> = { federation: 'federation', subproject: 'subproject', municipality: 'municipality' };

/** "a", "a och b", "a, b och c". */
export function swedishList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} och ${items[items.length - 1]}`;
}

function counted(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function isForeignKeyViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23503';
}

export type MunicipalityMoveOpenDeviations = 'follow' | 'stay';

export interface MunicipalityMoveResult {
  municipality: Municipality;
  fromSubprojectName: string;
  toSubprojectName: string;
  /** Open reports that moved with the kommun. */
  movedDeviations: number;
  /** Open reports that stayed with the old delprojekt. */
  stayedDeviations: number;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error.driverError as { code?: string } | undefined)?.code === '23505';
}

@Injectable()
export class OrganisationService {
  constructor(
    @InjectRepository(Federation) private readonly federations: Repository<Federation>,
    @InjectRepository(Subproject) private readonly subprojects: Repository<Subproject>,
    @InjectRepository(Municipality) private readonly municipalities: Repository<Municipality>,
    private readonly clock: Clock,
  ) {}

  async tree(): Promise<OrganisationTree> {
    const [federations, subprojects, municipalities] = await Promise.all([
      this.federations.find({ order: { name: 'ASC' } }),
      this.subprojects.find({ order: { name: 'ASC' } }),
      this.municipalities.find({ order: { name: 'ASC' } }),
    ]);
    return {
      federations: federations.map((federation) => ({
        id: federation.id,
        name: federation.name,
        active: federation.deactivatedAt === null,
        subprojects: subprojects
          .filter((subproject) => subproject.federationId === federation.id)
          .map((subproject) => ({
            id: subproject.id,
            name: subproject.name,
            active: subproject.deactivatedAt === null,
            municipalities: municipalities
              .filter((municipality) => municipality.subprojectId === subproject.id)
              .map(({ id, name, deactivatedAt }) => ({ id, name, active: deactivatedAt === null })),
          })),
      })),
    };
  }

  /** Delprojekt with no active lead: their new reports mail no one. */
  async subprojectsWithoutActiveLead(): Promise<Array<{ id: string; name: string }>> {
    return (await this.subprojects.query(
      `SELECT s.id, s.name FROM subproject s
        WHERE NOT EXISTS (SELECT 1 FROM app_user u WHERE u.subproject_id = s.id AND ${activeLeadSql('u')})
        ORDER BY s.name`,
    )) as Array<{ id: string; name: string }>;
  }

  /** activeOnly: what can be chosen for something new (a user, a kommun, a move); retired ones stay for history. */
  listSubprojects(options: { activeOnly?: boolean } = {}): Promise<Subproject[]> {
    return this.subprojects.find({ where: options.activeOnly ? { deactivatedAt: IsNull() } : {}, order: { name: 'ASC' } });
  }

  listMunicipalities(subprojectId?: string): Promise<Municipality[]> {
    return this.municipalities.find({ where: subprojectId ? { subprojectId } : {}, order: { name: 'ASC' } });
  }

  async getSubproject(id: string): Promise<Subproject> {
    const subproject = await this.subprojects.findOne({ where: { id } });
    if (!subproject) throw new NotFoundError('Delprojektet');
    return subproject;
  }

  async getMunicipality(id: string): Promise<Municipality> {
    const municipality = await this.municipalities.findOne({ where: { id } });
    if (!municipality) throw new NotFoundError('Kommunen');
    return municipality;
  }

  /** Ignoring case and surrounding spaces, like the import; the unique index makes the answer one or none. */
  async findMunicipalityByName(name: string): Promise<Municipality | null> {
    return this.municipalities.createQueryBuilder('m').where(sameNameCondition('m.name', ':name'), { name }).getOne();
  }

  /** Ignoring case and surrounding spaces, like a kommun. */
  async findSubprojectByName(name: string): Promise<Subproject | null> {
    return this.subprojects.createQueryBuilder('s').where(sameNameCondition('s.name', ':name'), { name }).getOne();
  }

  /**
   * Adds each named kommun the organisation lacks, in a delprojekt and förbund of its own named after it
   * ("MIA Uppsala" in "Samordningsförbundet Uppsala", reused where one by that name exists), as an
   * administrator would before importing reports from outside the organisation; they can be moved to the
   * right delprojekt afterwards. Names a kommun could not have (under 2 or over 80 characters, no letters) are left
   * for the import to refuse. Returns the names added, in the order given.
   */
  async addMissingMunicipalities(names: Iterable<string>): Promise<string[]> {
    const added: string[] = [];
    const seen = new Set<string>();
    for (const raw of names) {
      const name = raw.trim();
      const key = name.toLocaleLowerCase('sv');
      if (name.length < 2 || name.length > 80 || !/\p{L}/u.test(name) || seen.has(key)) continue;
      seen.add(key);
      if (await this.findMunicipalityByName(name)) continue;
      const federationName = `Samordningsförbundet ${name}`;
      const federation =
        (await this.federations.createQueryBuilder('f').where(sameNameCondition('f.name', ':name'), { name: federationName }).getOne()) ??
        (await this.createFederation({ name: federationName }));
      const subproject = (await this.findSubprojectByName(`MIA ${name}`)) ?? (await this.createSubproject({ name: `MIA ${name}`, federationId: federation.id }));
      await this.createMunicipality({ name, subprojectId: subproject.id });
      added.push(name);
    }
    return added;
  }

  async createFederation(dto: FederationCreateDto): Promise<Federation> {
    return this.saveUnique(() => this.federations.save(this.federations.create({ name: dto.name })), this.federations, dto.name, (taken) => `Det finns redan ett förbund som heter ${taken}.`);
  }

  /** In a förbund in use; its row is held (FOR SHARE) until saved, so it cannot be retired meanwhile. */
  async createSubproject(dto: SubprojectCreateDto): Promise<Subproject> {
    return this.saveUnique(
      () =>
        this.subprojects.manager.transaction(async (manager) => {
          await this.lockInUse(manager, 'federation', dto.federationId, 'federationId', (name) => `${name} är avvecklat. Välj ett förbund som är i bruk.`);
          return manager.save(manager.create(Subproject, { name: dto.name, federationId: dto.federationId }));
        }),
      this.subprojects,
      dto.name,
      (taken) => `Det finns redan ett delprojekt som heter ${taken}.`,
    );
  }

  /** In a delprojekt in use, held like createSubproject's förbund. */
  async createMunicipality(dto: MunicipalityCreateDto): Promise<Municipality> {
    return this.saveUnique(
      () =>
        this.municipalities.manager.transaction(async (manager) => {
          await this.lockInUse(manager, 'subproject', dto.subprojectId, 'subprojectId', (name) => `${name} är avvecklat. Välj ett delprojekt som är i bruk.`);
          return manager.save(manager.create(Municipality, { name: dto.name, subprojectId: dto.subprojectId }));
        }),
      this.municipalities,
      dto.name,
      (taken) => `Det finns redan en kommun som heter ${taken}.`,
    );
  }

  /**
   * A unit held (FOR SHARE) for the rest of the transaction, refused when it is missing or retired. Retiring and
   * removing take FOR UPDATE, so they wait for, or are waited for by, whatever puts something new in the unit.
   */
  private async lockInUse(manager: EntityManager, kind: UnitKind, id: string, field: string, retired: (name: string) => string): Promise<string> {
    const rows = (await manager.query(`SELECT name, deactivated_at FROM ${TABLES[kind]} WHERE id = $1 FOR SHARE`, [id])) as Array<{
      name: string;
      deactivated_at: Date | null;
    }>;
    if (!rows[0]) throw new NotFoundError(UNIT_WORDS[kind].notFound);
    if (rows[0].deactivated_at !== null) {
      const message = retired(rows[0].name);
      throw new DomainError('unit_deactivated', message, 422, [{ field, message }]);
    }
    return rows[0].name;
  }

  /**
   * Renames keep the id, so everything that points at a unit (users, reports, events) follows; text written
   * earlier (timeline events, mails, letters' evidence) keeps the name it had. A kommun is found by its new
   * name only: an import by the old name is refused like any unknown kommun.
   */
  async renameFederation(id: string, name: string): Promise<Federation> {
    const federation = await this.federations.findOne({ where: { id } });
    if (!federation) throw new NotFoundError('Samordningsförbundet');
    federation.name = name;
    return this.saveUnique(() => this.federations.save(federation), this.federations, name, (taken) => `Det finns redan ett förbund som heter ${taken}.`, 'name');
  }

  async renameSubproject(id: string, name: string): Promise<Subproject> {
    const subproject = await this.getSubproject(id);
    subproject.name = name;
    return this.saveUnique(() => this.subprojects.save(subproject), this.subprojects, name, (taken) => `Det finns redan ett delprojekt som heter ${taken}.`, 'name');
  }

  async renameMunicipality(id: string, name: string): Promise<Municipality> {
    const municipality = await this.getMunicipality(id);
    municipality.name = name;
    return this.saveUnique(() => this.municipalities.save(municipality), this.municipalities, name, (taken) => `Det finns redan en kommun som heter ${taken}.`, 'name');
  }

  /** Open (not closed) reports from a kommun, which its delprojekt still owns after a move unless they follow. */
  openDeviationCount(municipalityId: string): Promise<number> {
    return this.countOpen(this.municipalities.manager, municipalityId);
  }

  /**
   * Moving a kommun changes which delprojekt owns its future reports. Its open reports stay with the old
   * delprojekt unless `openDeviations` is 'follow': then they move too, in the same transaction, each
   * with a 'moved' event in its timeline and its assignee cleared (the new delprojekt's leads decide).
   */
  async moveMunicipality(
    id: string,
    subprojectId: string,
    options: { openDeviations?: MunicipalityMoveOpenDeviations; actorId?: string | null } = {},
  ): Promise<MunicipalityMoveResult> {
    return this.municipalities.manager.transaction(async (manager) => {
      const municipality = await manager.findOne(Municipality, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!municipality) throw new NotFoundError('Kommunen');
      if (municipality.deactivatedAt !== null) {
        const message = `${municipality.name} är avvecklad. Ta den i bruk igen innan du flyttar den.`;
        throw new DomainError('unit_deactivated', message, 422, [{ field: 'subprojectId', message }]);
      }
      const targetName = await this.lockInUse(manager, 'subproject', subprojectId, 'subprojectId', (name) => `${name} är avvecklat. Välj ett delprojekt som är i bruk.`);
      const source = await manager.findOne(Subproject, { where: { id: municipality.subprojectId } });
      const target = { name: targetName };
      if (municipality.subprojectId === subprojectId) {
        const message = `${municipality.name} hör redan till ${target.name}. Välj ett annat delprojekt.`;
        throw new DomainError('same_subproject', message, 422, [{ field: 'subprojectId', message }]);
      }
      municipality.subprojectId = subprojectId;
      await manager.save(municipality);
      let movedDeviations = 0;
      if (options.openDeviations === 'follow') {
        const moved = (await manager.query(
          `WITH open AS (
             SELECT id, subproject_id, assignee_id FROM deviation
              WHERE municipality_id = $1 AND status <> 'avslutad' AND subproject_id <> $2
              FOR UPDATE),
           updated AS (
             UPDATE deviation d SET subproject_id = $2, assignee_id = NULL, updated_at = $5 FROM open o WHERE d.id = o.id RETURNING d.id)
           INSERT INTO deviation_event (deviation_id, actor_id, kind, before, after, created_at)
           SELECT o.id, $4, 'moved',
                  jsonb_build_object('municipalityId', $1::uuid, 'municipalityName', $3::text, 'subprojectId', o.subproject_id, 'subprojectName', s.name)
                    || CASE WHEN o.assignee_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('assigneeId', o.assignee_id) END,
                  jsonb_build_object('municipalityId', $1::uuid, 'municipalityName', $3::text, 'subprojectId', $2::uuid, 'subprojectName', $6::text,
                                     'comment', 'Kommunen flyttades till ' || $6::text || '.')
                    || CASE WHEN o.assignee_id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('assigneeId', NULL) END,
                  $5
             FROM open o JOIN subproject s ON s.id = o.subproject_id JOIN updated u ON u.id = o.id
           RETURNING id`,
          [municipality.id, subprojectId, municipality.name, options.actorId ?? null, this.clock.now(), target.name],
        )) as unknown[];
        movedDeviations = moved.length;
      }
      const stayed = options.openDeviations === 'follow' ? 0 : await this.countOpen(manager, municipality.id);
      return { municipality, fromSubprojectName: source?.name ?? '', toSubprojectName: target.name, movedDeviations, stayedDeviations: stayed };
    });
  }

  /**
   * What refers to a unit, counted in the database: for a kommun its reports and timeline events that name it (a
   * report moved away from it); for a delprojekt its kommuner, users (also deactivated ones), reports and such events;
   * for a förbund its delprojekt. Anything of these keeps it from being removed: it can only be retired.
   */
  async references(kind: UnitKind, id: string, manager: EntityManager = this.municipalities.manager): Promise<UnitReferences> {
    const rows = (await manager.query(`SELECT name, deactivated_at FROM ${TABLES[kind]} WHERE id = $1`, [id])) as Array<{ name: string; deactivated_at: Date | null }>;
    if (!rows[0]) throw new NotFoundError(UNIT_WORDS[kind].notFound);
    const count = async (sql: string): Promise<number> => ((await manager.query(sql, [id])) as Array<{ n: number }>)[0].n;
    const references: string[] = [];
    const add = (n: number, one: string, many: string): void => {
      if (n > 0) references.push(counted(n, one, many));
    };
    const events = (key: string): string =>
      `SELECT count(*)::int AS n FROM deviation_event WHERE kind = 'moved' AND ((before->>'${key}') = $1::text OR (after->>'${key}') = $1::text)`;
    let deactivationBlocked: string | null = null;
    if (kind === 'municipality') {
      add(await count(`SELECT count(*)::int AS n FROM deviation WHERE municipality_id = $1`), 'avvikelse', 'avvikelser');
      add(await count(events('municipalityId')), 'flytt i avvikelsers tidslinjer', 'flyttar i avvikelsers tidslinjer');
    } else if (kind === 'subproject') {
      const municipalities = (await manager.query(`SELECT name, deactivated_at FROM municipality WHERE subproject_id = $1 ORDER BY name`, [id])) as Array<{
        name: string;
        deactivated_at: Date | null;
      }>;
      add(municipalities.length, 'kommun', 'kommuner');
      const users = (await manager.query(`SELECT count(*)::int AS n, count(*) FILTER (WHERE active)::int AS active FROM app_user WHERE subproject_id = $1`, [id])) as Array<{
        n: number;
        active: number;
      }>;
      add(users[0].n, 'användare', 'användare');
      add(await count(`SELECT count(*)::int AS n FROM deviation WHERE subproject_id = $1`), 'avvikelse', 'avvikelser');
      add(await count(events('subprojectId')), 'flytt i avvikelsers tidslinjer', 'flyttar i avvikelsers tidslinjer');
      const open = await count(`SELECT count(*)::int AS n FROM deviation WHERE subproject_id = $1 AND status <> 'avslutad'`);
      const inUse = municipalities.filter((m) => m.deactivated_at === null).map((m) => m.name);
      const blocks: string[] = [];
      if (inUse.length > 0) blocks.push(`flytta eller avveckla först ${inUse.length === 1 ? 'kommunen' : 'kommunerna'} ${swedishList(inUse)}`);
      if (users[0].active > 0) blocks.push(`flytta ${counted(users[0].active, 'aktiv användare', 'aktiva användare')} till ett annat delprojekt eller stäng av ${users[0].active === 1 ? 'kontot' : 'kontona'} under Användare`);
      if (open > 0) blocks.push(`avsluta eller flytta ${counted(open, 'öppen avvikelse', 'öppna avvikelser')}`);
      if (blocks.length > 0) deactivationBlocked = `${rows[0].name} kan inte avvecklas än: ${blocks.join('; ')}.`;
    } else {
      const subprojects = (await manager.query(`SELECT name, deactivated_at FROM subproject WHERE federation_id = $1 ORDER BY name`, [id])) as Array<{
        name: string;
        deactivated_at: Date | null;
      }>;
      add(subprojects.length, 'delprojekt', 'delprojekt');
      const inUse = subprojects.filter((sp) => sp.deactivated_at === null).map((sp) => sp.name);
      if (inUse.length > 0) deactivationBlocked = `${rows[0].name} kan inte avvecklas än: flytta eller avveckla först ${inUse.length === 1 ? 'delprojektet' : 'delprojekten'} ${swedishList(inUse)}.`;
    }
    return { kind, id, name: rows[0].name, active: rows[0].deactivated_at === null, references, deactivationBlocked };
  }

  /**
   * Deletes a unit nothing refers to. Checked under the unit's row lock, which anything new in it (a report, a user,
   * a kommun) waits for; the foreign keys refuse whatever the count did not know about.
   */
  async remove(kind: UnitKind, id: string): Promise<{ name: string }> {
    return this.municipalities.manager.transaction(async (manager) => {
      await manager.query(`SELECT 1 FROM ${TABLES[kind]} WHERE id = $1 FOR UPDATE`, [id]);
      const found = await this.references(kind, id, manager);
      const words = UNIT_WORDS[kind];
      if (found.references.length > 0) {
        const message = `${found.name} kan inte tas bort: ${swedishList(found.references)} hänvisar till ${words.the}. Avveckla ${words.gender === 't' ? 'det' : 'den'} i stället, så finns ${words.gender === 't' ? 'det' : 'den'} kvar i historiken.`;
        throw new DomainError('unit_in_use', message, 409, [{ field: 'unit', message }], { references: found.references });
      }
      try {
        await manager.query(`DELETE FROM ${TABLES[kind]} WHERE id = $1`, [id]);
      } catch (error) {
        if (!isForeignKeyViolation(error)) throw error;
        const message = `${found.name} kan inte tas bort: något i databasen hänvisar fortfarande till ${words.the}. Avveckla ${words.gender === 't' ? 'det' : 'den'} i stället.`;
        throw new DomainError('unit_in_use', message, 409, [{ field: 'unit', message }]);
      }
      return { name: found.name };
    });
  }

  /**
   * Retires a unit: it stays for history (reports, lists, filters, exports) but is offered for nothing new. A
   * delprojekt must first be empty of kommuner in use, active users and open reports; a förbund of delprojekt in use.
   */
  async deactivate(kind: UnitKind, id: string): Promise<{ name: string }> {
    return this.municipalities.manager.transaction(async (manager) => {
      await manager.query(`SELECT 1 FROM ${TABLES[kind]} WHERE id = $1 FOR UPDATE`, [id]);
      const found = await this.references(kind, id, manager);
      const words = UNIT_WORDS[kind];
      if (!found.active) {
        const message = `${found.name} är redan avveckla${words.gender === 't' ? 't' : 'd'}.`;
        throw new DomainError('already_deactivated', message, 409, [{ field: 'unit', message }]);
      }
      if (found.deactivationBlocked) throw new DomainError('unit_in_use', found.deactivationBlocked, 409, [{ field: 'unit', message: found.deactivationBlocked }]);
      await manager.query(`UPDATE ${TABLES[kind]} SET deactivated_at = $2, updated_at = $2 WHERE id = $1`, [id, this.clock.now()]);
      return { name: found.name };
    });
  }

  /** Back in use; a kommun needs its delprojekt in use, a delprojekt its förbund. */
  async reactivate(kind: UnitKind, id: string): Promise<{ name: string }> {
    return this.municipalities.manager.transaction(async (manager) => {
      const rows = (await manager.query(`SELECT name FROM ${TABLES[kind]} WHERE id = $1 FOR UPDATE`, [id])) as Array<{ name: string }>;
      if (!rows[0]) throw new NotFoundError(UNIT_WORDS[kind].notFound);
      const parent: Partial<Record<UnitKind, { kind: UnitKind; column: string }>> = {
        municipality: { kind: 'subproject', column: 'subproject_id' },
        subproject: { kind: 'federation', column: 'federation_id' },
      };
      const up = parent[kind];
      if (up) {
        const [{ parent_id: parentId }] = (await manager.query(`SELECT ${up.column} AS parent_id FROM ${TABLES[kind]} WHERE id = $1`, [id])) as Array<{ parent_id: string }>;
        await this.lockInUse(manager, up.kind, parentId, 'unit', (name) => `${rows[0].name} hör till ${name}, som är avvecklat. Ta ${name} i bruk igen först.`);
      }
      await manager.query(`UPDATE ${TABLES[kind]} SET deactivated_at = NULL, updated_at = $2 WHERE id = $1`, [id, this.clock.now()]);
      return { name: rows[0].name };
    });
  }

  private async countOpen(manager: EntityManager, municipalityId: string): Promise<number> {
    const [{ n }] = (await manager.query(`SELECT count(*)::int AS n FROM deviation WHERE municipality_id = $1 AND status <> 'avslutad'`, [municipalityId])) as Array<{
      n: number;
    }>;
    return n;
  }

  /**
   * Names are unique ignoring case and surrounding spaces (the database's unique index says so). The
   * message names the unit that holds the name as it is spelt, so "huddinge" is told about "Huddinge".
   */
  private async saveUnique<T, U extends { name: string }>(
    save: () => Promise<T>,
    repository: Repository<U>,
    name: string,
    duplicateMessage: (takenName: string) => string,
    field?: string,
  ): Promise<T> {
    try {
      return await save();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const holder = await repository.createQueryBuilder('unit').where(sameNameCondition('unit.name', ':name'), { name }).getOne();
      const message = duplicateMessage(holder?.name ?? name);
      throw new DomainError('duplicate_name', message, 409, field ? [{ field, message }] : []);
    }
  }
}
