import { cardSales, cardTypes, customerChanges, customers, type Tx, withTenant } from "@clubhouse/db";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import { withIdempotency } from "../contacts/idempotency.ts";
import { actorId, isManager, loadCustomer, writeStatus } from "../customers/service.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict, isUniqueViolation, NotFound, RuleViolation, ValidationError } from "../http/errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { cursorPart, decodeCursor, page } from "../http/paging.ts";
import { toFen, toYuan } from "../money.ts";
import { enqueueNotifications } from "../notify/index.ts";
import { checkPromotion, promotionsById } from "../promotions/service.ts";
import { publishCommitted } from "../realtime/outbox.ts";
import { needsPriceApproval, salePriceFen } from "../regulation/card-price.ts";
import { checkDate, checkOpenMonth, closedMonths } from "../revenue/dates.ts";
import { appendLedger } from "../revenue/ledger.ts";
import { afterRevenue, presentEntry, resolveRep } from "../revenue/service.ts";
import { readClubRules } from "../settings/service.ts";
import { monthOf } from "../time/club-time.ts";

type CardTypeRow = typeof cardTypes.$inferSelect;
const presentType = (t: CardTypeRow) => ({
  id: t.id,
  name: t.name,
  listPrice: toYuan(t.listPriceFen),
  businessLine: t.businessLine,
  active: t.active,
});

export async function createCardType(ctx: ServiceContext, input: { name: string; listPrice: number; businessLine?: string | undefined }) {
  try {
    return await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
      const rules = await readClubRules(tx);
      const line = input.businessLine ?? "membership";
      if (!rules.businessLines.includes(line))
        throw new ValidationError({
          businessLine: fieldIssue("unknown_business_line", `must be one of: ${rules.businessLines.join(", ")}`, {
            values: rules.businessLines,
          }),
        });
      const [t] = await tx
        .insert(cardTypes)
        .values({
          tenantId: ctx.tenantId,
          name: input.name,
          listPriceFen: toFen(input.listPrice),
          businessLine: line,
          createdAt: ctx.deps.clock.now(),
        })
        .returning();
      await audit(tx, ctx.tenantId, ctx.actor, "card_type.created", "card_type", t!.id, presentType(t!));
      return presentType(t!);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict("A card type with that name exists.", { name: fieldIssue("taken", "is taken") });
    throw err;
  }
}

/** A new list price applies to later sales only; past sales keep the price they were sold at. */
export async function updateCardType(
  ctx: ServiceContext,
  id: string,
  patch: { name?: string | undefined; listPrice?: number | undefined; active?: boolean | undefined },
) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [before] = await tx.select().from(cardTypes).where(eq(cardTypes.id, id)).for("update");
    if (!before) throw new NotFound("card type");
    const [t] = await tx
      .update(cardTypes)
      .set({
        name: patch.name ?? before.name,
        listPriceFen: patch.listPrice === undefined ? before.listPriceFen : toFen(patch.listPrice),
        active: patch.active ?? before.active,
      })
      .where(eq(cardTypes.id, id))
      .returning();
    await audit(tx, ctx.tenantId, ctx.actor, "card_type.updated", "card_type", id, { before: presentType(before), after: presentType(t!) });
    return presentType(t!);
  });
}

export async function listCardTypes(ctx: ServiceContext) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => ({
    items: (await tx.select().from(cardTypes).orderBy(asc(cardTypes.name))).map(presentType),
  }));
}

type SaleRow = typeof cardSales.$inferSelect;
const presentSale = (s: SaleRow) => ({
  id: s.id,
  customerId: s.customerId,
  cardTypeId: s.cardTypeId,
  repId: s.repId,
  price: toYuan(s.priceFen),
  listPrice: toYuan(s.listPriceFen),
  approvedBy: s.approvedBy,
  approvalNote: s.approvalNote,
  newCardCustomer: s.newCardCustomer,
  revenueEntryId: s.revenueEntryId,
  promotionId: s.promotionId,
  occurredAt: s.occurredAt.toISOString(),
  createdAt: s.createdAt.toISOString(),
});

