import { type Role, rowsOf, sessions, type Tx, tenants, users, withTenant } from "@clubhouse/db";
import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { and, eq, sql } from "drizzle-orm";
import type { Deps } from "../deps.ts";
import type { AuthContext } from "./context.ts";

// Lucia's session design: the client holds `<tenantId>.<sessionId>.<secret>`; the
// database keeps the session id and the SHA-256 of the 160-bit secret only.
export const IDLE_TIMEOUT_MS = 7 * 24 * 3600_000;
export const ABSOLUTE_TIMEOUT_MS = 30 * 24 * 3600_000;
const TOUCH_EVERY_MS = 3600_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const B32 = /^[a-z2-7]{16,64}$/;

function random(bytes: number): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)));
}
function hashSecret(secret: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(secret)));
}

export type { AuthContext, SessionTenant, SessionUser } from "./context.ts";

/** Always a new session (and token) at login: a token planted before login is never promoted. */
export async function createSession(tx: Tx, tenantId: string, userId: string, now: Date): Promise<string> {
  const id = random(15);
  const secret = random(20);
  await tx.insert(sessions).values({ tenantId, id, userId, secretHash: hashSecret(secret), createdAt: now, lastSeenAt: now });
  return `${tenantId}.${id}.${secret}`;
}

export function parseToken(token: string): { tenantId: string; id: string; secret: string } | undefined {
  const [tenantId, id, secret, extra] = token.split(".");
  if (extra !== undefined || !tenantId || !id || !secret) return undefined;
  if (!UUID.test(tenantId) || !B32.test(id) || !B32.test(secret)) return undefined;
  return { tenantId, id, secret };
}

/** `fresh` skips the session cache: socket handshakes and re-checks always ask the database. */
export async function validateToken(deps: Deps, token: string, opts: { fresh?: boolean } = {}): Promise<AuthContext | undefined> {
  const parsed = parseToken(token);
  if (!parsed) return undefined;
  const now = deps.clock.now();
  const cached = opts.fresh ? undefined : deps.sessionCache?.get(token, now);
  if (cached) return cached;
  return withTenant(deps.database, parsed.tenantId, async (tx) => {
    const [row] = rowsOf<SessionRow>(await tx.execute(sessionLookup(parsed.tenantId, parsed.id)));
    if (!row) return undefined;
    const given = new TextEncoder().encode(hashSecret(parsed.secret));
    const stored = new TextEncoder().encode(row.secret_hash);
    if (given.length !== stored.length || !constantTimeEqual(given, stored)) return undefined;
    const createdAt = row.created_ms;
    const lastSeenAt = row.last_seen_ms;
    const expired = now.getTime() - lastSeenAt > IDLE_TIMEOUT_MS || now.getTime() - createdAt > ABSOLUTE_TIMEOUT_MS;
    if (expired || row.disabled) {
      await tx.delete(sessions).where(and(eq(sessions.tenantId, parsed.tenantId), eq(sessions.id, parsed.id)));
      return undefined;
    }
    if (now.getTime() - lastSeenAt > TOUCH_EVERY_MS) {
      await tx
        .update(sessions)
        .set({ lastSeenAt: now })
        .where(and(eq(sessions.tenantId, parsed.tenantId), eq(sessions.id, parsed.id)));
    }
    const auth: AuthContext = {
      sessionId: parsed.id,
      user: { id: row.user_id, email: row.email, name: row.user_name, role: row.role },
      tenant: { id: row.tenant_id, slug: row.slug, name: row.tenant_name, timezone: row.timezone },
    };
    const lastSeen = Math.max(lastSeenAt, now.getTime() - TOUCH_EVERY_MS);
    deps.sessionCache?.set(token, auth, now, Math.min(lastSeen + IDLE_TIMEOUT_MS, createdAt + ABSOLUTE_TIMEOUT_MS));
    return auth;
  });
}

interface SessionRow {
  secret_hash: string;
  created_ms: number;
  last_seen_ms: number;
  user_id: string;
  email: string;
  user_name: string;
  role: Role;
  disabled: boolean;
  tenant_id: string;
  slug: string;
  tenant_name: string;
  timezone: string;
}

/**
 * The session, its user and its club in one row, as raw SQL: every request whose
 * session is not cached asks it, and the query builder took longer to build this join
 * (every column of three tables, mapped back) than the database took to answer it.
 * Times as epoch milliseconds, a number on both drivers.
 */
function sessionLookup(tenantId: string, sessionId: string) {
  return sql`
    select s.secret_hash, (extract(epoch from s.created_at) * 1000)::float8 as created_ms,
      (extract(epoch from s.last_seen_at) * 1000)::float8 as last_seen_ms,
      u.id as user_id, u.email, u.name as user_name, u.role, u.disabled_at is not null as disabled,
      t.id as tenant_id, t.slug, t.name as tenant_name, t.timezone
    from ${sessions} s
    join ${users} u on u.tenant_id = s.tenant_id and u.id = s.user_id
    join ${tenants} t on t.id = s.tenant_id
    where s.tenant_id = ${tenantId} and s.id = ${sessionId}`;
}

export async function deleteSession(tx: Tx, tenantId: string, sessionId: string) {
  await tx.delete(sessions).where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId)));
}

export async function deleteUserSessions(tx: Tx, tenantId: string, userId: string) {
  await tx.delete(sessions).where(and(eq(sessions.tenantId, tenantId), eq(sessions.userId, userId)));
}
