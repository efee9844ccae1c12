import { randomUUID } from "node:crypto";
import { customers, revenueEntries, type Tx, users, withTenant } from "@clubhouse/db";
import { and, desc, eq, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { actorId, isManager } from "../access/actor.ts";
import { canSee, repInScope, scopeOf } from "../access/scope.ts";
import { customersById, type GroupCustomer } from "../customers/service.ts";
import type { Deps, ServiceContext } from "../deps.ts";
import { Conflict, Forbidden, isUniqueViolation, NotFound, RuleViolation, ValidationError } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { cursorPart, decodeCursor, page } from "../http/paging.ts";
import { toFen, toYuan } from "../money.ts";
import { paceAfterRevenue } from "../quotas/pace.ts";
import type { Announced } from "../realtime/event-table.ts";
import { publishCommitted } from "../realtime/outbox.ts";
import { type ClubRules, readClubRules } from "../settings/service.ts";
import { monthOf } from "../time/club-time.ts";
import { clubWrites, type Settled } from "../writes/batcher.ts";
import { answerEach, claimKeys, type KeyClaim, keyId, requestHash, type Stored, settleKeys } from "../writes/idempotency.ts";
import { checkDate, checkOpenMonth, closedMonths, maybeClosed } from "./dates.ts";
import { appendLedger, appendRows, type EntryRow, ledgerRow, type NewEntry, ownerAt } from "./ledger.ts";

export function presentEntry(e: EntryRow, reversedById: string | null = null) {
  return {
    id: e.id,
    customerId: e.customerId,
    repId: e.repId,
    amount: toYuan(e.amountFen),
    businessLine: e.businessLine,
    occurredAt: e.occurredAt.toISOString(),
    month: e.month,
    source: e.source,
    reversesId: e.reversesId,
    reason: e.reason,
    reversedById,
    externalRef: e.externalRef,
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
  };
}

/** One `revenue:recorded` per entry (to managers and its rep: the table of events says so). */
export function revenueEvents(rows: EntryRow[]): Announced[] {
  return rows.map((e) => ({
    event: "revenue:recorded",
    payload: {
      id: e.id,
      repId: e.repId,
      customerId: e.customerId,
      amount: toYuan(e.amountFen),
      occurredAt: e.occurredAt.toISOString(),
    },
  }));
}

/**
 * After commit: publish the write's events, move the club's board generation on
 * (awaited, so a read after the answer sees the write) and have the reps' pace
 * re-judged shortly (coalesced per club, see paceAfterRevenue).
 */
export async function afterRevenue(ctx: ServiceContext, rows: EntryRow[]) {
  if (rows.length === 0) return;
  publishCommitted(ctx.deps, ctx.tenantId, revenueEvents(rows));
  const reps = [...new Set(rows.map((r) => r.repId))];
  paceAfterRevenue(ctx, reps);
  // revenue moves only its reps' totals (BoardChange)
  await ctx.deps.live.boardChanged(ctx.tenantId, reps);
}

/** The credited rep must be a user of this club; a rep may credit only themself. */
export async function resolveRep(
  tx: Tx,
  ctx: ServiceContext,
  customerId: string,
  occurredAt: Date,
  repId: string | undefined,
  field = "repId",
) {
  if (!isManager(ctx.actor)) {
    if (repId && repId !== actorId(ctx.actor)) throw new Forbidden("Reps record revenue for themselves only.");
    return actorId(ctx.actor)!;
  }
  const id = repId ?? (await ownerAt(tx, customerId, occurredAt));
  if (!id) throw new ValidationError({ [field]: fieldIssue("no_owner_at_time", "no owner at that time; name the credited rep") });
  const [u] = await tx.select({ id: users.id }).from(users).where(eq(users.id, id));
  if (!u) throw new ValidationError({ [field]: fieldIssue("not_in_club", "is not a user of this club") });
  return id;
}

export interface NewRevenue {
  customerId: string;
  amount: number;
  businessLine: string;
  occurredAt: string;
  repId?: string | undefined;
}

type EntryView = ReturnType<typeof presentEntry>;

interface RevenueRequest {
  ctx: ServiceContext;
  input: NewRevenue;
  key: string | undefined;
}

const batcher = clubWrites((r: RevenueRequest) => (r.key ? keyId(actorId(r.ctx.actor)!, r.key) : undefined), recordRevenueGroup);

/**
 * Records one entry. With an Idempotency-Key (optional here, required for
 * contacts) a retried request — a phone that lost the answer, a client after a
 * server crash — returns the first entry instead of booking the money twice.
 *
 * Entries of one club arriving together are written together (writes/batcher.ts):
 * each is checked on its own and answered on its own, as if it were alone.
 */
export function recordRevenue(ctx: ServiceContext, input: NewRevenue, key?: string): Promise<Stored<EntryView>> {
  return batcher(ctx.deps).submit(ctx.tenantId, { ctx, input, key });
}

function revenueRequestHash(input: NewRevenue) {
  return requestHash("POST /revenue", { ...input, occurredAt: new Date(input.occurredAt).toISOString(), repId: input.repId ?? null });
}

/**
 * One transaction for a group: the rules, the customers and the keys in one round
 * trip; each request checked in turn (a refused one is that request's error and
 * gives its key up); the entries, their totals and the stored answers in the next.
 */
async function recordRevenueGroup(deps: Deps, tenantId: string, reqs: RevenueRequest[]): Promise<Settled<Stored<EntryView>>[]> {
  const rows: EntryRow[] = [];
  const answers = await withTenant(deps.database, tenantId, async (tx) => {
    const now = deps.clock.now();
    const claims: (KeyClaim | undefined)[] = reqs.map((r) =>
      r.key ? { userId: actorId(r.ctx.actor)!, key: r.key, hash: revenueRequestHash(r.input) } : undefined,
    );
    const [outcomes, rules, found] = await Promise.all([
      claimKeys<EntryView>(tx, tenantId, now, claims),
      readClubRules(tx),
      customersById(
        tx,
        reqs.map((r) => r.input.customerId),
      ),
    ]);
    const closed = closedMonths(tx, tenantId);
    const { answers, stored, released } = await answerEach(claims, outcomes, 201, async (i) => {
      const r = reqs[i]!;
      const row = ledgerRow(await checkEntry(tx, r.ctx, r.input, rules, found, now, closed));
      rows.push(row);
      return presentEntry(row);
    });
    await Promise.all([appendRows(tx, rows), settleKeys(tx, stored, released)]);
    return answers;
  });
  await afterRevenue({ deps, tenantId, actor: { kind: "system" } }, rows);
  return answers;
}

/**
 * 第五条 一 1.1: membership money from a customer who holds no card yet (a prospect,
 * or one a manager dropped) is the price of a card, so it comes through a card sale
 * (POST /card-sales: the list price, or a manager's recorded approval), which also
 * makes the customer active. A rep's plain membership revenue for such a customer
 * is refused (422); a manager may record it (their approval is theirs to give).
 */
export const CARD_LINE = "membership";
export const CARD_MONEY_MESSAGE =
  "Membership money from a prospect is a card sale: sell the card at its list price (POST /card-sales), or ask a manager.";
export const CARD_MONEY_FIELD = fieldIssue("card_money", "membership revenue for a prospect comes through a card sale");
export function isCardMoneyWithoutSale(ctx: ServiceContext, businessLine: string, status: string): boolean {
  return businessLine === CARD_LINE && !isManager(ctx.actor) && (status === "prospect" || status === "dropped");
}

/** One request of a group, checked as recordRevenue always has; the entry to append. */
async function checkEntry(
  tx: Tx,
  ctx: ServiceContext,
  input: NewRevenue,
  rules: ClubRules,
  found: Map<string, GroupCustomer>,
  now: Date,
  closed: () => Promise<string | null>,
): Promise<NewEntry> {
  if (!rules.businessLines.includes(input.businessLine)) {
    throw new ValidationError({
      businessLine: fieldIssue("unknown_business_line", `must be one of: ${rules.businessLines.join(", ")}`, {
        values: rules.businessLines,
      }),
    });
  }
  const customer = found.get(input.customerId);
  if (!customer || !canSee(ctx.actor, customer.ownerId)) throw new NotFound("customer");
  if (isCardMoneyWithoutSale(ctx, input.businessLine, customer.status))
    throw new RuleViolation(CARD_MONEY_MESSAGE, { businessLine: CARD_MONEY_FIELD });
  const occurredAt = new Date(input.occurredAt);
  checkDate(occurredAt, now, rules.timezone);
  const month = monthOf(occurredAt, rules.timezone);
  await checkOpenMonth(month, now, rules.timezone, closed);
  const repId = await resolveRep(tx, ctx, customer.id, occurredAt, input.repId);
  return {
    tenantId: ctx.tenantId,
    id: randomUUID(),
    customerId: customer.id,
    repId,
    amountFen: toFen(input.amount),
    businessLine: input.businessLine,
    occurredAt,
    month,
    source: "api",
    createdBy: actorId(ctx.actor),
    createdAt: now,
  };
}

/**
 * 第六条 不准私自更改用户原始记录: an entry is never edited; a reversal of the full
 * amount names it and says why. It keeps the original's month, customer, rep and
 * line, so that month's totals, tiers and attainment are corrected where the
 * mistake was made. An entry is reversed at most once; a reversal is not reversed.
 *
 * An entry of a closed month is still reversed, but the reversal is dated now, in
 * the current (open) month: the closed month's figures, on which its quota results
 * were decided, stay as they were, and the correction counts where it is made.
 */
export async function reverseRevenue(ctx: ServiceContext, id: string, reason: string) {
  const row = await reverseTx(ctx, id, reason).catch((err) => {
    if (isUniqueViolation(err)) throw new Conflict("This entry was already reversed.");
    throw err;
  });
  await afterRevenue(ctx, [row]);
  return presentEntry(row);
}

function reverseTx(ctx: ServiceContext, id: string, reason: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    // No row lock: the ledger is insert-only for the app role; the unique index on
    // reverses_id is what makes a second, racing reversal fail (409).
    const [orig] = await tx.select().from(revenueEntries).where(eq(revenueEntries.id, id));
    if (!orig) throw new NotFound("revenue entry");
    if (!isManager(ctx.actor)) {
      const [c] = await tx.select({ ownerId: customers.ownerId }).from(customers).where(eq(customers.id, orig.customerId));
      const me = actorId(ctx.actor);
      if (c?.ownerId !== me && orig.repId !== me) throw new NotFound("revenue entry");
      if (orig.createdBy !== me) throw new Forbidden("Ask a manager to reverse an entry you did not record.");
    }
    if (orig.reversesId) throw new RuleViolation("A reversal cannot itself be reversed; record a new entry instead.");
    const [already] = await tx.select({ id: revenueEntries.id }).from(revenueEntries).where(eq(revenueEntries.reversesId, orig.id));
    if (already)
      throw new Conflict("This entry was already reversed.", {
        id: fieldIssue("already_reversed", `reversed by ${already.id}`, { by: already.id }),
      });
    const now = ctx.deps.clock.now();
    const { timezone } = await readClubRules(tx);
    let occurredAt = orig.occurredAt;
    let month = orig.month;
    if (maybeClosed(month, now, timezone)) {
      const latest = await closedMonths(tx, ctx.tenantId)();
      if (latest !== null && month <= latest) {
        occurredAt = now;
        month = monthOf(now, timezone);
      }
    }
    const [entry] = await appendLedger(tx, [
      {
        tenantId: ctx.tenantId,
        customerId: orig.customerId,
        repId: orig.repId,
        amountFen: -orig.amountFen,
        businessLine: orig.businessLine,
        occurredAt,
        month,
        reversesId: orig.id,
        reason,
        source: "reversal",
        createdBy: actorId(ctx.actor),
        createdAt: now,
      },
    ]);
    return entry!;
  });
}

