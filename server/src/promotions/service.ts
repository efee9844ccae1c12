import { cardSales, cardTypes, contacts, contactVoids, promotions, revenueEntries, type Tx, users, withTenant } from "@clubhouse/db";
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { repInScope as scopedRep, scopeOf } from "../access/scope.ts";
import { audit } from "../audit.ts";
import { repInScope } from "../contacts/service.ts";
import { actorId } from "../customers/service.ts";
import type { ServiceContext } from "../deps.ts";
import { NotFound, RuleViolation, ValidationError } from "../http/errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { cursorPart, decodeCursor, page } from "../http/paging.ts";
import { toYuan } from "../money.ts";
import { type Outbox, publishAfterCommit } from "../realtime/outbox.ts";
import { askRefusal, MAX_PROMOTION_DAYS, type PromotionStatus, promotionRefusal, usableAtSql } from "../regulation/promotions.ts";
import { readClubRules } from "../settings/service.ts";

export type PromotionRow = typeof promotions.$inferSelect;
export interface PromotionFigures {
  contacts: number;
  cardSales: number;
  revenueFen: number;
}

export function presentPromotion(p: PromotionRow, f: PromotionFigures, repName: string | null = null) {
  return {
    id: p.id,
    repId: p.repId,
    repName,
    place: p.place,
    startsAt: p.startsAt.toISOString(),
    endsAt: p.endsAt.toISOString(),
    cardTypeIds: p.cardTypeIds,
    expectedContacts: p.expectedContacts,
    note: p.note,
    status: p.status,
    decidedBy: p.decidedBy,
    decidedAt: p.decidedAt?.toISOString() ?? null,
    reason: p.reason,
    createdAt: p.createdAt.toISOString(),
    contacts: f.contacts,
    cardSales: f.cardSales,
    revenue: toYuan(f.revenueFen),
  };
}
export type PromotionView = ReturnType<typeof presentPromotion>;

/**
 * Promotions' figures, counted from the ledger: their contacts (a voided one counts
 * nowhere), their card sales, and those sales' revenue net of reversals.
 */
async function figuresOf(tx: Tx, ids: string[]): Promise<Map<string, PromotionFigures>> {
  const out = new Map<string, PromotionFigures>(ids.map((id) => [id, { contacts: 0, cardSales: 0, revenueFen: 0 }]));
  if (ids.length === 0) return out;
  const [contactRows, saleRows] = await Promise.all([
    tx
      .select({ id: contacts.promotionId, n: sql<number>`count(*)::int` })
      .from(contacts)
      .leftJoin(contactVoids, and(eq(contactVoids.tenantId, contacts.tenantId), eq(contactVoids.contactId, contacts.id)))
      .where(and(inArray(contacts.promotionId, ids), sql`${contactVoids.contactId} is null`))
      .groupBy(contacts.promotionId),
    tx
      .select({
        id: cardSales.promotionId,
        n: sql<number>`count(*)::int`,
        fen: sql<string>`coalesce(sum(${revenueEntries.amountFen} + coalesce((select sum(r.amount_fen) from ${revenueEntries} r where r.tenant_id = ${revenueEntries.tenantId} and r.reverses_id = ${revenueEntries.id}), 0)), 0)::text`,
      })
      .from(cardSales)
      .innerJoin(revenueEntries, and(eq(revenueEntries.tenantId, cardSales.tenantId), eq(revenueEntries.id, cardSales.revenueEntryId)))
      .where(inArray(cardSales.promotionId, ids))
      .groupBy(cardSales.promotionId),
  ]);
  for (const r of contactRows) {
    const f = r.id ? out.get(r.id) : undefined;
    if (f) f.contacts = Number(r.n);
  }
  for (const r of saleRows) {
    const f = r.id ? out.get(r.id) : undefined;
    if (f) {
      f.cardSales = Number(r.n);
      f.revenueFen = Number(r.fen);
    }
  }
  return out;
}

async function presentRows(tx: Tx, rows: PromotionRow[]): Promise<PromotionView[]> {
  const repIds = [...new Set(rows.map((r) => r.repId))];
  const [figures, named] = await Promise.all([
    figuresOf(
      tx,
      rows.map((r) => r.id),
    ),
    repIds.length ? tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, repIds)) : Promise.resolve([]),
  ]);
  const names = new Map(named.map((u) => [u.id, u.name]));
  return rows.map((r) => presentPromotion(r, figures.get(r.id)!, names.get(r.repId) ?? null));
}

