import { FastifyRequest } from 'fastify';
import { Role } from './role';

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  subprojectId: string | null;
}

export type AuthMethod = 'session' | 'bearer';

export type AuthenticatedRequest = FastifyRequest & {
  user?: AuthUser;
  authMethod?: AuthMethod;
  sessionId?: string;
  csrfToken?: string;
};

/** API requests answer in JSON; everything else is a page. */
export function isApiRequest(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0];
  return path === '/api' || path.startsWith('/api/') || path === '/health';
}
