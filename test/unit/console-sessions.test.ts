import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isSameOrigin, readCookie, sessionCookie } from '../../main/server/console/console-http.js';
import {
  SESSION_MS,
  SessionStore,
  SIGN_IN_WINDOW_MS,
  SignInLimiter,
} from '../../main/server/console/sessions.js';
import {
  bucketMs,
  bucketOf,
  histogramPercentile,
} from '../../main/server/audit/duration-buckets.js';

/** A request with just these headers, as the console's decisions read it. */
function request(headers: Record<string, string>): IncomingMessage {
  return { headers, socket: {} } as unknown as IncomingMessage;
}

describe('console sessions', () => {
  it('ends a session at its expiry and keeps ids unguessable and distinct', () => {
    let now = 1_000;
    const sessions = new SessionStore(() => now);
    const first = sessions.open('auditor');
    const second = sessions.open('admin');
    expect(first.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.id).not.toBe(second.id);
    now += SESSION_MS - 1;
    expect(sessions.find(first.id)?.role).toBe('auditor');
    now += 1;
    expect(sessions.find(first.id)).toBeUndefined();
    expect(sessions.find(undefined)).toBeUndefined();
  });

  it('allows ten sign-in attempts per address per window, then says how long to wait', () => {
    let now = 0;
    const limiter = new SignInLimiter(() => now);
    for (let attempt = 0; attempt < 10; attempt++) expect(limiter.attempt('a').ok).toBe(true);
    expect(limiter.attempt('a')).toEqual({ ok: false, retryAfterSeconds: 900 });
    expect(limiter.attempt('b').ok).toBe(true);
    now += SIGN_IN_WINDOW_MS;
    expect(limiter.attempt('a').ok).toBe(true);
  });
});

describe('console CSRF and cookie decisions', () => {
  it('accepts a POST only from the same origin, by Sec-Fetch-Site first, else by Origin', () => {
    const host = '127.0.0.1:8470';
    expect(isSameOrigin(request({ 'sec-fetch-site': 'same-origin', host }))).toBe(true);
    expect(
      isSameOrigin(request({ 'sec-fetch-site': 'same-site', origin: `http://${host}`, host })),
    ).toBe(false);
    expect(isSameOrigin(request({ origin: `http://${host}`, host }))).toBe(true);
    expect(isSameOrigin(request({ origin: 'http://evil.example', host }))).toBe(false);
    expect(isSameOrigin(request({ origin: `https://${host}`, host }))).toBe(false);
    expect(
      isSameOrigin(request({ origin: `https://${host}`, host, 'x-forwarded-proto': 'https' })),
    ).toBe(true);
    expect(isSameOrigin(request({ host }))).toBe(false);
  });

  it('writes the session cookie HttpOnly and SameSite=Strict, Secure only over TLS, and reads it back', () => {
    expect(sessionCookie('abc', 60, false)).toBe(
      'scriptdesk_console=abc; Path=/console/; Max-Age=60; HttpOnly; SameSite=Strict',
    );
    expect(sessionCookie('abc', 60, true)).toMatch(/; Secure$/);
    expect(
      readCookie(request({ cookie: 'a=1; scriptdesk_console=xyz; b=2' }), 'scriptdesk_console'),
    ).toBe('xyz');
    expect(readCookie(request({}), 'scriptdesk_console')).toBeUndefined();
  });

  it('takes nearest-rank percentiles of a duration histogram', () => {
    const histogram = (durations: number[]) => {
      const counts = new Map<number, number>();
      for (const ms of durations) counts.set(bucketOf(ms), (counts.get(bucketOf(ms)) ?? 0) + 1);
      return [...counts].sort(([a], [b]) => a - b);
    };
    expect(histogramPercentile([], 0.5)).toBeNull();
    expect(histogramPercentile(histogram([7]), 0.95)).toBe(7);
    expect(histogramPercentile(histogram([0, 0, 3]), 0.5)).toBe(0);
    expect(histogramPercentile(histogram([10, 3, 20, 1, 15]), 0.5)).toBe(10);
    expect(histogramPercentile(histogram([1, 20]), 0.95)).toBe(20);
    expect(histogramPercentile(histogram([1000, 3000, 5000]), 0.5)).toBe(bucketMs(bucketOf(3000)));
  });

  it('reports every duration within 2.5 % plus half a millisecond, exactly under 25 ms', () => {
    for (let ms = 0; ms < 25; ms++) expect(bucketMs(bucketOf(ms))).toBe(ms);
    let worst = 0;
    for (let ms = 25; ms <= 3_600_000; ms += ms < 100_000 ? 1 : 97) {
      worst = Math.max(worst, (Math.abs(bucketMs(bucketOf(ms)) - ms) - 0.5) / ms);
    }
    expect(worst).toBeGreaterThan(0.02);
    expect(worst).toBeLessThanOrEqual(0.025);
  });
});
