import { ApiToken } from '../modules/auth/api-token.entity';
import { LoginAttempt } from '../modules/auth/login-attempt.entity';
import { UserSession } from '../modules/auth/user-session.entity';
import { Federation } from '../modules/organisation/federation.entity';
import { Municipality } from '../modules/organisation/municipality.entity';
import { Subproject } from '../modules/organisation/subproject.entity';
import { User } from '../modules/user/user.entity';

/** Every entity, listed explicitly so the app, CLI and tests agree without globbing. */
export const ALL_ENTITIES = [Federation, Subproject, Municipality, User, UserSession, ApiToken, LoginAttempt];
