import { randomBytes } from 'node:crypto';

/**
 * The console's sign-in sessions, kept in the server's memory: a random id (the cookie), the
 * role it was opened with and when it ends. A restart signs everyone out, which is the safe
 * failure. Sign-in attempts are limited per client address, so the tokens cannot be guessed
 * through the form.
 */

export type ConsoleRole = 'admin' | 'auditor';

export interface Session {
  id: string;
  role: ConsoleRole;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** How long a session lasts from sign-in. */
export const SESSION_MS = 8 * 60 * 60 * 1000;
/** Most sessions held at once; the oldest goes first beyond it. */
const MAX_SESSIONS = 10_000;

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  open(role: ConsoleRole): Session {
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const session = {
      id: randomBytes(32).toString('base64url'),
      role,
      expiresAt: this.now() + SESSION_MS,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id, or undefined (an expired one is dropped). */
  find(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  close(id: string): void {
    this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions)
      if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

/** Sign-in attempts a client address may make per window, and the window. */
export const SIGN_IN_ATTEMPTS = 10;
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

/**
 * Counts sign-in attempts per client address in fixed windows. `allow` answers how many seconds
 * to wait when the address has used up its attempts.
 */
export class SignInLimiter {
  private readonly windows = new Map<string, { start: number; attempts: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records an attempt: `{ ok: true }`, or how long until the next one is allowed. */
  attempt(address: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    if (this.windows.size > 100_000) this.windows.clear();
    let window = this.windows.get(address);
    if (!window || now - window.start >= SIGN_IN_WINDOW_MS) {
      window = { start: now, attempts: 0 };
      this.windows.set(address, window);
    }
    if (window.attempts >= SIGN_IN_ATTEMPTS)
      return {
        ok: false,
        retryAfterSeconds: Math.ceil((window.start + SIGN_IN_WINDOW_MS - now) / 1000),
      };
    window.attempts++;
    return { ok: true };
  }

  /** A successful sign-in clears the address's count. */
  succeeded(address: string): void {
    this.windows.delete(address);
  }
}