/**
 * 第五条 一: a card is sold at its list price and carries no extra fee (不得随意高于或
 * 低于规定之价格). Another price needs a manager's approval, recorded on the sale: a
 * manager selling at another price must write the approval note; a rep cannot.
 * The sale creates its revenue entry and turns a prospect (or a churned customer
 * won back) active: a new card customer (新卡客户).
 */
export interface CardSaleInput {
  customerId: string;
  cardTypeId: string;
  price?: number | undefined;
  occurredAt?: string | undefined;
  repId?: string | undefined;
  approvalNote?: string | undefined;
  /** the approved public promotion (第五条 1.2) it was sold at */
  promotionId?: string | undefined;
}

/**
 * Sells the card; with an Idempotency-Key (a phone retrying after a lost answer) the
 * key is claimed in the same transaction, and a replay answers the first sale instead
 * of selling the card twice.
 */
export async function sellCard(ctx: ServiceContext, input: CardSaleInput, key?: string) {
  if (key === undefined) {
    const out = await withTenant(ctx.deps.database, ctx.tenantId, (tx) => sellCardTx(tx, ctx, input));
    announceSale(ctx, out);
    await afterRevenue(ctx, [out.entry]);
    return { body: presentSold(out), replayed: false };
  }
  let sold: Awaited<ReturnType<typeof sellCardTx>> | undefined;
  const stored = await withIdempotency(ctx, { key, scope: "POST /card-sales", request: input }, async (tx) => {
    sold = await sellCardTx(tx, ctx, input);
    return { status: 201 as const, body: JSON.parse(JSON.stringify(presentSold(sold))) as ReturnType<typeof presentSold> };
  });
  if (!stored.replayed && sold) {
    announceSale(ctx, sold);
    await afterRevenue(ctx, [sold.entry]);
  }
  return { body: stored.body, replayed: stored.replayed };
}

/**
 * After commit, to the whole club (the wall TV celebrates it): who sold which card for
 * how much — never the customer, whose name a club's clients may not want on a TV.
 */
function announceSale(ctx: ServiceContext, out: Awaited<ReturnType<typeof sellCardTx>>) {
  publishCommitted(ctx.deps, ctx.tenantId, [
    {
      event: "card:sold",
      payload: {
        id: out.sale.id,
        repId: out.sale.repId,
        cardType: out.cardType,
        amount: toYuan(out.sale.priceFen),
        occurredAt: out.sale.occurredAt.toISOString(),
      },
    },
  ]);
}

function presentSold(out: Awaited<ReturnType<typeof sellCardTx>>) {
  return { ...presentSale(out.sale), revenueEntry: presentEntry(out.entry) };
}

