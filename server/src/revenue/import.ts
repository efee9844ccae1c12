import { customers, revenueEntries, revenueImports, users, withTenant } from "@clubhouse/db";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { actorId, isManager } from "../access/actor.ts";
import { type CsvColumns, fileHash, RowErrors, readCsv } from "../csv/read.ts";
import { BUSINESS_LINE_LABELS, chunks, findUser, readAmount, readChoice, readInstant } from "../csv/values.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict, type FieldsIn, RuleViolation } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { MAX_YUAN, toFen, toYuan } from "../money.ts";
import { readClubRules } from "../settings/service.ts";
import { monthOf } from "../time/club-time.ts";
import { closedMonthError, closedMonthProblem, closedMonths, dateProblem, maybeClosed } from "./dates.ts";
import { appendLedger, type NewEntry, ownerAt } from "./ledger.ts";
import { afterRevenue, CARD_MONEY_FIELD, CARD_MONEY_MESSAGE, isCardMoneyWithoutSale } from "./service.ts";

export const REVENUE_COLUMNS = {
  required: ["customerId", "amount", "businessLine", "occurredAt"],
  optional: ["repId", "ref"],
  aliases: {
    客户: "customerId",
    客户名称: "customerId",
    客户编号: "customerId",
    金额: "amount",
    业务: "businessLine",
    业务类型: "businessLine",
    日期: "occurredAt",
    发生时间: "occurredAt",
    营销代表: "repId",
    单号: "ref",
  },
} satisfies CsvColumns;

const uuid = z.uuid();

/** A row as it will be stored, once every cell is read and every name found. */
interface Resolved {
  customerId?: string;
  repId?: string;
  amount?: string;
  businessLine?: string;
  occurredAt?: Date;
}

