import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AuthUser } from '../../common/auth/auth-user';
import { PasswordHasher } from '../../common/auth/password-hasher';
import { hashSecret, newSecret } from '../../common/auth/tokens';
import { Clock } from '../../common/clock/clock';
import { DomainError, NotFoundError } from '../../common/errors/domain-error';
import { User } from '../user/user.entity';
import { ApiToken } from './api-token.entity';
import { LoginAttempt } from './login-attempt.entity';
import { clientKey, CountedFailure, decideLoginThrottle, LOGIN_WINDOW_MS, LoginLimit, minutesUntil } from './login-throttle';
import { UserSession } from './user-session.entity';

export const SESSION_COOKIE = 'avv_sid';
const SESSION_IDLE_MS = 12 * 3_600_000;
const SESSION_TOUCH_MS = 5 * 60_000;
/** Tokens are looked up on every API call; a short cache keeps that off the database. */
const TOKEN_CACHE_MS = 10_000;
const TOKEN_PREFIX = 'avv_';

/**
 * What each lock says at sign-in. None says whether the address has an account: unknown addresses are
 * counted and locked the same way.
 */
const SIGN_IN_LOCKED: Record<LoginLimit, (minutes: string) => string> = {
  pair: (minutes) =>
    `För många misslyckade inloggningar med den här e-postadressen från den här datorn eller det här nätverket. Försök igen om ${minutes}. ` +
    'Har du glömt lösenordet? Administratören i ditt projekt ger dig ett nytt, och det gäller direkt.',
  ip: (minutes) =>
    `För många misslyckade inloggningar från den här datorn eller det här nätverket, med olika e-postadresser. Försök igen om ${minutes}.`,
  account: (minutes) =>
    `Inloggningen med den här e-postadressen är spärrad en stund efter många misslyckade försök från olika datorer. Försök igen om ${minutes}. ` +
    'Säg till administratören i ditt projekt om det händer igen.',
};

/** The same locks met on Byt lösenord, where the user is signed in and it is their own account. */
const PASSWORD_CHANGE_LOCKED: Record<LoginLimit, (minutes: string) => string> = {
  pair: (minutes) =>
    `Du har skrivit fel nuvarande lösenord för många gånger. Du är fortfarande inloggad, men från den här datorn går det inte att byta lösenord eller logga in igen förrän om ${minutes}. ` +
    'Har du glömt lösenordet? Be administratören i ditt projekt om ett nytt; det gäller direkt.',
  ip: (minutes) =>
    `För många misslyckade inloggningar från den här datorn eller det här nätverket. Du är fortfarande inloggad; försök byta lösenord igen om ${minutes}.`,
  account: (minutes) =>
    `Ditt konto har fått många misslyckade inloggningar från olika datorer, så lösenordet kan inte bytas just nu. Försök igen om ${minutes} och säg till administratören i ditt projekt.`,
};

function minutesText(minutes: number): string {
  return minutes === 1 ? '1 minut' : `${minutes} minuter`;
}

export class LoginRateLimitedError extends DomainError {
  constructor(
    readonly limit: LoginLimit,
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super('login_rate_limited', message, 429);
  }
}

export class InvalidCredentialsError extends DomainError {
  constructor() {
    super('invalid_credentials', 'Fel e-postadress eller lösenord.', 401);
  }
}

export class WrongCurrentPasswordError extends DomainError {
  constructor() {
    super('wrong_current_password', 'Det nuvarande lösenordet stämmer inte.', 400, [
      { field: 'currentPassword', message: 'Det nuvarande lösenordet stämmer inte.' },
    ]);
  }
}

export interface CreatedApiToken {
  id: string;
  name: string;
  token: string;
  prefix: string;
}

function toAuthUser(user: User): AuthUser {
  return { id: user.id, email: user.email, name: user.name, role: user.role, subprojectId: user.subprojectId };
}

