import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { FederationCreateDto, MunicipalityCreateDto, SubprojectCreateDto } from './dto/organisation.dto';
import { Federation } from './federation.entity';
import { Municipality } from './municipality.entity';
import { sameNameCondition } from './organisation-name.query';
import { Subproject } from './subproject.entity';
import { activeLeadSql } from '../user/active-lead.sql';

export interface OrganisationTree {
  federations: Array<{
    id: string;
    name: string;
    subprojects: Array<{ id: string; name: string; municipalities: Array<{ id: string; name: string }> }>;
  }>;
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
        subprojects: subprojects
          .filter((subproject) => subproject.federationId === federation.id)
          .map((subproject) => ({
            id: subproject.id,
            name: subproject.name,
            municipalities: municipalities
              .filter((municipality) => municipality.subprojectId === subproject.id)
              .map(({ id, name }) => ({ id, name })),
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

  listSubprojects(): Promise<Subproject[]> {
    return this.subprojects.find({ order: { name: 'ASC' } });
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
   * right delprojekt afterwards. Names a kommun could not have (under 2 or over 80 characters) are left
   * for the import to refuse. Returns the names added, in the order given.
   */
  async addMissingMunicipalities(names: Iterable<string>): Promise<string[]> {
    const added: string[] = [];
    const seen = new Set<string>();
    for (const raw of names) {
      const name = raw.trim();
      const key = name.toLocaleLowerCase('sv');
      if (name.length < 2 || name.length > 80 || seen.has(key)) continue;
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

  async createSubproject(dto: SubprojectCreateDto): Promise<Subproject> {
    if (!(await this.federations.exists({ where: { id: dto.federationId } }))) throw new NotFoundError('Samordningsförbundet');
    return this.saveUnique(
      () => this.subprojects.save(this.subprojects.create({ name: dto.name, federationId: dto.federationId })),
      this.subprojects,
      dto.name,
      (taken) => `Det finns redan ett delprojekt som heter ${taken}.`,
    );
  }

  async createMunicipality(dto: MunicipalityCreateDto): Promise<Municipality> {
    await this.getSubproject(dto.subprojectId);
    return this.saveUnique(
      () => this.municipalities.save(this.municipalities.create({ name: dto.name, subprojectId: dto.subprojectId })),
      this.municipalities,
      dto.name,
      (taken) => `Det finns redan en kommun som heter ${taken}.`,
    );
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
      const [target, source] = await Promise.all([
        manager.findOne(Subproject, { where: { id: subprojectId } }),
        manager.findOne(Subproject, { where: { id: municipality.subprojectId } }),
      ]);
      if (!target) throw new NotFoundError('Delprojektet');
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