export interface AskPromotion {
  place: string;
  startsAt: string;
  endsAt: string;
  cardTypeIds: string[];
  expectedContacts: number;
  note?: string | undefined;
}

/** After commit: the rep's phone and the managers' desks hear of every change. */
function announce(out: Outbox, p: PromotionRow) {
  const payload = {
    id: p.id,
    repId: p.repId,
    status: p.status,
    place: p.place,
    startsAt: p.startsAt.toISOString(),
    endsAt: p.endsAt.toISOString(),
  };
  out.emit("promotion:changed", payload);
}

/** 第五条 1.2: a rep asks to show, promote or sell cards at a public place for a window of time. */
export async function askPromotion(ctx: ServiceContext, input: AskPromotion) {
  return publishAfterCommit(ctx.deps, ctx.tenantId, async (tx, out) => {
    const rep = await repInScope(tx, ctx, undefined);
    const rules = await readClubRules(tx);
    const now = ctx.deps.clock.now();
    const startsAt = new Date(input.startsAt);
    const endsAt = new Date(input.endsAt);
    const refused = askRefusal(startsAt, endsAt, now, rules.timezone);
    if (refused)
      throw new ValidationError({
        [refused.field]:
          refused.code === "period_too_long"
            ? fieldIssue("period_too_long", `at most ${MAX_PROMOTION_DAYS} days after startsAt`, { max: MAX_PROMOTION_DAYS })
            : refused.code === "in_past"
              ? fieldIssue("in_past", "is in the past")
              : fieldIssue("before_from", "must be after startsAt"),
      });
    const ids = [...new Set(input.cardTypeIds)];
    const known = await tx.select({ id: cardTypes.id, active: cardTypes.active }).from(cardTypes).where(inArray(cardTypes.id, ids));
    const byId = new Map(known.map((k) => [k.id, k]));
    const bad = input.cardTypeIds.findIndex((id) => !byId.get(id)?.active);
    if (bad >= 0)
      throw new ValidationError({
        [`cardTypeIds.${bad}`]: byId.has(input.cardTypeIds[bad]!)
          ? fieldIssue("retired", "is retired")
          : fieldIssue("not_in_club", "is not a card type of this club"),
      });
    const [row] = await tx
      .insert(promotions)
      .values({
        tenantId: ctx.tenantId,
        repId: rep.id,
        place: input.place,
        startsAt,
        endsAt,
        cardTypeIds: ids,
        expectedContacts: input.expectedContacts,
        note: input.note || null,
        createdAt: now,
      })
      .returning();
    await audit(tx, ctx.tenantId, ctx.actor, "promotion.requested", "promotion", row!.id, {
      place: row!.place,
      startsAt: row!.startsAt.toISOString(),
      endsAt: row!.endsAt.toISOString(),
    });
    announce(out, row!);
    return presentPromotion(row!, { contacts: 0, cardSales: 0, revenueFen: 0 }, rep.name);
  });
}

/**
 * The promotions in the caller's scope: a rep's own, a lead's team's, a manager's
 * all; newest window first, paged. `usableNow` keeps the ones the caller's rep may
 * name right now (approved, window open).
 */
