import { createHash } from "node:crypto";
import { idempotencyKeys, type Tx, withTenant } from "@clubhouse/db";
import { and, eq, lt } from "drizzle-orm";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { actorId } from "../customers/service.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict, ValidationError } from "../http/errors.ts";
import { IDEMPOTENCY_HEADER, idempotencyKey } from "./schemas.ts";

/** Keys are kept this long: a phone offline for a week (or three) still replays safely. */
export const IDEMPOTENCY_TTL_MS = 30 * 86_400_000;

export interface Stored<T> {
  status: ContentfulStatusCode;
  body: T;
  /** true when this answer is the stored one of an earlier request with the same key */
  replayed: boolean;
}

/** Reads and checks the header; a missing or malformed key is a 400 naming it. */
export function readIdempotencyKey(header: string | undefined, required: boolean): string | undefined {
  if (header === undefined && !required) return undefined;
  const parsed = idempotencyKey.safeParse(header);
  if (!parsed.success) throw new ValidationError({ [IDEMPOTENCY_HEADER]: parsed.error.issues[0]?.message ?? "is invalid" });
  return parsed.data;
}

/** Key order does not matter: `{a, b}` and `{b, a}` are one request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestHash(scope: string, request: unknown): string {
  return createHash("sha256")
    .update(`${scope}\n${canonical(request)}`)
    .digest("hex");
}

/**
 * Runs `work` at most once per (club, user, key), in one transaction with the key.
 *
 * The key row is claimed first with INSERT … ON CONFLICT DO NOTHING. A concurrent
 * request with the same key blocks on that insert until the first transaction
 * ends: if it committed, the insert does nothing and the (committed) stored
 * response is read and returned; if it rolled back, the waiting request claims
 * the key and does the work itself. So N racing replays store exactly one result.
 *
 * Only successful results are stored: a refused request (4xx thrown by `work`)
 * rolls the claim back with everything else, so the same key may be retried once
 * the cause is fixed (say, a manager reopened a dropped prospect).
 */
export async function withIdempotency<T>(
  ctx: ServiceContext,
  opts: { key: string; scope: string; request: unknown },
  work: (tx: Tx) => Promise<{ status: ContentfulStatusCode; body: T }>,
): Promise<Stored<T>> {
  const userId = actorId(ctx.actor);
  if (!userId) throw new Error("idempotent writes need a user");
  const hash = requestHash(opts.scope, opts.request);
  // A second pass only when the stored row vanished between the claim and the read (a purge).
  for (let attempt = 0; attempt < 2; attempt++) {
    const out = await withTenant(ctx.deps.database, ctx.tenantId, async (tx): Promise<Stored<T> | undefined> => {
      const now = ctx.deps.clock.now();
      const claimed = await tx
        .insert(idempotencyKeys)
        .values({ tenantId: ctx.tenantId, userId, key: opts.key, requestHash: hash, status: 0, response: {}, createdAt: now })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (claimed.length > 0) {
        const result = await work(tx);
        await tx
          .update(idempotencyKeys)
          .set({ status: result.status, response: result.body as unknown })
          .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, opts.key)));
        return { ...result, replayed: false };
      }
      const [prior] = await tx
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, opts.key)));
      if (!prior) return undefined;
      if (prior.requestHash !== hash)
        throw new Conflict(`This ${IDEMPOTENCY_HEADER} was already used for a different request.`, {
          [IDEMPOTENCY_HEADER]: "was used with another body",
        });
      return { status: prior.status as ContentfulStatusCode, body: prior.response as T, replayed: true };
    });
    if (out) return out;
  }
  throw new Conflict("The request could not be matched to its key; retry it.");
}

/** Drops keys older than the TTL; returns how many. */
export async function purgeIdempotencyKeys(tx: Tx, now: Date): Promise<number> {
  const gone = await tx
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)))
    .returning({ key: idempotencyKeys.key });
  return gone.length;
}