/**
 * Revenue from a CSV file, all or nothing (docs/revenue.md): every row is checked first,
 * every bad one reported by line; only a clean file is stored, in one transaction.
 * Cells are read as clubs' spreadsheets write them (csv/values.ts): the customer by
 * id or by exact name, the credited rep by id, e-mail or name, amounts with a yuan
 * sign and thousands separators, dates in club time, business lines by code or
 * Chinese label. The same file twice is caught by the SHA-256 of its text (line
 * endings and a BOM ignored), and rows with a `ref` are unique per club even across
 * different files.
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
    const me = actorId(ctx.actor);
    const manager = isManager(ctx.actor);
    const errors = new RowErrors();
    const ids = new Set<string>();
    const names = new Set<string>();
    const refs = new Map<string, number>();
    const out: Resolved[] = rows.map(() => ({}));
    rows.forEach(({ line, values: v }, i) => {
      const r = out[i]!;
      const customer = (v.customerId ?? "").trim();
      if (!customer) errors.add(line, "customerId", fieldIssue("required", "is required (the customer's id or name)"));
      else if (uuid.safeParse(customer).success) ids.add(customer);
      else if (customer.length > 200)
        errors.add(line, "customerId", fieldIssue("too_long", "must be at most 200 characters", { max: 200 }));
      else names.add(customer);
      const amount = readAmount(v.amount ?? "");
      if (amount === null)
        errors.add(
          line,
          "amount",
          fieldIssue("invalid_format", "must be a positive number of yuan with at most two decimals, e.g. 3,600.00", { format: "amount" }),
        );
      else if (Number(amount) <= 0) errors.add(line, "amount", fieldIssue("must_be_positive", "must be above zero"));
      else if (Number(amount) > MAX_YUAN)
        errors.add(line, "amount", fieldIssue("too_large", `must not exceed ${MAX_YUAN}`, { max: MAX_YUAN, inclusive: true }));
      else r.amount = amount;
      const lineCode = readChoice(v.businessLine ?? "", BUSINESS_LINE_LABELS);
      if (!rules.businessLines.includes(lineCode))
        errors.add(
          line,
          "businessLine",
          fieldIssue("unknown_business_line", `must be one of: ${rules.businessLines.join(", ")}`, { values: rules.businessLines }),
        );
      else r.businessLine = lineCode;
      const at = readInstant(v.occurredAt ?? "", rules.timezone);
      if (!at)
        errors.add(
          line,
          "occurredAt",
          fieldIssue("invalid_format", "must be a date in club time (2026-12-05, 2026/12/5 14:30) or an ISO time with an offset", {
            format: "datetime",
          }),
        );
      else {
        const problem = dateProblem(at, now, rules.timezone);
        if (problem) errors.add(line, "occurredAt", problem);
        else r.occurredAt = at;
      }
      if (v.ref) {
        if (v.ref.length > 100) errors.add(line, "ref", fieldIssue("too_long", "must be at most 100 characters", { max: 100 }));
        const first = refs.get(v.ref);
        if (first !== undefined) errors.add(line, "ref", fieldIssue("repeated", `repeats line ${first}`, { line: first }));
        else refs.set(v.ref, line);
      }
    });

    // The customers named, by id or by exact name (RLS keeps every lookup inside the club).
    const known: { id: string; name: string; ownerId: string; status: string }[] = [];
    const columns = { id: customers.id, name: customers.name, ownerId: customers.ownerId, status: customers.status };
    for (const part of chunks([...ids])) known.push(...(await tx.select(columns).from(customers).where(inArray(customers.id, part))));
    const byName = new Map<string, { id: string; ownerId: string; status: string }[]>();
    for (const part of chunks([...names]))
      for (const c of await tx.select(columns).from(customers).where(inArray(customers.name, part))) {
        if (!manager && c.ownerId !== me) continue;
        byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
        known.push(c);
      }
    const visible = new Set(known.filter((c) => manager || c.ownerId === me).map((c) => c.id));
    const people = rows.some((r) => r.values.repId)
      ? await tx.select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt }).from(users)
      : [];
    const takenRefs = new Set<string | null>();
    for (const part of chunks([...refs.keys()]))
      for (const r of await tx
        .select({ ref: revenueEntries.externalRef })
        .from(revenueEntries)
        .where(inArray(revenueEntries.externalRef, part)))
        takenRefs.add(r.ref);
    rows.forEach(({ line, values: v }, i) => {
      const r = out[i]!;
      const customer = (v.customerId ?? "").trim();
      if (ids.has(customer)) {
        if (!visible.has(customer)) errors.add(line, "customerId", fieldIssue("not_in_club", "is not a customer of yours"));
        else r.customerId = customer;
      } else if (names.has(customer)) {
        const found = byName.get(customer) ?? [];
        if (found.length === 0) errors.add(line, "customerId", fieldIssue("unknown_name", "matches no customer of yours by id or name"));
        else if (found.length > 1)
          errors.add(
            line,
            "customerId",
            fieldIssue("ambiguous_name", `matches ${found.length} customers of that name; use the customer's id`, { count: found.length }),
          );
        else r.customerId = found[0]!.id;
      }
      const rep = (v.repId ?? "").trim();
      if (rep) {
        const user = findUser(people, rep);
        if (user.issue) errors.add(line, "repId", user.issue);
        else if (!manager && user.id !== me) errors.add(line, "repId", fieldIssue("not_own", "reps import revenue for themselves only"));
        else r.repId = user.id;
      }
      if (v.ref && takenRefs.has(v.ref)) errors.add(line, "ref", fieldIssue("imported_already", "was already imported"));
    });
    errors.throwIfAny();

    // Card money without a card sale refuses the file (422), each such row named by its line.
    const statusOf = new Map(known.map((c) => [c.id, c.status]));
    const cardMoney: FieldsIn = {};
    rows.forEach(({ line }, i) => {
      if (isCardMoneyWithoutSale(ctx, out[i]!.businessLine!, statusOf.get(out[i]!.customerId!) ?? ""))
        cardMoney[`line ${line}.businessLine`] = CARD_MONEY_FIELD;
    });
    if (Object.keys(cardMoney).length > 0) throw new RuleViolation(CARD_MONEY_MESSAGE, cardMoney);

    // A row dated in a closed month refuses the file (422), each such row named by its line.
    const closed = closedMonths(tx, ctx.tenantId);
    const inClosed: FieldsIn = {};
    let firstClosed: string | undefined;
    for (const [i, { line }] of rows.entries()) {
      const month = monthOf(out[i]!.occurredAt!, rules.timezone);
      if (!maybeClosed(month, now, rules.timezone)) continue;
      const latest = await closed();
      if (latest === null) break;
      if (month <= latest) {
        firstClosed ??= month;
        inClosed[`line ${line}.occurredAt`] = closedMonthProblem(month);
      }
    }
    if (firstClosed) throw closedMonthError(firstClosed, inClosed);

    const [imp] = await tx
      .insert(revenueImports)
      .values({ tenantId: ctx.tenantId, kind: "revenue", sha256: hash, rows: rows.length, createdBy: actorId(ctx.actor), createdAt: now })
      .returning();
    const entries: NewEntry[] = [];
    for (const [i, { values: v }] of rows.entries()) {
      const r = out[i]!;
      const occurredAt = r.occurredAt!;
      const repId = r.repId || (manager ? await ownerAt(tx, r.customerId!, occurredAt) : me)!;
      entries.push({
        tenantId: ctx.tenantId,
        customerId: r.customerId!,
        repId,
        amountFen: toFen(Number(r.amount)),
        businessLine: r.businessLine!,
        occurredAt,
        month: monthOf(occurredAt, rules.timezone),
        source: "import",
        importId: imp!.id,
        externalRef: v.ref || null,
        createdBy: me,
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