export async function listPromotions(
  ctx: ServiceContext,
  q: {
    status?: PromotionStatus | undefined;
    repId?: string | undefined;
    usableNow?: boolean | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const rep = q.repId ? await repInScope(tx, ctx, q.repId) : undefined;
    const rows = await tx
      .select()
      .from(promotions)
      .where(
        and(
          scopedRep(scopeOf(ctx), promotions.repId),
          rep ? eq(promotions.repId, rep.id) : undefined,
          q.status ? eq(promotions.status, q.status) : undefined,
          q.usableNow ? usableAtSql(promotions, ctx.deps.clock.now()) : undefined,
          after ? sql`(${promotions.startsAt}, ${promotions.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(promotions.startsAt), desc(promotions.id))
      .limit(q.limit + 1);
    const shown = await presentRows(tx, rows);
    return page(
      shown,
      q.limit,
      (v) => v,
      (i) => [i.startsAt, i.id],
    );
  });
}

/** A promotion in the caller's scope, or 404 (another club's or another rep's is absent). */
async function loadInScope(tx: Tx, ctx: ServiceContext, id: string, lock = false) {
  const base = tx
    .select()
    .from(promotions)
    .where(and(eq(promotions.id, id), scopedRep(scopeOf(ctx), promotions.repId)));
  const [p] = lock ? await base.for("update") : await base;
  if (!p) throw new NotFound("promotion");
  return p;
}

export async function getPromotion(ctx: ServiceContext, id: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => (await presentRows(tx, [await loadInScope(tx, ctx, id)]))[0]!);
}

/** A manager approves or refuses a request once; a second decision is refused. */
export async function decidePromotion(ctx: ServiceContext, id: string, decision: "approved" | "refused", reason?: string) {
  return publishAfterCommit(ctx.deps, ctx.tenantId, async (tx, out) => {
    const p = await loadInScope(tx, ctx, id, true);
    if (p.status !== "requested")
      throw new RuleViolation(`This promotion was already ${p.status}.`, {
        status: fieldIssue("already_decided", "was already decided", { status: p.status }),
      });
    const now = ctx.deps.clock.now();
    if (decision === "approved" && p.endsAt.getTime() < now.getTime())
      throw new RuleViolation("This promotion's time is over; it can only be refused.", {
        endsAt: fieldIssue("in_past", "is in the past"),
      });
    const [row] = await tx
      .update(promotions)
      .set({ status: decision, decidedBy: actorId(ctx.actor), decidedAt: now, reason: reason ?? null })
      .where(eq(promotions.id, id))
      .returning();
    await audit(tx, ctx.tenantId, ctx.actor, `promotion.${decision}`, "promotion", id, reason ? { reason } : undefined);
    announce(out, row!);
    return (await presentRows(tx, [row!]))[0]!;
  });
}

/** Its rep cancels a promotion (asked or approved) before it starts. */
export async function cancelPromotion(ctx: ServiceContext, id: string) {
  return publishAfterCommit(ctx.deps, ctx.tenantId, async (tx, out) => {
    const p = await loadInScope(tx, ctx, id, true);
    if (p.repId !== actorId(ctx.actor)) throw new NotFound("promotion");
    if (p.status === "refused" || p.status === "cancelled")
      throw new RuleViolation(`This promotion was already ${p.status}.`, {
        status: fieldIssue("already_decided", "was already decided", { status: p.status }),
      });
    const now = ctx.deps.clock.now();
    if (p.startsAt.getTime() <= now.getTime())
      throw new RuleViolation("This promotion has started; it stays on the record.", {
        startsAt: fieldIssue("already_started", "has already started"),
      });
    const [row] = await tx
      .update(promotions)
      .set({ status: "cancelled", decidedAt: now, decidedBy: actorId(ctx.actor) })
      .where(eq(promotions.id, id))
      .returning();
    await audit(tx, ctx.tenantId, ctx.actor, "promotion.cancelled", "promotion", id);
    announce(out, row!);
    return (await presentRows(tx, [row!]))[0]!;
  });
}

/**
 * The promotions a group of writes names, read in the writes' transaction and locked
 * against a concurrent cancel: RLS leaves another club's out, so it reads as absent.
 */
export async function promotionsById(tx: Tx, ids: (string | undefined)[]): Promise<Map<string, PromotionRow>> {
  const wanted = [...new Set(ids.filter((i): i is string => Boolean(i)))].sort();
  if (wanted.length === 0) return new Map();
  const rows = await tx.select().from(promotions).where(inArray(promotions.id, wanted)).for("share");
  return new Map(rows.map((r) => [r.id, r]));
}

/** 422 with a field code under `promotionId` unless `p` may be named by `repId` at `at` (第五条 1.2). */
export function checkPromotion(p: PromotionRow | undefined, repId: string, at: Date): void {
  if (!p)
    throw new RuleViolation("That promotion is not one of this club's.", {
      promotionId: fieldIssue("not_in_club", "is not a promotion of this club"),
    });
  const refused = promotionRefusal(p, repId, at);
  if (refused === "promotion_not_approved")
    throw new RuleViolation("Only an approved promotion can be named (第五条 1.2).", {
      promotionId: fieldIssue(refused, "is not an approved promotion", { status: p.status }),
    });
  if (refused === "promotion_not_own")
    throw new RuleViolation("That promotion is another rep's.", { promotionId: fieldIssue(refused, "is another rep's promotion") });
  if (refused === "promotion_outside_window")
    throw new RuleViolation("That is outside the promotion's time.", {
      promotionId: fieldIssue(refused, "is outside the promotion's time", {
        startsAt: p.startsAt.toISOString(),
        endsAt: p.endsAt.toISOString(),
      }),
    });
}
