import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { FederationCreateDto, MunicipalityCreateDto, SubprojectCreateDto } from './dto/organisation.dto';
import { Federation } from './federation.entity';
import { Municipality } from './municipality.entity';
import { Subproject } from './subproject.entity';

export interface OrganisationTree {
  federations: Array<{
    id: string;
    name: string;
    subprojects: Array<{ id: string; name: string; municipalities: Array<{ id: string; name: string }> }>;
  }>;
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

  async findMunicipalityByName(name: string): Promise<Municipality | null> {
    return this.municipalities.createQueryBuilder('m').where('lower(m.name) = lower(:name)', { name: name.trim() }).getOne();
  }

  async createFederation(dto: FederationCreateDto): Promise<Federation> {
    return this.saveUnique(() => this.federations.save(this.federations.create({ name: dto.name })), `Det finns redan ett förbund som heter ${dto.name}.`);
  }

  async createSubproject(dto: SubprojectCreateDto): Promise<Subproject> {
    if (!(await this.federations.exists({ where: { id: dto.federationId } }))) throw new NotFoundError('Samordningsförbundet');
    return this.saveUnique(
      () => this.subprojects.save(this.subprojects.create({ name: dto.name, federationId: dto.federationId })),
      `Det finns redan ett delprojekt som heter ${dto.name}.`,
    );
  }

  async createMunicipality(dto: MunicipalityCreateDto): Promise<Municipality> {
    await this.getSubproject(dto.subprojectId);
    return this.saveUnique(
      () => this.municipalities.save(this.municipalities.create({ name: dto.name, subprojectId: dto.subprojectId })),
      `Det finns redan en kommun som heter ${dto.name}.`,
    );
  }

  /** Moving a kommun changes which delprojekt owns its future reports. */
  async moveMunicipality(id: string, subprojectId: string): Promise<Municipality> {
    const municipality = await this.getMunicipality(id);
    await this.getSubproject(subprojectId);
    municipality.subprojectId = subprojectId;
    return this.municipalities.save(municipality);
  }

  private async saveUnique<T>(save: () => Promise<T>, duplicateMessage: string): Promise<T> {
    try {
      return await save();
    } catch (error) {
      if (isUniqueViolation(error)) throw new DomainError('duplicate_name', duplicateMessage, 409);
      throw error;
    }
  }
}