@Injectable()
export class AuthService {
  private readonly tokenCache = new Map<string, { user: AuthUser; tokenId: string; until: number }>();
  private dummyHash: Promise<string> | null = null;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(UserSession) private readonly sessions: Repository<UserSession>,
    @InjectRepository(ApiToken) private readonly tokens: Repository<ApiToken>,
    @InjectRepository(LoginAttempt) private readonly attempts: Repository<LoginAttempt>,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  /** Signs in: checks the password (see checkPassword) and notes when. */
  async verifyCredentials(emailInput: string, password: string, ip: string): Promise<AuthUser> {
    const user = await this.checkPassword(emailInput, password, ip);
    await this.users.update(user.id, { lastLoginAt: this.clock.now() });
    return toAuthUser(user);
  }

  /**
   * Changes the signed-in user's own password. A wrong current password counts as a failed sign-in
   * (same lock-out), so the form cannot be used to guess. Every other session of the user ends;
   * the one given (this browser) is kept. Passwords are never logged.
   */
  async changeOwnPassword(user: AuthUser, keepSessionId: string | undefined, currentPassword: string, newPassword: string, ip: string): Promise<void> {
    try {
      await this.checkPassword(user.email, currentPassword, ip, PASSWORD_CHANGE_LOCKED);
    } catch (error) {
      if (error instanceof InvalidCredentialsError) throw new WrongCurrentPasswordError();
      throw error;
    }
    if (currentPassword === newPassword) {
      throw new DomainError('password_unchanged', 'Det nya lösenordet är samma som det nuvarande.', 400, [
        { field: 'newPassword', message: 'Välj ett annat lösenord än det du har nu.' },
      ]);
    }
    const passwordHash = await this.hasher.hash(newPassword);
    await this.users.manager.transaction(async (manager) => {
      await manager.update(User, user.id, { passwordHash });
      await manager.query('DELETE FROM user_session WHERE user_id = $1 AND ($2::uuid IS NULL OR id <> $2::uuid)', [user.id, keepSessionId ?? null]);
    });
  }

  /**
   * Checks the password under the sign-in limits (login-throttle.ts): failures count per e-mail and
   * client together, per client across all e-mails, and per e-mail from everywhere (a high ceiling).
   * The attempt is written as a failure before the password is checked, so requests sent in parallel
   * see each other and cannot slip past a limit while the hash is computed; a blocked attempt is
   * removed again so that waiting, not retrying, is what lifts a lock. Success clears the pair's failures.
   */
  private async checkPassword(
    emailInput: string,
    password: string,
    ip: string,
    lockedMessages: Record<LoginLimit, (minutes: string) => string> = SIGN_IN_LOCKED,
  ): Promise<User> {
    const email = emailInput.trim().toLowerCase();
    const client = clientKey(ip);
    const now = this.clock.now();
    const [{ id: attemptId }] = (await this.attempts.query(
      'INSERT INTO login_attempt (email, ip, succeeded, created_at) VALUES ($1, $2, false, $3) RETURNING id',
      [email, client, now],
    )) as Array<{ id: string }>;
    const rows = (await this.attempts.query(
      `SELECT email, ip, created_at FROM login_attempt
        WHERE (email = $1 OR ip = $2) AND NOT succeeded AND cleared_at IS NULL AND created_at > $3 AND id <> $4`,
      [email, client, new Date(now.getTime() - LOGIN_WINDOW_MS), attemptId],
    )) as Array<{ email: string; ip: string; created_at: Date }>;
    const failures: CountedFailure[] = rows.map((row) => ({ email: row.email, client: row.ip, at: row.created_at }));
    const decision = decideLoginThrottle(failures, { email, client }, now);
    if (!decision.allowed) {
      await this.attempts.delete(attemptId);
      const minutes = minutesUntil(decision.retryAt, now);
      throw new LoginRateLimitedError(decision.limit, minutes * 60, lockedMessages[decision.limit](minutesText(minutes)));
    }

    const user = await this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.email = :email', { email })
      .getOne();
    // Verify against a dummy hash for unknown e-mails so timing does not reveal which exist.
    this.dummyHash ??= this.hasher.hash(newSecret());
    const ok = await this.hasher.verify(user?.passwordHash ?? (await this.dummyHash), password);
    if (!ok || !user || !user.active) throw new InvalidCredentialsError();
    await this.attempts.manager.transaction(async (manager) => {
      await manager.query('UPDATE login_attempt SET succeeded = true WHERE id = $1', [attemptId]);
      await manager.query(
        `UPDATE login_attempt SET cleared_at = $3
          WHERE email = $1 AND ip = $2 AND NOT succeeded AND cleared_at IS NULL AND created_at > $4`,
        [email, client, now, new Date(now.getTime() - LOGIN_WINDOW_MS)],
      );
    });
    return user;
  }

