import { cardSales, contacts, contactVoids, diaries, repDayContacts, revenueEntries, type Tx, users, withTenant } from "@clubhouse/db";
import { and, asc, eq, gte, isNull, lt, or, sql } from "drizzle-orm";
import { actorId } from "../access/actor.ts";
import { repInScope, requestedRep, scopeOf } from "../access/scope.ts";
import { type Checks, checksOf, dayChecks } from "../contacts/checks.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict, RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { cursorPart, decodeCursor, page } from "../http/paging.ts";
import { toYuan } from "../money.ts";
import { type DiaryFigures, diaryFigures } from "../regulation/diary.ts";
import { diaryDeadline, isLate, lateSql } from "../regulation/diary-lateness.ts";
import { readClubRules } from "../settings/service.ts";
import { type ClubDay, dayOf, dayRange } from "../time/club-time.ts";

/**
 * 业务发展工作日志 (docs/regulation.md, 第四条 1): one per rep per club day. The figures are
 * derived from the ledger — contacts, card sales, revenue credited to the rep that
 * club day — and never typed (第六条: 严格统计数字、不得弄虚作假). Submitting freezes
 * them with the rep's own fields; a trigger refuses any later change but a
 * manager's comment.
 */

type DiaryRow = typeof diaries.$inferSelect;

export interface DiaryText {
  workingTime?: string | null | undefined;
  targets?: string | null | undefined;
  progress?: string | null | undefined;
  notes?: string | null | undefined;
}

async function liveFigures(tx: Tx, repId: string, day: ClubDay, tz: string): Promise<DiaryFigures> {
  const { start, end } = dayRange(day, tz);
  const onDay = <C extends typeof contacts.occurredAt | typeof revenueEntries.occurredAt | typeof cardSales.occurredAt>(col: C) =>
    and(gte(col, start), lt(col, end));
  const dayContacts = await tx
    .select({ c: contacts, voidedAt: contactVoids.voidedAt })
    .from(contacts)
    .leftJoin(contactVoids, and(eq(contactVoids.tenantId, contacts.tenantId), eq(contactVoids.contactId, contacts.id)))
    .where(and(eq(contacts.repId, repId), onDay(contacts.occurredAt)));
  const revenue = await tx
    .select({ amountFen: revenueEntries.amountFen, occurredAt: revenueEntries.occurredAt })
    .from(revenueEntries)
    .where(and(eq(revenueEntries.repId, repId), onDay(revenueEntries.occurredAt)));
  const sales = await tx
    .select({ customerId: cardSales.customerId, occurredAt: cardSales.occurredAt })
    .from(cardSales)
    .where(and(eq(cardSales.repId, repId), eq(cardSales.newCardCustomer, true), onDay(cardSales.occurredAt)));
  return diaryFigures({
    day,
    tz,
    contacts: dayContacts.map((r) => ({
      customerId: r.c.customerId,
      channel: r.c.channel,
      target: r.c.target,
      occurredAt: r.c.occurredAt,
      voided: r.voidedAt !== null,
    })),
    revenue: revenue.map((r) => ({ amountFen: Number(r.amountFen), occurredAt: r.occurredAt })),
    newCardCustomers: sales.map((s) => ({ customerId: s.customerId, activatedAt: s.occurredAt })),
  });
}

/**
 * The figures as answered, with the day's visit checks (docs/verified-visits.md): always
 * the counters' now, also for a submitted diary, so a manager's later acceptance shows.
 */
function presentFigures(f: DiaryFigures, checks: Checks | undefined) {
  const { revenueCreditedFen, ...counts } = f;
  return { ...counts, revenueCredited: toYuan(revenueCreditedFen), checks: checks ?? checksOf(null) };
}

function present(repId: string, day: ClubDay, row: DiaryRow | undefined, figures: DiaryFigures, now: Date, tz: string, checks?: Checks) {
  const submittedAt = row?.submittedAt ?? null;
  return {
    repId,
    day,
    figures: presentFigures(figures, checks),
    workingTime: row?.workingTime ?? null,
    targets: row?.targets ?? null,
    progress: row?.progress ?? null,
    notes: row?.notes ?? null,
    submitted: submittedAt !== null,
    submittedAt: submittedAt?.toISOString() ?? null,
    deadline: diaryDeadline(day, tz).toISOString(),
    late: isLate(day, submittedAt, now, tz),
    managerComment: row?.managerComment ?? null,
    commentedBy: row?.commentedBy ?? null,
    commentedAt: row?.commentedAt?.toISOString() ?? null,
  };
}

/** A diary is for a club day that has begun: a future date is refused. */
async function dayContext(tx: Tx, ctx: ServiceContext, day: ClubDay) {
  const rules = await readClubRules(tx);
  const now = ctx.deps.clock.now();
  if (day > dayOf(now, rules.timezone))
    throw new RuleViolation("That club day has not come yet.", { date: fieldIssue("in_future", "is in the future") });
  return { tz: rules.timezone, now };
}

async function readDiary(tx: Tx, repId: string, day: ClubDay, tz: string, now: Date) {
  const [[row], checks] = await Promise.all([
    tx
      .select()
      .from(diaries)
      .where(and(eq(diaries.repId, repId), eq(diaries.day, day))),
    dayChecks(tx, and(eq(repDayContacts.repId, repId), eq(repDayContacts.day, day))),
  ]);
  // Submitted: the frozen figures. Otherwise: live from the ledger.
  const figures = row?.submittedAt && row.figures ? (row.figures as unknown as DiaryFigures) : await liveFigures(tx, repId, day, tz);
  return present(repId, day, row, figures, now, tz, checks.get(`${repId} ${day}`));
}