async function sellCardTx(tx: Tx, ctx: ServiceContext, input: CardSaleInput) {
  const rules = await readClubRules(tx);
  const customer = await loadCustomer(tx, ctx, input.customerId, true);
  if (customer.status === "dropped")
    throw new RuleViolation("This prospect was dropped; a manager must reopen it first.", {
      customerId: fieldIssue("dropped", "is dropped"),
    });
  const [type] = await tx.select().from(cardTypes).where(eq(cardTypes.id, input.cardTypeId));
  if (!type) throw new ValidationError({ cardTypeId: fieldIssue("not_in_club", "is not a card type of this club") });
  if (!type.active) throw new RuleViolation("This card type is no longer sold.", { cardTypeId: fieldIssue("retired", "is retired") });
  const priceFen = salePriceFen(input.price === undefined ? undefined : toFen(input.price), type.listPriceFen);
  let approvedBy: string | null = null;
  if (needsPriceApproval(priceFen, type.listPriceFen)) {
    if (!isManager(ctx.actor)) {
      throw new RuleViolation(
        `A ${type.name} card sells at its list price of ¥${toYuan(type.listPriceFen)}; another price needs a manager's approval.`,
        {
          price: fieldIssue("list_price", `must be the list price ${toYuan(type.listPriceFen)}`, {
            listPrice: toYuan(type.listPriceFen),
          }),
        },
      );
    }
    if (!input.approvalNote)
      throw new RuleViolation("Selling below or above the list price needs the approval recorded.", {
        approvalNote: fieldIssue("required", "is required for another price"),
      });
    approvedBy = actorId(ctx.actor);
  }
  const now = ctx.deps.clock.now();
  const occurredAt = input.occurredAt ? new Date(input.occurredAt) : now;
  checkDate(occurredAt, now, rules.timezone);
  const month = monthOf(occurredAt, rules.timezone);
  await checkOpenMonth(month, now, rules.timezone, closedMonths(tx, ctx.tenantId));
  const repId = await resolveRep(tx, ctx, customer.id, occurredAt, input.repId);
  if (input.promotionId) checkPromotion((await promotionsById(tx, [input.promotionId])).get(input.promotionId), repId, occurredAt);
  const [entry] = await appendLedger(tx, [
    {
      tenantId: ctx.tenantId,
      customerId: customer.id,
      repId,
      amountFen: priceFen,
      businessLine: rules.businessLines.includes(type.businessLine) ? type.businessLine : "membership",
      occurredAt,
      month,
      source: "card_sale",
      createdBy: actorId(ctx.actor),
      createdAt: now,
    },
  ]);
  const newCardCustomer = customer.status !== "active";
  const cardsHeld = [...(customer.transaction.cardsHeld ?? []), type.name];
  await tx
    .update(customers)
    .set({
      status: "active",
      activeSince: newCardCustomer ? occurredAt : customer.activeSince,
      transaction: { ...customer.transaction, cardsHeld },
      updatedAt: now,
    })
    .where(eq(customers.id, customer.id));
  if (newCardCustomer) await writeStatus(tx, ctx, customer, "active", occurredAt);
  await tx.insert(customerChanges).values({
    tenantId: ctx.tenantId,
    customerId: customer.id,
    actorId: actorId(ctx.actor),
    kind: "card_sale",
    changes: [
      ...(newCardCustomer ? [{ field: "status", old: customer.status, new: "active" }] : []),
      { field: "transaction.cardsHeld", old: customer.transaction.cardsHeld ?? [], new: cardsHeld },
    ],
    at: now,
  });
  const [sale] = await tx
    .insert(cardSales)
    .values({
      tenantId: ctx.tenantId,
      customerId: customer.id,
      cardTypeId: type.id,
      repId,
      priceFen,
      listPriceFen: type.listPriceFen,
      approvedBy,
      approvalNote: approvedBy ? (input.approvalNote ?? null) : null,
      revenueEntryId: entry!.id,
      newCardCustomer,
      occurredAt,
      createdBy: actorId(ctx.actor),
      createdAt: now,
      promotionId: input.promotionId ?? null,
    })
    .returning();
  const sold = { saleId: sale!.id, cardType: type.name, amount: toYuan(priceFen), occurredAt: occurredAt.toISOString(), newCardCustomer };
  await enqueueNotifications(tx, ctx.tenantId, [{ event: "card_sold", repId, data: sold }]);
  return { sale: sale!, entry: entry!, cardType: type.name };
}

export async function listCardSales(
  ctx: ServiceContext,
  q: { customerId?: string | undefined; repId?: string | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const me = actorId(ctx.actor);
    const rows = await tx
      .select({ s: cardSales })
      .from(cardSales)
      .innerJoin(customers, eq(customers.id, cardSales.customerId))
      .where(
        and(
          isManager(ctx.actor) ? undefined : eq(customers.ownerId, me ?? ""),
          q.customerId ? eq(cardSales.customerId, q.customerId) : undefined,
          q.repId ? eq(cardSales.repId, q.repId) : undefined,
          after ? sql`(${cardSales.occurredAt}, ${cardSales.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(desc(cardSales.occurredAt), desc(cardSales.id))
      .limit(q.limit + 1);
    return page(
      rows,
      q.limit,
      (r) => presentSale(r.s),
      (i) => [i.occurredAt, i.id],
    );
  });
}
