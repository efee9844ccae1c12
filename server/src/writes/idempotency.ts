import { createHash } from "node:crypto";
import { idempotencyKeys, rowsOf, type Tx, withTenant } from "@clubhouse/db";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import { lt, sql } from "drizzle-orm";
import { z } from "zod";
import { actorId } from "../access/actor.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict, DomainError, ValidationError } from "../errors.ts";
import { codeOfIssue, fieldIssue } from "../http/field-codes.ts";
import type { Settled } from "./batcher.ts";

/** The `Idempotency-Key` header: 1–200 visible characters, chosen by the client (a UUID is typical). */
export const IDEMPOTENCY_HEADER = "Idempotency-Key";
export const idempotencyKey = z
  .string({ error: "is required" })
  .min(1, "is required")
  .max(200, "must be at most 200 characters")
  .regex(/^[\x21-\x7e]+$/, "must be visible ASCII characters");

/** Keys are kept this long: a phone offline for a week (or three) still replays safely. */
export const IDEMPOTENCY_TTL_MS = 30 * 86_400_000;

/** The status a stored answer was given (the write's success status, chosen by its route). */
export type StoredStatus = 200 | 201;

export interface Stored<T> {
  status: StoredStatus;
  body: T;
  /** true when this answer is the stored one of an earlier request with the same key */
  replayed: boolean;
}

/** Reads and checks the header; a missing or malformed key is a 400 naming it. */
export function readIdempotencyKey(header: string | undefined, required: boolean): string | undefined {
  if (header === undefined && !required) return undefined;
  const parsed = idempotencyKey.safeParse(header);
  if (!parsed.success) throw new ValidationError({ [IDEMPOTENCY_HEADER]: keyIssue(parsed.error.issues[0]) });
  return parsed.data;
}

function keyIssue(issue: StandardSchemaV1.Issue | undefined) {
  if (!issue) return fieldIssue("invalid", "is invalid");
  const { code, params } = codeOfIssue(issue);
  return fieldIssue(code, issue.message, params);
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
  work: (tx: Tx) => Promise<{ status: StoredStatus; body: T }>,
): Promise<Stored<T>> {
  const userId = actorId(ctx.actor);
  if (!userId) throw new Error("idempotent writes need a user");
  const claim: KeyClaim = { userId, key: opts.key, hash: requestHash(opts.scope, opts.request) };
  // A second pass only when the stored row vanished between the claim and the read (a purge).
  for (let attempt = 0; attempt < 2; attempt++) {
    const out = await withTenant(ctx.deps.database, ctx.tenantId, async (tx): Promise<Stored<T> | undefined> => {
      const [outcome] = await claimKeys<T>(tx, ctx.tenantId, ctx.deps.clock.now(), [claim]);
      if (outcome!.kind === "replay") return outcome!.stored;
      if (outcome!.kind === "refused") throw outcome!.error;
      if (outcome!.kind === "vanished") return undefined;
      const result = await work(tx);
      await settleKeys(tx, [{ ...claim, ...result }], []);
      return { ...result, replayed: false };
    });
    if (out) return out;
  }
  throw unmatchedKey();
}

const unmatchedKey = () => new Conflict("The request could not be matched to its key; retry it.");

// ── the same, for a group of writes in one transaction (see writes/batcher.ts) ──

/** A key as it is unique: per user (and club). */
export const keyId = (userId: string, key: string) => `${userId}\n${key}`;

export interface KeyClaim {
  userId: string;
  key: string;
  hash: string;
}

/** An answer to store under its key. */
export interface KeyAnswer {
  userId: string;
  key: string;
  hash: string;
  status: number;
  body: unknown;
}

export type ClaimOutcome<T> =
  /** no key: nothing to claim */
  | { kind: "none" }
  /** this transaction holds the key: do the work, then store its answer or give the key up (settleKeys) */
  | { kind: "claimed" }
  /** no answer is stored under the key yet (readKeys): do the work, then store its answer (storeKeys) */
  | { kind: "free" }
  /** an earlier request with this key succeeded: answer with what it answered */
  | { kind: "replay"; stored: Stored<T> }
  /** the key was used with another body */
  | { kind: "refused"; error: Conflict }
  /** the key's row was gone by the read (a purge between the two statements) */
  | { kind: "vanished" };

/**
 * The claim for any number of keys, in two statements sent together (one round
 * trip): the claim, then — a fresh snapshot, so it sees a concurrent request's key
 * once that request committed — the rows of every key. Claims are taken in (user,
 * key) order. A group must not carry one (user, key) twice.
 */
