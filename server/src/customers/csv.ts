import {
  type CustomerFeatures,
  type CustomerProfile,
  type CustomerTransaction,
  customerChanges,
  customerOwners,
  customerStatusHistory,
  customers,
  revenueImports,
  users,
  withTenant,
} from "@clubhouse/db";
import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { type CsvColumns, fileHash, RowErrors, readCsv } from "../csv/read.ts";
import { findUser, KIND_LABELS, readAmount, readChoice, STATUS_LABELS } from "../csv/values.ts";
import { type CsvColumn, numberColumn, textColumn, writeCsv } from "../csv/write.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict } from "../http/errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { MAX_YUAN, toFen, toYuan } from "../money.ts";
import { actorId, type CustomerRow, isManager, visibleTo } from "./service.ts";

/** The customer's free-text fields that travel as CSV columns, and the part of the record each is kept in. */
const TEXT_COLUMNS = [
  ["phone", "profile"],
  ["email", "profile"],
  ["address", "profile"],
  ["postcode", "profile"],
  ["legalRepresentative", "profile"],
  ["enterpriseNature", "features"],
  ["size", "features"],
  ["needs", "transaction"],
] as const satisfies readonly (
  | readonly [keyof CustomerProfile, "profile"]
  | readonly [keyof CustomerFeatures, "features"]
  | readonly [keyof CustomerTransaction, "transaction"]
)[];
type TextColumn = (typeof TEXT_COLUMNS)[number][0];

export const CUSTOMER_COLUMNS = {
  required: ["name", "kind"],
  optional: ["status", "ownerEmail", "expectedMonthlySpend", ...TEXT_COLUMNS.map(([name]) => name)],
  /** Chinese headers as clubs write them (and as the Chinese export and template write them). */
  aliases: {
    名称: "name",
    客户名称: "name",
    客户: "name",
    姓名: "name",
    类型: "kind",
    客户类型: "kind",
    状态: "status",
    负责人: "ownerEmail",
    负责人邮箱: "ownerEmail",
    营销代表: "ownerEmail",
    预计月消费: "expectedMonthlySpend",
    "预计月消费（元）": "expectedMonthlySpend",
    电话: "phone",
    邮箱: "email",
    电子邮箱: "email",
    地址: "address",
    邮编: "postcode",
    法定代表人: "legalRepresentative",
    法人代表: "legalRepresentative",
    企业性质: "enterpriseNature",
    规模: "size",
    需求: "needs",
  },
} satisfies CsvColumns;
const email = z.string().email();

/** Customers from CSV: all rows or none, every bad row reported by line; the same file twice is refused. */
export async function importCustomers(ctx: ServiceContext, text: string) {
  const rows = readCsv(text, CUSTOMER_COLUMNS);
  const hash = fileHash(text);
  const result = await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [seen] = await tx
      .select()
      .from(revenueImports)
      .where(and(eq(revenueImports.kind, "customers"), eq(revenueImports.sha256, hash)));
    if (seen)
      throw new Conflict(`This file was already imported on ${seen.createdAt.toISOString()} (import ${seen.id}); nothing was added.`, {
        file: "already imported",
      });
    const errors = new RowErrors();
    const people = rows.some((r) => r.values.ownerEmail)
      ? await tx.select({ id: users.id, email: users.email, name: users.name, disabledAt: users.disabledAt }).from(users)
      : [];
    const me = actorId(ctx.actor);
    const values: (typeof customers.$inferInsert)[] = [];
    const now = ctx.deps.clock.now();
    for (const { line, values: v } of rows) {
      const name = (v.name ?? "").trim();
      if (!name || name.length > 200)
        errors.add(line, "name", fieldIssue(name ? "too_long" : "required", "is required (at most 200 characters)", { max: 200 }));
      const kind = readChoice(v.kind ?? "", KIND_LABELS);
      if (kind !== "group" && kind !== "individual")
        errors.add(line, "kind", fieldIssue("invalid_choice", "must be group or individual", { values: ["group", "individual"] }));
      const status = v.status ? readChoice(v.status, STATUS_LABELS) : "prospect";
      if (status !== "prospect" && status !== "active")
        errors.add(line, "status", fieldIssue("invalid_choice", "must be prospect or active", { values: ["prospect", "active"] }));
      else if (status === "active" && !isManager(ctx.actor))
        errors.add(
          line,
          "status",
          fieldIssue("card_money", "only a manager imports active customers; a prospect becomes active by a card sale"),
        );
      let ownerId = me;
      if (v.ownerEmail) {
        const owner = findUser(people, v.ownerEmail);
        if (owner.issue || !people.some((p) => p.id === owner.id && !p.disabledAt)) {
          errors.add(line, "ownerEmail", owner.issue ?? fieldIssue("not_active_user", "is not an active user of this club"));
          ownerId = null;
        } else if (!isManager(ctx.actor) && owner.id !== me) {
          errors.add(line, "ownerEmail", fieldIssue("not_own", "reps import customers for themselves only"));
          ownerId = null;
        } else ownerId = owner.id!;
      }
      if (!ownerId) errors.add(line, "ownerEmail", fieldIssue("required", "is required"));
      let expected: number | null = null;
      if (v.expectedMonthlySpend) {
        const amount = readAmount(v.expectedMonthlySpend);
        if (amount === null || Number(amount) > MAX_YUAN)
          errors.add(
            line,
            "expectedMonthlySpend",
            fieldIssue("invalid_format", "must be a number of yuan with at most two decimals", { format: "amount" }),
          );
        else expected = toFen(Number(amount));
      }
      if (v.email && !email.safeParse(v.email).success)
        errors.add(line, "email", fieldIssue("invalid_format", "must be an email address", { format: "email" }));
      for (const [col] of TEXT_COLUMNS)
        if ((v[col] ?? "").length > 2000) errors.add(line, col, fieldIssue("too_long", "is too long", { max: 2000 }));
      if (errors.size > 0) continue;
      const parts = {
        profile: {} as Record<string, string>,
        features: {} as Record<string, string>,
        transaction: {} as Record<string, string>,
      };
      for (const [col, part] of TEXT_COLUMNS) if (v[col]) parts[part][col] = v[col];
      values.push({
        tenantId: ctx.tenantId,
        name,
        kind: kind as "group" | "individual",
        status: status as "prospect" | "active",
        ownerId: ownerId!,
        expectedMonthlySpendFen: expected,
        ...parts,
        activeSince: status === "active" ? now : null,
        reviewCountFrom: now,
        lastRefreshedAt: now,
        createdAt: now,
        updatedAt: now,
      });
    }
    errors.throwIfAny();
    const [imp] = await tx
      .insert(revenueImports)
      .values({ tenantId: ctx.tenantId, kind: "customers", sha256: hash, rows: rows.length, createdBy: me, createdAt: now })
      .returning();
    const ids: string[] = [];
    for (let i = 0; i < values.length; i += 1000) {
      const inserted = await tx
        .insert(customers)
        .values(values.slice(i, i + 1000))
        .returning({ id: customers.id, ownerId: customers.ownerId, status: customers.status });
      ids.push(...inserted.map((r) => r.id));
      await tx
        .insert(customerOwners)
        .values(inserted.map((r) => ({ tenantId: ctx.tenantId, customerId: r.id, fromAt: new Date(0), ownerId: r.ownerId })));
      await tx.insert(customerStatusHistory).values(
        inserted.map((r) => ({
          tenantId: ctx.tenantId,
          customerId: r.id,
          ownerId: r.ownerId,
          fromStatus: null,
          toStatus: r.status,
          at: now,
          actorId: me,
        })),
      );
      await tx.insert(customerChanges).values(
        inserted.map((r) => ({
          tenantId: ctx.tenantId,
          customerId: r.id,
          actorId: me,
          kind: "imported",
          changes: [{ field: "*", old: null, new: { importId: imp!.id } }],
          at: now,
        })),
      );
    }
    return { importId: imp!.id, rows: ids.length, customerIds: ids };
  });
  // new customers are in the tier analysis (a derived read cached per data generation)
  await ctx.deps.live.boardChanged(ctx.tenantId);
  return result;
}

