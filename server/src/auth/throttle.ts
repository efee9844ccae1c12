import { authThrottle, type Database, withoutTenant } from "@clubhouse/db";
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { inArray, sql } from "drizzle-orm";

/**
 * Failed-login throttle, kept in the database so every server process counts
 * together. A key is blocked for BLOCK_MS once it reaches its limit within
 * WINDOW_MS; the block never grows.
 *
 * Keys (OWASP's device-cookie design, see docs/auth.md):
 * - `acct:` one per (club, email) for clients without a valid device cookie
 *   ("untrusted clients"): ACCOUNT_LIMIT failures block only untrusted clients;
 * - `dev:` one per device cookie issued to (club, email) at a successful sign-in:
 *   the row's existence is what makes the cookie valid, and DEVICE_LIMIT failures
 *   presenting it block only that device;
 * - `addr:` one per client address (ADDRESS_LIMIT failures, whatever the account);
 * - `signup:` one per client address, counting sign-ups (SIGNUP_WINDOW_MS).
 */
export const WINDOW_MS = 15 * 60_000;
export const BLOCK_MS = 15 * 60_000;
export const ACCOUNT_LIMIT = 5;
export const DEVICE_LIMIT = 5;
export const ADDRESS_LIMIT = 30;
/** A device cookie is honoured for a year after its device last signed in or tried to. */
export const DEVICE_TTL_MS = 365 * 24 * 3600_000;
export const SIGNUP_WINDOW_MS = 3600_000;

const h = (s: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(s)));
const account = (club: string, email: string) => `${club.toLowerCase()}\n${email.toLowerCase()}`;

export function throttleKeys(club: string, email: string, address: string) {
  return {
    account: `acct:${h(account(club, email))}`,
    address: `addr:${h(address)}`,
  };
}

/** The key of a device token for one account: the same token names nothing for another account. */
export function deviceKey(club: string, email: string, token: string) {
  return `dev:${h(`${account(club, email)}\n${token}`)}`;
}

export function signupKey(address: string) {
  return `signup:${h(address)}`;
}

/** A fresh device token: 160 random bits, hex. */
export function newDeviceToken(): string {
  return encodeHexLowerCase(crypto.getRandomValues(new Uint8Array(20)));
}

/** Whether a device token the client presented may be what we issue (cheap check before any lookup). */
export function plausibleDeviceToken(token: string | undefined): token is string {
  return typeof token === "string" && /^[0-9a-f]{40}$/.test(token);
}

export interface ThrottleRow {
  key: string;
  failures: number;
  windowStart: Date;
  blockedUntil: Date | null;
}

export async function readKeys(database: Database, keys: string[]): Promise<ThrottleRow[]> {
  return withoutTenant(database, (tx) => tx.select().from(authThrottle).where(inArray(authThrottle.key, keys)));
}

/** Seconds until the latest of these rows' blocks ends, or 0 when none is blocked. */
export function waitOf(rows: ThrottleRow[], now: Date): number {
  let wait = 0;
  for (const r of rows) {
    if (r.blockedUntil && r.blockedUntil > now) wait = Math.max(wait, (r.blockedUntil.getTime() - now.getTime()) / 1000);
  }
  return wait;
}

/** A device row that makes its cookie valid: present and used within DEVICE_TTL_MS. */
export function deviceValid(row: ThrottleRow | undefined, now: Date): boolean {
  return row !== undefined && row.windowStart.getTime() > now.getTime() - DEVICE_TTL_MS;
}

/** Record a device's successful sign-in: (re)create its row with a clean budget. */
export async function trustDevice(database: Database, key: string, now: Date) {
  await withoutTenant(database, (tx) =>
    tx
      .insert(authThrottle)
      .values({ key, failures: 0, windowStart: now, blockedUntil: null })
      .onConflictDoUpdate({ target: authThrottle.key, set: { failures: 0, windowStart: now, blockedUntil: null } }),
  );
}

/** Seconds until the latest of these keys is free again, or 0 when none is blocked. */
export async function blockedFor(database: Database, keys: string[], now: Date): Promise<number> {
  return waitOf(await readKeys(database, keys), now);
}

/**
 * Count one event (a failed sign-in, a sign-up) against `key`; the `limit`-th within
 * `windowMs` blocks the key for `blockMs`.
 */
export async function recordFailure(database: Database, key: string, limit: number, now: Date, windowMs = WINDOW_MS, blockMs = BLOCK_MS) {
  // Raw-SQL parameters go in as text: postgres.js (under drizzle) does not serialise Date there.
  const windowStart = sql`${new Date(now.getTime() - windowMs).toISOString()}::timestamptz`;
  const blockUntil = new Date(now.getTime() + blockMs);
  const blockUntilSql = sql`${blockUntil.toISOString()}::timestamptz`;
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  await withoutTenant(database, (tx) =>
    tx
      .insert(authThrottle)
      .values({ key, failures: 1, windowStart: now, blockedUntil: limit <= 1 ? blockUntil : null })
      .onConflictDoUpdate({
        target: authThrottle.key,
        set: {
          failures: sql`case when ${authThrottle.windowStart} < ${windowStart} then 1 else ${authThrottle.failures} + 1 end`,
          windowStart: sql`case when ${authThrottle.windowStart} < ${windowStart} then ${nowSql} else ${authThrottle.windowStart} end`,
          blockedUntil: sql`case when (case when ${authThrottle.windowStart} < ${windowStart} then 1 else ${authThrottle.failures} + 1 end) >= ${limit} then ${blockUntilSql} else ${authThrottle.blockedUntil} end`,
        },
      }),
  );
}

/** Count one event against `key` in a fixed window of `windowMs`; the count so far and when the window began. */
export async function countEvent(database: Database, key: string, windowMs: number, now: Date) {
  const expired = sql`${authThrottle.windowStart} < ${new Date(now.getTime() - windowMs).toISOString()}::timestamptz`;
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const [row] = await withoutTenant(database, (tx) =>
    tx
      .insert(authThrottle)
      .values({ key, failures: 1, windowStart: now })
      .onConflictDoUpdate({
        target: authThrottle.key,
        set: {
          failures: sql`case when ${expired} then 1 else ${authThrottle.failures} + 1 end`,
          windowStart: sql`case when ${expired} then ${nowSql} else ${authThrottle.windowStart} end`,
        },
      })
      .returning({ count: authThrottle.failures, windowStart: authThrottle.windowStart }),
  );
  if (!row) throw new Error("upsert returned nothing");
  return row;
}