export async function claimKeys<T>(tx: Tx, tenantId: string, now: Date, claims: (KeyClaim | undefined)[]): Promise<ClaimOutcome<T>[]> {
  const wanted = claims.filter((c): c is KeyClaim => c !== undefined);
  if (wanted.length === 0) return claims.map(() => ({ kind: "none" }));
  const json = JSON.stringify(wanted.map((c) => ({ user_id: c.userId, key: c.key, hash: c.hash })));
  const [claimedResult, rowsResult] = await Promise.all([
    tx.execute(sql`
      insert into ${idempotencyKeys} (tenant_id, user_id, key, request_hash, status, response, created_at)
      select ${tenantId}::uuid, x.user_id, x.key, x.hash, 0, '{}'::jsonb, ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${json}::jsonb) as x(user_id uuid, key text, hash text)
      order by x.user_id, x.key
      on conflict do nothing
      returning user_id, key`),
    tx.execute(storedKeys(json)),
  ]);
  const claimed = new Set(rowsOf<{ user_id: string; key: string }>(claimedResult).map((r) => keyId(r.user_id, r.key)));
  const rows = storedRows(rowsResult);
  return claims.map((c): ClaimOutcome<T> => {
    if (!c) return { kind: "none" };
    if (claimed.has(keyId(c.userId, c.key))) return { kind: "claimed" };
    const prior = rows.get(keyId(c.userId, c.key));
    if (!prior) return { kind: "vanished" };
    return priorOutcome(c, prior);
  });
}

interface StoredRow {
  user_id: string;
  key: string;
  request_hash: string;
  status: number;
  response: unknown;
}

const storedRows = (result: unknown) => new Map(rowsOf<StoredRow>(result).map((r) => [keyId(r.user_id, r.key), r]));

/** A request whose key already has a row: the same request replays its answer, another body is refused. */
function priorOutcome<T>(c: KeyClaim, prior: StoredRow): ClaimOutcome<T> {
  if (prior.request_hash !== c.hash)
    return {
      kind: "refused",
      error: new Conflict(`This ${IDEMPOTENCY_HEADER} was already used for a different request.`, {
        [IDEMPOTENCY_HEADER]: fieldIssue("key_reused", "was used with another body"),
      }),
    };
  return { kind: "replay", stored: { status: prior.status as StoredStatus, body: prior.response as T, replayed: true } };
}

/**
 * The answers of a group's requests, in order: a replay answers what it answered
 * first; a refused or vanished key its 409; every other request (no key, or its
 * key claimed here) goes to `check`, which gives the body to answer with `status`.
 * A domain error (DomainError) from `check` is that request's answer and gives its key
 * up; any other error fails the whole group. Also the keys to settle (settleKeys).
 */
export async function answerEach<T>(
  claims: (KeyClaim | undefined)[],
  outcomes: ClaimOutcome<T>[],
  status: StoredStatus,
  check: (i: number) => T | Promise<T>,
): Promise<{ answers: Settled<Stored<T>>[]; stored: KeyAnswer[]; released: KeyClaim[] }> {
  const answers: Settled<Stored<T>>[] = [];
  const stored: KeyAnswer[] = [];
  const released: KeyClaim[] = [];
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.kind === "replay") answers.push({ ok: true, value: outcome.stored });
    else if (outcome.kind === "refused") answers.push({ ok: false, error: outcome.error });
    else if (outcome.kind === "vanished") answers.push({ ok: false, error: unmatchedKey() });
    else {
      const claim = outcome.kind === "claimed" || outcome.kind === "free" ? claims[i] : undefined;
      try {
        const body = await check(i);
        if (claim) stored.push({ userId: claim.userId, key: claim.key, hash: claim.hash, status, body });
        answers.push({ ok: true, value: { status, body, replayed: false } });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        // a free key was never taken: nothing to give up
        if (claim && outcome.kind === "claimed") released.push(claim);
        answers.push({ ok: false, error });
      }
    }
  }
  return { answers, stored, released };
}

/**
 * Ends claims in one statement: the answers of the successful writes are stored
 * under their keys; the keys of refused writes are given up, as a rollback would
 * (a waiting request with the same key then claims it).
 */
