import { authThrottle, type Database, withoutTenant } from "@clubhouse/db";
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { inArray, sql } from "drizzle-orm";

/**
 * Failed-login throttle, kept in the database so every server process counts
 * together. A key is blocked for BLOCK_MS once it reaches its limit within
 * WINDOW_MS; the block never grows, so an attacker can delay an account by at
 * most 15 minutes at a time and cannot lock its owner out for long.
 */
export const WINDOW_MS = 15 * 60_000;
export const BLOCK_MS = 15 * 60_000;
export const ACCOUNT_LIMIT = 5;
export const ADDRESS_LIMIT = 30;

const h = (s: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(s)));

export function throttleKeys(club: string, email: string, address: string) {
  return {
    account: `acct:${h(`${club.toLowerCase()}\n${email.toLowerCase()}`)}`,
    address: `addr:${h(address)}`,
  };
}

/** Seconds until the earliest of these keys is free again, or 0 when none is blocked. */
export async function blockedFor(database: Database, keys: string[], now: Date): Promise<number> {
  const rows = await withoutTenant(database, (tx) => tx.select().from(authThrottle).where(inArray(authThrottle.key, keys)));
  let wait = 0;
  for (const r of rows) {
    if (r.blockedUntil && r.blockedUntil > now) wait = Math.max(wait, (r.blockedUntil.getTime() - now.getTime()) / 1000);
  }
  return wait;
}

export async function recordFailure(database: Database, key: string, limit: number, now: Date) {
  // Raw-SQL parameters go in as text: postgres.js (under drizzle) does not serialise Date there.
  const windowStart = sql`${new Date(now.getTime() - WINDOW_MS).toISOString()}::timestamptz`;
  const blockUntil = new Date(now.getTime() + BLOCK_MS);
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

export async function clearKey(database: Database, key: string) {
  await withoutTenant(database, (tx) => tx.delete(authThrottle).where(inArray(authThrottle.key, [key])));
}