const PERSONAL = ["personality", "interests", "hobbies", "family", "education", "age", "abilities"] as const;

/** A customer as the export reads it: the record and its owner's email. */
type ExportRow = { c: CustomerRow; ownerEmail: string };

/** A text column of the export: its value read from the part of the record that keeps it ("" when unset). */
function text(name: TextColumn): CsvColumn<ExportRow> {
  const [, part] = TEXT_COLUMNS.find(([n]) => n === name)!;
  return textColumn(name, ({ c }) => (c[part] as Record<string, string | undefined>)[name]);
}

/** The export's columns, in order, each with its type and value (csv/write.ts neutralises every text cell). */
const EXPORT_COLUMNS: CsvColumn<ExportRow>[] = [
  textColumn("id", ({ c }) => c.id),
  textColumn("name", ({ c }) => c.name),
  textColumn("kind", ({ c }) => c.kind),
  textColumn("status", ({ c }) => c.status),
  textColumn("ownerEmail", ({ ownerEmail }) => ownerEmail),
  numberColumn("expectedMonthlySpend", ({ c }) => (c.expectedMonthlySpendFen === null ? null : toYuan(c.expectedMonthlySpendFen)), 2),
  text("phone"),
  text("email"),
  text("address"),
  text("postcode"),
  text("legalRepresentative"),
  text("enterpriseNature"),
  text("size"),
  textColumn("cardsHeld", ({ c }) => (c.transaction.cardsHeld ?? []).join("; ")),
  text("needs"),
  textColumn("createdAt", ({ c }) => c.createdAt.toISOString()),
];
/** The manager's personal columns, appended when asked for. */
const PERSONAL_COLUMNS: CsvColumn<ExportRow>[] = PERSONAL.map((k) =>
  k === "age"
    ? numberColumn<ExportRow>(k, ({ c }) => c.personal.age)
    : textColumn<ExportRow>(k, ({ c }) => (c.personal[k] === undefined || c.personal[k] === null ? "" : String(c.personal[k]))),
);

/** CSV of the caller's visible customers. Personal fields only when a manager asks for them (SPEC §2). */
export async function exportCustomers(ctx: ServiceContext, includePersonal: boolean) {
  const withPersonal = includePersonal && isManager(ctx.actor);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const out: ExportRow[] = [];
    let after: string | undefined;
    // In pages, so a club of 50,000 customers is read in bounded steps.
    for (;;) {
      const rows = await tx
        .select({ c: customers, ownerEmail: users.email })
        .from(customers)
        .innerJoin(users, eq(users.id, customers.ownerId))
        .where(and(visibleTo(ctx.actor), after ? gt(customers.id, after) : undefined))
        .orderBy(asc(customers.id))
        .limit(5000);
      out.push(...rows);
      if (rows.length < 5000) break;
      after = rows[rows.length - 1]!.c.id;
    }
    return writeCsv(withPersonal ? [...EXPORT_COLUMNS, ...PERSONAL_COLUMNS] : EXPORT_COLUMNS, out);
  });
}