export async function settleKeys(tx: Tx, stored: KeyAnswer[], released: { userId: string; key: string }[]) {
  if (stored.length === 0 && released.length === 0) return;
  const json = JSON.stringify([
    ...stored.map((s) => ({ user_id: s.userId, key: s.key, status: s.status, response: s.body })),
    ...released.map((r) => ({ user_id: r.userId, key: r.key, status: null, response: null })),
  ]);
  // Each key's row by its primary key, then by its ctid: this transaction inserted these
  // rows, so nobody else can have moved them (see storedKeys on why not a plain join).
  await tx.execute(sql`
    with x as (select * from jsonb_to_recordset(${json}::jsonb) as x(user_id uuid, key text, status int, response jsonb)),
    f as (
      select x.status, x.response, k.ctid as row_id from x
      cross join lateral (select ctid from ${idempotencyKeys} k where k.user_id = x.user_id and k.key = x.key limit 1) k
    ),
    gone as (
      delete from ${idempotencyKeys} k using f where f.status is null and k.ctid = f.row_id
    )
    update ${idempotencyKeys} k set status = f.status, response = f.response
    from f where f.status is not null and k.ctid = f.row_id`);
}

/**
 * The stored rows of the keys in `json` (user_id, key), one primary-key probe each.
 * A plain join of the table with jsonb_to_recordset is planned for 100 rows from the
 * function, which makes a hash join over a sequential scan of every club's keys look
 * cheaper until the table holds several thousand of them: each write then read the
 * whole table (2,358 rows: 207 pages, 1.4 ms). The lateral subquery with a limit
 * cannot be flattened into a join, so each key is an index probe (15 pages for 5 keys).
 */
function storedKeys(json: string) {
  return sql`
    select x.user_id, x.key, k.request_hash, k.status, k.response
    from jsonb_to_recordset(${json}::jsonb) as x(user_id uuid, key text)
    cross join lateral (
      select request_hash, status, response from ${idempotencyKeys} k where k.user_id = x.user_id and k.key = x.key limit 1
    ) k`;
}

/**
 * The outcome of each request's key, read and not claimed (for writes that store their
 * answer at once, storeKeys): "free" when no answer is stored under it yet. A statement
 * sees what committed before it began; a concurrent request with the same key that
 * commits later is caught by storeKeys.
 */
export async function readKeys<T>(tx: Tx, claims: (KeyClaim | undefined)[]): Promise<ClaimOutcome<T>[]> {
  const wanted = claims.filter((c): c is KeyClaim => c !== undefined);
  if (wanted.length === 0) return claims.map(() => ({ kind: "none" }));
  const json = JSON.stringify(wanted.map((c) => ({ user_id: c.userId, key: c.key })));
  const rows = storedRows(await tx.execute(storedKeys(json)));
  return claims.map((c): ClaimOutcome<T> => {
    if (!c) return { kind: "none" };
    const prior = rows.get(keyId(c.userId, c.key));
    return prior ? priorOutcome(c, prior) : { kind: "free" };
  });
}

/**
 * Stores the answers of writes whose keys were free (readKeys) in one statement, in
 * (user, key) order. A key that a concurrent request stored meanwhile is not stored
 * again (the statement waits for that request's transaction to end); the answer says
 * whether every key was stored. When one was not, the caller must roll its transaction
 * back (throw KeyTaken) and read the keys again: the other request's answer is theirs.
 */
export async function storeKeys(tx: Tx, tenantId: string, now: Date, answers: KeyAnswer[]): Promise<boolean> {
  if (answers.length === 0) return true;
  const json = JSON.stringify(answers.map((a) => ({ user_id: a.userId, key: a.key, hash: a.hash, status: a.status, response: a.body })));
  const stored = rowsOf<{ n: number }>(
    await tx.execute(sql`
      with k as (
        insert into ${idempotencyKeys} (tenant_id, user_id, key, request_hash, status, response, created_at)
        select ${tenantId}::uuid, x.user_id, x.key, x.hash, x.status, x.response, ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${json}::jsonb) as x(user_id uuid, key text, hash text, status int, response jsonb)
        order by x.user_id, x.key
        on conflict do nothing
        returning 1
      )
      select count(*)::int as n from k`),
  );
  return stored[0]?.n === answers.length;
}

/** A key was stored by a concurrent request between readKeys and storeKeys: roll back, read again. */
export class KeyTaken extends Error {
  constructor() {
    super("an Idempotency-Key was stored by a concurrent request");
  }
}

/** Drops keys older than the TTL; returns how many. */
export async function purgeIdempotencyKeys(tx: Tx, now: Date): Promise<number> {
  const gone = await tx
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)))
    .returning({ key: idempotencyKeys.key });
  return gone.length;
}