export async function getDiary(ctx: ServiceContext, day: ClubDay, repId: string | undefined) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const rep = await requestedRep(tx, ctx, repId);
    const { tz, now } = await dayContext(tx, ctx, day);
    return readDiary(tx, rep.id, day, tz, now);
  });
}

/** The row, created empty when missing, locked for this transaction. */
async function lockDiary(tx: Tx, ctx: ServiceContext, repId: string, day: ClubDay, now: Date) {
  await tx.insert(diaries).values({ tenantId: ctx.tenantId, repId, day, updatedAt: now }).onConflictDoNothing();
  const [row] = await tx
    .select()
    .from(diaries)
    .where(and(eq(diaries.repId, repId), eq(diaries.day, day)))
    .for("update");
  return row!;
}

/** The rep's own fields; only the rep writes their diary, and only until it is submitted. */
export async function writeDiary(ctx: ServiceContext, day: ClubDay, input: DiaryText) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const repId = actorId(ctx.actor)!;
    const { tz, now } = await dayContext(tx, ctx, day);
    const row = await lockDiary(tx, ctx, repId, day, now);
    if (row.submittedAt) throw new RuleViolation("This diary is submitted and locked.", { date: fieldIssue("submitted", "is submitted") });
    const set: Partial<DiaryRow> = { updatedAt: now };
    for (const k of ["workingTime", "targets", "progress", "notes"] as const) if (input[k] !== undefined) set[k] = input[k] || null;
    await tx
      .update(diaries)
      .set(set)
      .where(and(eq(diaries.repId, repId), eq(diaries.day, day)));
    return readDiary(tx, repId, day, tz, now);
  });
}

/** Submitting freezes the figures as they are now; contacts logged later for the day do not change them. */
export async function submitDiary(ctx: ServiceContext, day: ClubDay) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const repId = actorId(ctx.actor)!;
    const { tz, now } = await dayContext(tx, ctx, day);
    const row = await lockDiary(tx, ctx, repId, day, now);
    if (row.submittedAt) throw new Conflict("This diary was already submitted.", { date: fieldIssue("submitted", "is submitted") });
    const figures = await liveFigures(tx, repId, day, tz);
    await tx
      .update(diaries)
      .set({ figures: { ...figures }, submittedAt: now, updatedAt: now })
      .where(and(eq(diaries.repId, repId), eq(diaries.day, day)));
    return readDiary(tx, repId, day, tz, now);
  });
}

/** A manager's comment, before or after submit; a later comment replaces the earlier one (who and when are kept). */
export async function commentDiary(ctx: ServiceContext, day: ClubDay, repId: string, comment: string) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const rep = await requestedRep(tx, ctx, repId);
    const { tz, now } = await dayContext(tx, ctx, day);
    await lockDiary(tx, ctx, rep.id, day, now);
    await tx
      .update(diaries)
      .set({ managerComment: comment, commentedBy: actorId(ctx.actor), commentedAt: now, updatedAt: now })
      .where(and(eq(diaries.repId, rep.id), eq(diaries.day, day)));
    return readDiary(tx, rep.id, day, tz, now);
  });
}

/**
 * The club's diaries for a day (manager): every enabled rep, and anyone else who
 * kept a diary that day, with submitted and late flags. `late=true` keeps the late
 * ones (unsubmitted after 10:00 the next club day, or submitted after it).
 */
export async function listDiaries(
  ctx: ServiceContext,
  q: { date?: string | undefined; late?: boolean | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(q.cursor, [cursorPart.text, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const rules = await readClubRules(tx);
    const now = ctx.deps.clock.now();
    const day = q.date ?? dayOf(now, rules.timezone);
    const { tz } = await dayContext(tx, ctx, day);
    const lateExpr = lateSql(diaries.submittedAt, day, now, tz);
    const [rows, dayChecked] = await Promise.all([
      tx
        .select({ u: { id: users.id, name: users.name, role: users.role }, d: diaries })
        .from(users)
        .leftJoin(diaries, and(eq(diaries.tenantId, users.tenantId), eq(diaries.repId, users.id), eq(diaries.day, day)))
        .where(
          and(
            or(and(eq(users.role, "rep"), isNull(users.disabledAt)), sql`${diaries.repId} is not null`),
            repInScope(scopeOf(ctx), users.id),
            q.late === undefined ? undefined : q.late ? lateExpr : sql`not ${lateExpr}`,
            after ? sql`(${users.name}, ${users.id}) > (${after[0]}, ${after[1]}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(users.name), asc(users.id))
        .limit(q.limit + 1),
      // the day's visit checks of every rep (docs/verified-visits.md)
      dayChecks(tx, eq(repDayContacts.day, day)),
    ]);
    const listed = page(
      rows,
      q.limit,
      (r) => ({
        repId: r.u.id,
        name: r.u.name,
        day,
        submitted: Boolean(r.d?.submittedAt),
        submittedAt: r.d?.submittedAt?.toISOString() ?? null,
        late: isLate(day, r.d?.submittedAt ?? null, now, tz),
        hasText: Boolean(r.d?.workingTime || r.d?.targets || r.d?.progress || r.d?.notes),
        managerComment: r.d?.managerComment ?? null,
        figures:
          r.d?.submittedAt && r.d.figures
            ? presentFigures(r.d.figures as unknown as DiaryFigures, dayChecked.get(`${r.u.id} ${day}`))
            : null,
      }),
      (i) => [i.name, i.repId],
    );
    return { day, deadline: diaryDeadline(day, tz).toISOString(), ...listed };
  });
}
