import { customers, revenueEntries, revenueImports, users, withTenant } from "@clubhouse/db";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { fileHash, RowErrors, readCsv } from "../csv/read.ts";
import { actorId, isManager } from "../customers/service.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict, type FieldsIn, RuleViolation } from "../http/errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { MAX_YUAN, toFen, toYuan } from "../money.ts";
import { readClubRules } from "../settings/service.ts";
import { monthOf } from "../time/club-time.ts";
import { closedMonthError, closedMonthProblem, closedMonths, dateProblem, maybeClosed } from "./dates.ts";
import { appendLedger, type NewEntry, ownerAt } from "./ledger.ts";
import { afterRevenue, CARD_MONEY_FIELD, CARD_MONEY_MESSAGE, isCardMoneyWithoutSale } from "./service.ts";

export const REVENUE_COLUMNS = { required: ["customerId", "amount", "businessLine", "occurredAt"], optional: ["repId", "ref"] };

const uuid = z.uuid();
const instant = z.iso.datetime({ offset: true });
const AMOUNT = /^\d+(\.\d{1,2})?$/;

/**
 * Revenue from a CSV file, all or nothing (SPEC §3): every row is checked first,
 * every bad one reported by line; only a clean file is stored, in one transaction.
 * The same file twice is caught by the SHA-256 of its text (line endings and a BOM
 * ignored), and rows with a `ref` are unique per club even across different files.
 */
