import { User } from '../../src/modules/user/user.entity';
import { createApiToken, createUser, TEST_PASSWORD } from './factories';
import { HttpClient } from './http-client';
import { TestApp } from './test-app';

/** The organisation as GET /api/organisation returns it. */
export interface OrganisationTree {
  federations: Array<{ id: string; name: string; subprojects: Array<{ id: string; name: string; municipalities: Array<{ id: string; name: string }> }> }>;
}

/** A kommun's id and its delprojekt's name, or undefined when the tree has no kommun of that name. */
export function findMunicipality(tree: OrganisationTree, name: string): { id: string; subproject: string } | undefined {
  for (const federation of tree.federations) {
    for (const subproject of federation.subprojects) {
      const municipality = subproject.municipalities.find((m) => m.name === name);
      if (municipality) return { id: municipality.id, subproject: subproject.name };
    }
  }
  return undefined;
}

/** A kommun's id; throws when there is none, so a renamed or missing kommun fails where it is looked up. */
export function municipalityId(tree: OrganisationTree, name: string): string {
  const found = findMunicipality(tree, name);
  if (!found) throw new Error(`no kommun ${name}`);
  return found.id;
}

export interface AdminSession {
  user: User;
  /** Signed in through the login page (cookie and CSRF), for pages and the API alike. */
  admin: HttpClient;
  /** An API key of the same admin, for requests as an integration sends them. */
  token: string;
}

/** A new administrator, signed in, with an API key: what the organisation and user specs start from. */
export async function signInNewAdmin(t: TestApp): Promise<AdminSession> {
  const user = await createUser(t.app, 'admin');
  const admin = new HttpClient(t.baseUrl);
  await admin.login(user.email, TEST_PASSWORD);
  return { user, admin, token: await createApiToken(t.app, user) };
}
