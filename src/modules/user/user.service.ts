import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, QueryFailedError, Repository } from 'typeorm';
import { PasswordHasher } from '../../common/auth/password-hasher';
import { Clock } from '../../common/clock/clock';
import { Role, SUBPROJECT_ROLES } from '../../common/auth/role';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { OrganisationService } from '../organisation/organisation.service';
import { UserCreateDto, UserUpdateDto } from './dto/user.dto';
import { User } from './user.entity';

/** What the user page asks and the API warns: a delprojekt without an active lead has its reports go to the analysts. */
export function noActiveLeadMessage(subprojectName: string): string {
  return `${subprojectName} har då ingen aktiv delprojektledare: nya avvikelser där går till verksamhetsutvecklarna i stället.`;
}

/** One message, at the field and as the error: the summary then says it once. */
export class SubprojectRequiredError extends DomainError {
  constructor() {
    const message = 'Medarbetare och delprojektledare måste höra till ett delprojekt. Välj ett delprojekt.';
    super('subproject_required', message, 400, [{ field: 'subprojectId', message }]);
  }
}

/** Without an active administrator no one can manage users or the organisation again, short of the database. */
export class LastAdminError extends DomainError {
  constructor(name: string, field: 'role' | 'active') {
    const what = field === 'role' ? 'kan inte få en annan roll' : 'kan inte stängas av';
    const message = `${name} är den enda aktiva administratören och ${what}: då kan ingen längre hantera användare och organisation. Ge först någon annan rollen Administratör.`;
    super('last_admin', message, 409, [{ field, message }]);
  }
}

/** What an administrator is asked before changing their own account so that they lose the administrator's pages. */
export function ownAdminLossMessage(change: 'role' | 'active'): string {
  return change === 'role'
    ? 'Du tar bort din egen administratörsbehörighet. När du har sparat kommer du inte längre åt Användare, Organisation och Utskick, och bara en annan administratör kan ge dig behörigheten tillbaka.'
    : 'Du stänger av ditt eget konto. Du loggas ut när du har sparat och kan inte logga in igen förrän en annan administratör aktiverar kontot.';
}

/** Whether a change takes an active administrator's administration away: another role, or deactivated. */
function removesAdmin(current: { role: Role; active: boolean }, role: Role, active: boolean): 'role' | 'active' | null {
  if (current.role !== 'admin' || !current.active) return null;
  if (role !== 'admin') return 'role';
  return active ? null : 'active';
}