export async function importRevenue(ctx: ServiceContext, text: string) {
  const rows = readCsv(text, REVENUE_COLUMNS);
  const hash = fileHash(text);
  const result = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [seen] = await tx
      .select()
      .from(revenueImports)
      .where(and(eq(revenueImports.kind, "revenue"), eq(revenueImports.sha256, hash)));
    if (seen)
      throw new Conflict(`This file was already imported on ${seen.createdAt.toISOString()} (import ${seen.id}); nothing was added.`, {
        file: "already imported",
      });
    const rules = await readClubRules(tx);
    const now = ctx.deps.clock.now();
    const errors = new RowErrors();
    const ids = new Set<string>();
    const reps = new Set<string>();
    const refs = new Map<string, number>();
    for (const { line, values: v } of rows) {
      if (!uuid.safeParse(v.customerId).success)
        errors.add(line, "customerId", fieldIssue("invalid_format", "must be a customer id", { format: "uuid" }));
      else ids.add(v.customerId!);
      const amount = v.amount ?? "";
      if (!AMOUNT.test(amount))
        errors.add(
          line,
          "amount",
          fieldIssue("invalid_format", "must be a positive number of yuan with at most two decimals", { format: "amount" }),
        );
      else if (Number(amount) <= 0) errors.add(line, "amount", fieldIssue("must_be_positive", "must be above zero"));
      else if (Number(amount) > MAX_YUAN)
        errors.add(line, "amount", fieldIssue("too_large", `must not exceed ${MAX_YUAN}`, { max: MAX_YUAN, inclusive: true }));
      if (!rules.businessLines.includes(v.businessLine ?? ""))
        errors.add(
          line,
          "businessLine",
          fieldIssue("unknown_business_line", `must be one of: ${rules.businessLines.join(", ")}`, { values: rules.businessLines }),
        );
      if (!instant.safeParse(v.occurredAt).success)
        errors.add(
          line,
          "occurredAt",
          fieldIssue("invalid_format", "must be an ISO 8601 time with an offset, e.g. 2025-03-31T23:30:00+08:00", { format: "datetime" }),
        );
      else {
        const problem = dateProblem(new Date(v.occurredAt!), now, rules.timezone);
        if (problem) errors.add(line, "occurredAt", problem);
      }
      if (v.repId) {
        if (!uuid.safeParse(v.repId).success)
          errors.add(line, "repId", fieldIssue("invalid_format", "must be a user id", { format: "uuid" }));
        else if (!isManager(ctx.actor) && v.repId !== actorId(ctx.actor))
          errors.add(line, "repId", fieldIssue("not_own", "reps import revenue for themselves only"));
        else reps.add(v.repId);
      }
      if (v.ref) {
        if (v.ref.length > 100) errors.add(line, "ref", fieldIssue("too_long", "must be at most 100 characters", { max: 100 }));
        const first = refs.get(v.ref);
        if (first !== undefined) errors.add(line, "ref", fieldIssue("repeated", `repeats line ${first}`, { line: first }));
        else refs.set(v.ref, line);
      }
    }
    const known = ids.size
      ? await tx
          .select({ id: customers.id, ownerId: customers.ownerId, status: customers.status })
          .from(customers)
          .where(inArray(customers.id, [...ids]))
      : [];
    const visible = new Set(known.filter((c) => isManager(ctx.actor) || c.ownerId === actorId(ctx.actor)).map((c) => c.id));
    const knownReps = reps.size
      ? new Set(
          (
            await tx
              .select({ id: users.id })
              .from(users)
              .where(inArray(users.id, [...reps]))
          ).map((u) => u.id),
        )
      : new Set();
    const takenRefs = refs.size
      ? new Set(
          (
            await tx
              .select({ ref: revenueEntries.externalRef })
              .from(revenueEntries)
              .where(inArray(revenueEntries.externalRef, [...refs.keys()]))
          ).map((r) => r.ref),
        )
      : new Set();
    for (const { line, values: v } of rows) {
      if (v.customerId && ids.has(v.customerId) && !visible.has(v.customerId))
        errors.add(line, "customerId", fieldIssue("not_in_club", "is not a customer of yours"));
      if (v.repId && reps.has(v.repId) && !knownReps.has(v.repId))
        errors.add(line, "repId", fieldIssue("not_in_club", "is not a user of this club"));
      if (v.ref && takenRefs.has(v.ref)) errors.add(line, "ref", fieldIssue("imported_already", "was already imported"));
    }
    errors.throwIfAny();

    // Card money without a card sale refuses the file (422), each such row named by its line.
    const statusOf = new Map(known.map((c) => [c.id, c.status]));
    const cardMoney: FieldsIn = {};
    for (const { line, values: v } of rows)
      if (isCardMoneyWithoutSale(ctx, v.businessLine!, statusOf.get(v.customerId!) ?? ""))
        cardMoney[`line ${line}.businessLine`] = CARD_MONEY_FIELD;
    if (Object.keys(cardMoney).length > 0) throw new RuleViolation(CARD_MONEY_MESSAGE, cardMoney);

    // A row dated in a closed month refuses the file (422), each such row named by its line.
    const closed = closedMonths(tx, ctx.tenantId);
    const inClosed: FieldsIn = {};
    let firstClosed: string | undefined;
    for (const { line, values: v } of rows) {
      const month = monthOf(new Date(v.occurredAt!), rules.timezone);
      if (!maybeClosed(month, now, rules.timezone)) continue;
      const latest = await closed();
      if (latest === null) break;
      if (month <= latest) {
        firstClosed ??= month;
        if (Object.keys(inClosed).length < 200) inClosed[`line ${line}.occurredAt`] = closedMonthProblem(month);
      }
    }
    if (firstClosed) throw closedMonthError(firstClosed, inClosed);

    const [imp] = await tx
      .insert(revenueImports)
      .values({ tenantId: ctx.tenantId, kind: "revenue", sha256: hash, rows: rows.length, createdBy: actorId(ctx.actor), createdAt: now })
      .returning();
    const entries: NewEntry[] = [];
    for (const { values: v } of rows) {
      const occurredAt = new Date(v.occurredAt!);
      const repId = v.repId || (isManager(ctx.actor) ? await ownerAt(tx, v.customerId!, occurredAt) : actorId(ctx.actor))!;
      entries.push({
        tenantId: ctx.tenantId,
        customerId: v.customerId!,
        repId,
        amountFen: toFen(Number(v.amount)),
        businessLine: v.businessLine!,
        occurredAt,
        month: monthOf(occurredAt, rules.timezone),
        source: "import",
        importId: imp!.id,
        externalRef: v.ref || null,
        createdBy: actorId(ctx.actor),
        createdAt: now,
      });
    }
    const stored = await appendLedger(tx, entries);
    return { importId: imp!.id, stored };
  });
  await afterRevenue(ctx, result.stored);
  // Summed exactly (a file may span several years, each up to the year cap).
  const total = result.stored.reduce((s, e) => s + BigInt(e.amountFen), 0n);
  return { importId: result.importId, rows: result.stored.length, total: toYuan(total) };
}