export async function listRevenue(
  ctx: ServiceContext,
  q: {
    customerId?: string | undefined;
    repId?: string | undefined;
    month?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const reversal = alias(revenueEntries, "reversal");
    const me = actorId(ctx.actor);
    const rows = await tx
      .select({ e: revenueEntries, reversedById: reversal.id })
      .from(revenueEntries)
      .innerJoin(customers, eq(customers.id, revenueEntries.customerId))
      .leftJoin(reversal, and(eq(reversal.tenantId, revenueEntries.tenantId), eq(reversal.reversesId, revenueEntries.id)))
      .where(
        and(
          // credited to, or on a customer of, a rep in the caller's scope (a rep: themself; a lead: their team)
          isManager(ctx.actor) || !me
            ? undefined
            : or(repInScope(scopeOf(ctx), revenueEntries.repId), repInScope(scopeOf(ctx), customers.ownerId)),
          q.customerId ? eq(revenueEntries.customerId, q.customerId) : undefined,
          q.repId ? eq(revenueEntries.repId, q.repId) : undefined,
          q.month ? eq(revenueEntries.month, q.month) : undefined,
          after ? sql`(${revenueEntries.occurredAt}, ${revenueEntries.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(revenueEntries.occurredAt), desc(revenueEntries.id))
      .limit(q.limit + 1);
    return page(
      rows,
      q.limit,
      (r) => presentEntry(r.e, r.reversedById),
      (i) => [i.occurredAt, i.id],
    );
  });
}
