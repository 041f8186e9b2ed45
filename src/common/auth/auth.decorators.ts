import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Role } from './role';
import { AuthenticatedRequest, AuthUser } from './auth-user';

export const IS_PUBLIC_KEY = 'avvikelser:public';
export const ROLES_KEY = 'avvikelser:roles';

/** Opens a route to anonymous visitors; everything else requires sign-in. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/** Restricts a route to the given roles. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** The signed-in user; the guard guarantees it on non-public routes. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.user) throw new Error('CurrentUser used on a route without a signed-in user');
  return request.user;
});