  async createSession(userId: string): Promise<string> {
    const token = newSecret();
    const now = this.clock.now();
    await this.sessions.insert({
      tokenHash: hashSecret(token),
      userId,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_IDLE_MS),
    });
    return token;
  }

  async resolveSession(token: string): Promise<{ user: AuthUser; sessionId: string } | null> {
    const now = this.clock.now();
    // Session and its active user in one round trip: this runs on every page.
    const [row] = (await this.sessions.query(
      `SELECT s.id AS session_id, s.last_seen_at, u.id, u.email, u.name, u.role, u.subproject_id
         FROM user_session s JOIN app_user u ON u.id = s.user_id AND u.active
        WHERE s.token_hash = $1 AND s.expires_at > $2`,
      [hashSecret(token), now],
    )) as Array<{ session_id: string; last_seen_at: Date; id: string; email: string; name: string; role: AuthUser['role']; subproject_id: string | null }>;
    if (!row) return null;
    if (now.getTime() - row.last_seen_at.getTime() > SESSION_TOUCH_MS) {
      await this.sessions.update(row.session_id, { lastSeenAt: now, expiresAt: new Date(now.getTime() + SESSION_IDLE_MS) });
    }
    return { user: { id: row.id, email: row.email, name: row.name, role: row.role, subprojectId: row.subproject_id }, sessionId: row.session_id };
  }

  async destroySession(token: string): Promise<void> {
    await this.sessions.delete({ tokenHash: hashSecret(token) });
  }

  async createApiToken(userId: string, name: string, expiresAt: Date | null = null): Promise<CreatedApiToken> {
    const token = newSecret(TOKEN_PREFIX);
    const prefix = token.slice(0, TOKEN_PREFIX.length + 6);
    const saved = await this.tokens.save(this.tokens.create({ name, tokenHash: hashSecret(token), prefix, userId, expiresAt }));
    return { id: saved.id, name: saved.name, token, prefix };
  }

  async listApiTokens(userId: string): Promise<ApiToken[]> {
    return this.tokens.find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'DESC' } });
  }

  async revokeApiToken(userId: string, tokenId: string): Promise<void> {
    const result = await this.tokens.update({ id: tokenId, userId, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
    if (!result.affected) throw new NotFoundError('API-nyckeln');
    for (const [key, entry] of this.tokenCache) if (entry.tokenId === tokenId) this.tokenCache.delete(key);
  }

  async resolveApiToken(token: string): Promise<AuthUser | null> {
    const tokenHash = hashSecret(token);
    const nowMs = this.clock.now().getTime();
    const cached = this.tokenCache.get(tokenHash);
    if (cached && cached.until > nowMs) return cached.user;
    const row = await this.tokens.findOne({ where: { tokenHash, revokedAt: IsNull() } });
    if (!row || (row.expiresAt && row.expiresAt.getTime() <= nowMs)) return null;
    const user = await this.users.findOne({ where: { id: row.userId, active: true } });
    if (!user) return null;
    const authUser = toAuthUser(user);
    this.tokenCache.set(tokenHash, { user: authUser, tokenId: row.id, until: nowMs + TOKEN_CACHE_MS });
    if (!row.lastUsedAt || nowMs - row.lastUsedAt.getTime() > SESSION_TOUCH_MS) {
      await this.tokens.update(row.id, { lastUsedAt: new Date(nowMs) });
    }
    return authUser;
  }

  /** Used when an admin deactivates a user: their cached tokens must stop at once. */
  forgetCachedUser(userId: string): void {
    for (const [key, entry] of this.tokenCache) if (entry.user.id === userId) this.tokenCache.delete(key);
  }

  async endAllSessions(userId: string): Promise<void> {
    await this.sessions.delete({ userId });
    this.forgetCachedUser(userId);
  }
}