@Injectable()
export class UserService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly organisation: OrganisationService,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  list(): Promise<User[]> {
    return this.users.find({ relations: { subproject: true }, order: { name: 'ASC' } });
  }

  count(): Promise<number> {
    return this.users.count();
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findOne({ where: { id }, relations: { subproject: true } });
    if (!user) throw new NotFoundError('Användaren');
    return user;
  }

  /** Leads of a delprojekt: who gets its mail and can take its reports. */
  leadsOf(subprojectId: string): Promise<User[]> {
    return this.users.find({ where: { subprojectId, role: 'lead', active: true }, order: { name: 'ASC' } });
  }

  byRole(role: Role): Promise<User[]> {
    return this.users.find({ where: { role, active: true }, order: { name: 'ASC' } });
  }

  async create(dto: UserCreateDto): Promise<User> {
    const subprojectId = await this.checkSubproject(dto.role, dto.subprojectId ?? null);
    const passwordHash = await this.hasher.hash(dto.password);
    try {
      const saved = await this.users.save(
        this.users.create({ email: dto.email, name: dto.name, role: dto.role, subprojectId, passwordHash, active: true }),
      );
      return this.get(saved.id);
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new DomainError('duplicate_email', `Det finns redan en användare med e-postadressen ${dto.email}.`, 409, [
          { field: 'email', message: 'E-postadressen används redan.' },
        ]);
      }
      throw error;
    }
  }

  /**
   * Checks a change without saving it, so a form can point out what is wrong before it asks anything: a delprojekt
   * the role needs, and the last active administrator. update() checks again where it saves.
   */
  async checkUpdate(id: string, dto: UserUpdateDto): Promise<void> {
    const user = await this.get(id);
    const role = dto.role ?? user.role;
    await this.checkSubproject(role, dto.subprojectId !== undefined ? dto.subprojectId : user.subprojectId, user.subprojectId);
    const removed = removesAdmin(user, role, dto.active ?? user.active);
    if (removed && (await this.users.count({ where: { role: 'admin', active: true, id: Not(id) } })) === 0) throw new LastAdminError(user.name, removed);
  }

  async update(id: string, dto: UserUpdateDto): Promise<User> {
    const user = await this.get(id);
    const requested = dto.subprojectId !== undefined ? dto.subprojectId : user.subprojectId;
    const subprojectId = await this.checkSubproject(dto.role ?? user.role, requested, user.subprojectId);
    const changes: Partial<User> = { subprojectId };
    if (dto.role !== undefined) changes.role = dto.role;
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.active !== undefined) changes.active = dto.active;
    if (dto.password !== undefined) changes.passwordHash = await this.hasher.hash(dto.password);
    await this.users.manager.transaction(async (manager) => {
      // The active administrators and this user, locked: of two administrators demoting each other at once, the
      // second waits, then finds the first no longer an administrator and is refused. Ordered, so they never deadlock.
      const locked = (await manager.query(
        `SELECT id, role, active FROM app_user WHERE id = $1 OR (role = 'admin' AND active) ORDER BY id FOR UPDATE`,
        [id],
      )) as Array<{ id: string; role: Role; active: boolean }>;
      const current = locked.find((row) => row.id === id);
      if (!current) throw new NotFoundError('Användaren');
      const removed = removesAdmin(current, dto.role ?? current.role, dto.active ?? current.active);
      if (removed && !locked.some((row) => row.id !== id && row.role === 'admin' && row.active)) throw new LastAdminError(user.name, removed);
      await manager.update(User, id, changes);
      // Earlier wrong guesses were at a password that no longer exists: the user signs in with the new
      // one at once, even from a computer that was locked out.
      if (dto.password !== undefined)
        await manager.query('UPDATE login_attempt SET cleared_at = $2 WHERE email = $1 AND NOT succeeded AND cleared_at IS NULL', [user.email, this.clock.now()]);
    });
    return this.get(id);
  }

  /**
   * The delprojekt that this change would leave without an active lead (new reports there would mail no
   * one), or null. Only a change to an active lead can do that: deactivating, another role or another delprojekt.
   */
  async delprojektLeftWithoutLead(id: string, dto: UserUpdateDto): Promise<{ id: string; name: string } | null> {
    const user = await this.get(id);
    if (user.role !== 'lead' || !user.active || !user.subprojectId) return null;
    const role = dto.role ?? user.role;
    const active = dto.active ?? user.active;
    const subprojectId = dto.subprojectId !== undefined ? dto.subprojectId : user.subprojectId;
    if (role === 'lead' && active && subprojectId === user.subprojectId) return null;
    const others = await this.users.count({ where: { subprojectId: user.subprojectId, role: 'lead', active: true, id: Not(id) } });
    if (others > 0) return null;
    const subproject = await this.organisation.getSubproject(user.subprojectId);
    return { id: subproject.id, name: subproject.name };
  }

  /**
   * Staff and leads need a delprojekt; analysts and admins see everything and have none. A retired delprojekt takes
   * no one new; `current` (the user's own, kept unchanged) is let be.
   */
  private async checkSubproject(role: Role, subprojectId: string | null, current: string | null = null): Promise<string | null> {
    if (!SUBPROJECT_ROLES.includes(role)) return null;
    if (!subprojectId) throw new SubprojectRequiredError();
    const subproject = await this.organisation.getSubproject(subprojectId);
    if (subproject.deactivatedAt !== null && subprojectId !== current) {
      const message = `${subproject.name} är avvecklat. Välj ett delprojekt som är i bruk.`;
      throw new DomainError('unit_deactivated', message, 422, [{ field: 'subprojectId', message }]);
    }
    return subprojectId;
  }
}
