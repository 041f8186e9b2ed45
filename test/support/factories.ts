import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '../../src/common/auth/role';
import { AuthService } from '../../src/modules/auth/auth.service';
import { OrganisationService } from '../../src/modules/organisation/organisation.service';
import { User } from '../../src/modules/user/user.entity';
import { UserService } from '../../src/modules/user/user.service';

export const TEST_PASSWORD = 'testlosenord-1234';
let sequence = 0;

export async function subprojectId(app: NestFastifyApplication, name: string): Promise<string> {
  const subproject = (await app.get(OrganisationService).listSubprojects()).find((s) => s.name === name);
  if (!subproject) throw new Error(`Inget delprojekt ${name}`);
  return subproject.id;
}

export async function createUser(
  app: NestFastifyApplication,
  role: Role,
  options: { subproject?: string; email?: string; name?: string } = {},
): Promise<User> {
  sequence += 1;
  const subproject = options.subproject ?? (role === 'staff' || role === 'lead' ? 'MIA Östra Södertörn' : undefined);
  return app.get(UserService).create({
    email: options.email ?? `${role}.${sequence}.${Date.now()}@test.mia.se`,
    name: options.name ?? `Test ${role} ${sequence}`,
    role,
    subprojectId: subproject ? await subprojectId(app, subproject) : undefined,
    password: TEST_PASSWORD,
  });
}

export async function createApiToken(app: NestFastifyApplication, user: User): Promise<string> {
  return (await app.get(AuthService).createApiToken(user.id, 'test')).token;
}
