import { contacts, contactVoids, users, visitPlans, withTenant } from "@clubhouse/db";
import { and, asc, eq, gte, inArray, lte, sql } from "drizzle-orm";
import { actorId, isManager } from "../access/actor.ts";
import { repCondition, requestedRep } from "../access/scope.ts";
import { loadCustomer } from "../customers/service.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict, NotFound, RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { cursorPart, decodeCursor, page, pageRows } from "../http/paging.ts";
import type { ContactChannel } from "../regulation/contacts.ts";
import { visitPlanAdherence } from "../regulation/visit-plans.ts";
import { readClubRules } from "../settings/service.ts";
import { addDays, type ClubDay, dayOf, isoWeekOf } from "../time/club-time.ts";
import { mondayOf, wholeWeeks } from "./week.ts";

/** How far ahead a plan may be made. */
export const PLAN_HORIZON_DAYS = 366;

type PlanRow = typeof visitPlans.$inferSelect;
const presentPlan = (p: PlanRow) => ({
  id: p.id,
  repId: p.repId,
  customerId: p.customerId,
  day: p.day,
  channel: p.channel,
  note: p.note,
  createdAt: p.createdAt.toISOString(),
});

/**
 * 第四条 2③ 制定客户访问计划: a rep plans a contact with one of their customers for
 * today or a later club day. A manager may plan for a rep (`repId`). Plans for
 * past days cannot be made or deleted: plan versus actual would mean nothing.
 */
export async function createPlan(
  ctx: ServiceContext,
  input: { customerId: string; day: ClubDay; channel?: ContactChannel | undefined; note?: string | undefined; repId?: string | undefined },
) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const rep = await requestedRep(tx, ctx, input.repId);
    const customer = await loadCustomer(tx, ctx, input.customerId);
    if (customer.status === "dropped")
      throw new RuleViolation("This prospect was dropped; nothing to plan.", { customerId: fieldIssue("dropped", "is dropped") });
    const rules = await readClubRules(tx);
    const now = ctx.deps.clock.now();
    const today = dayOf(now, rules.timezone);
    if (input.day < today) throw new RuleViolation("Plans are made for today or later.", { day: fieldIssue("in_past", "is in the past") });
    if (input.day > addDays(today, PLAN_HORIZON_DAYS))
      throw new RuleViolation("Plan at most a year ahead.", {
        day: fieldIssue("too_far_ahead", "is too far ahead", { maxDays: PLAN_HORIZON_DAYS }),
      });
    const same = await tx
      .select({ id: visitPlans.id })
      .from(visitPlans)
      .where(
        and(
          eq(visitPlans.repId, rep.id),
          eq(visitPlans.customerId, customer.id),
          eq(visitPlans.day, input.day),
          input.channel ? eq(visitPlans.channel, input.channel) : sql`${visitPlans.channel} is null`,
        ),
      );
    if (same.length > 0)
      throw new Conflict("This contact is already planned for that day.", { day: fieldIssue("already_planned", "already planned") });
    const [row] = await tx
      .insert(visitPlans)
      .values({
        tenantId: ctx.tenantId,
        repId: rep.id,
        customerId: customer.id,
        day: input.day,
        channel: input.channel ?? null,
        note: input.note || null,
        createdAt: now,
      })
      .returning();
    return presentPlan(row!);
  });
}

export async function listPlans(
  ctx: ServiceContext,
  q: {
    repId?: string | undefined;
    customerId?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  const after = decodeCursor(q.cursor, [cursorPart.day, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const byRep = await repCondition(tx, ctx, q.repId, visitPlans.repId);
    const rows = await tx
      .select()
      .from(visitPlans)
      .where(
        and(
          byRep,
          q.customerId ? eq(visitPlans.customerId, q.customerId) : undefined,
          q.from ? gte(visitPlans.day, q.from) : undefined,
          q.to ? lte(visitPlans.day, q.to) : undefined,
          after ? sql`(${visitPlans.day}, ${visitPlans.id}) > (${after[0]}::date, ${after[1]}::uuid)` : undefined,
        ),
      )
      .orderBy(asc(visitPlans.day), asc(visitPlans.id))
      .limit(q.limit + 1);
    return page(rows, q.limit, presentPlan, (i) => [i.day, i.id]);
  });
}

export async function deletePlan(ctx: ServiceContext, id: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [p] = await tx.select().from(visitPlans).where(eq(visitPlans.id, id)).for("update");
    if (!p || (!isManager(ctx.actor) && p.repId !== actorId(ctx.actor))) throw new NotFound("plan");
    const rules = await readClubRules(tx);
    if (p.day < dayOf(ctx.deps.clock.now(), rules.timezone))
      throw new RuleViolation("A plan for a past day stays on the record.", { day: fieldIssue("in_past", "is in the past") });
    await tx.delete(visitPlans).where(eq(visitPlans.id, id));
  });
}

/**
 * Plan versus actual per rep and ISO week (`visitPlanAdherence`), over whole weeks:
 * one `week`, or the weeks covering `from`–`to`, or this club week by default.
 */
export async function planAdherence(
  ctx: ServiceContext,
  q: {
    repId?: string | undefined;
    week?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [planRep, contactRep] = [
      await repCondition(tx, ctx, q.repId, visitPlans.repId),
      await repCondition(tx, ctx, q.repId, contacts.repId),
    ];
    const rules = await readClubRules(tx);
    const anchor = q.week ? mondayOf(q.week) : dayOf(ctx.deps.clock.now(), rules.timezone);
    const range = q.from && q.to ? wholeWeeks(q.from, q.to) : wholeWeeks(anchor, anchor);
    const plans = await tx
      .select()
      .from(visitPlans)
      .where(and(planRep, gte(visitPlans.day, range.from), lte(visitPlans.day, range.to)));
    const actual = await tx
      .select({ c: contacts, voidedAt: contactVoids.voidedAt })
      .from(contacts)
      .leftJoin(contactVoids, and(eq(contactVoids.tenantId, contacts.tenantId), eq(contactVoids.contactId, contacts.id)))
      .where(and(contactRep, gte(contacts.day, range.from), lte(contacts.day, range.to)));
    const rows = visitPlanAdherence(
      plans.map((p) => ({ id: p.id, repId: p.repId, customerId: p.customerId, day: p.day, channel: p.channel ?? undefined })),
      actual.map((a) => ({
        id: a.c.id,
        repId: a.c.repId,
        customerId: a.c.customerId,
        day: a.c.day,
        channel: a.c.channel,
        voided: a.voidedAt !== null,
      })),
    );
    const repIds = [...new Set(rows.map((r) => r.repId))];
    const names = new Map(
      repIds.length
        ? (await tx.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, repIds))).map((u) => [u.id, u.name])
        : [],
    );
    const out = pageRows(
      rows.map((r) => ({ ...r, name: names.get(r.repId) ?? null })),
      q,
      [cursorPart.week, cursorPart.uuid],
      (r) => [r.week, r.repId],
    );
    return { from: range.from, to: range.to, weeks: weeksBetween(range.from, range.to), ...out };
  });
}

function weeksBetween(from: ClubDay, to: ClubDay): string[] {
  const weeks: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 7)) weeks.push(isoWeekOf(d));
  return weeks;
}
