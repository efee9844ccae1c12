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
  withTenantRead,
} from "@clubhouse/db";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { actorId, isManager } from "../access/actor.ts";
import { actsAsManager } from "../access/scope.ts";
import { type CsvColumns, fileHash, RowErrors, readCsv } from "../csv/read.ts";
import { findUser, KIND_LABELS, readAmount, readChoice, STATUS_LABELS } from "../csv/values.ts";
import { type CsvColumn, numberColumn, textColumn, writeCsv } from "../csv/write.ts";
import type { ServiceContext } from "../deps.ts";
import { Conflict } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { MAX_YUAN, toFen } from "../money.ts";
import { clubNow } from "../settings/club-now.ts";
import type { ExportCustomersQuery } from "./schemas.ts";
import { type CustomerView, customerPage } from "./service.ts";

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
  /** What the customer export adds (ids, dates, derived figures): read past on import. */
  ignored: [
    "id",
    "编号",
    "createdAt",
    "创建时间",
    "cardsHeld",
    "持有会员卡",
    "ownerName",
    "负责人姓名",
    "tier",
    "等级",
    "lastMonthSpend",
    "上月消费（元）",
    "lastContact",
    "最近面访",
  ],
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

/** A customer as the export reads it: as the list shows it, with its owner's email and name. */
type ExportRow = { v: CustomerView; ownerEmail: string; ownerName: string };
type ExportLang = "en" | "zh-CN";

/** Column headers of the Chinese export (the English export's headers are the column names). */
const ZH_HEADERS: Record<string, string> = {
  id: "编号",
  name: "名称",
  kind: "类型",
  status: "状态",
  ownerEmail: "负责人邮箱",
  expectedMonthlySpend: "预计月消费（元）",
  phone: "电话",
  email: "邮箱",
  address: "地址",
  postcode: "邮编",
  legalRepresentative: "法定代表人",
  enterpriseNature: "企业性质",
  size: "规模",
  cardsHeld: "持有会员卡",
  needs: "需求",
  createdAt: "创建时间",
  ownerName: "负责人姓名",
  tier: "等级",
  lastMonthSpend: "上月消费（元）",
  lastContact: "最近面访",
  personality: "性格",
  interests: "兴趣",
  hobbies: "爱好",
  family: "家庭",
  education: "学历",
  age: "年龄",
  abilities: "能力",
};
const ZH_KIND: Record<string, string> = { group: "团体", individual: "个人" };
const ZH_STATUS: Record<string, string> = { prospect: "潜在客户", active: "现有客户", churned: "流失", dropped: "已放弃" };

/** An instant as the club's wall clock reads it: YYYY-MM-DD HH:mm. */
function clubTimeFormat(tz: string): (iso: string | null) => string {
  const f = new Intl.DateTimeFormat("en-GB", {
    timeZone: tz,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  return (iso) => {
    if (iso === null) return "";
    const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  };
}

/**
 * The export's columns, in order, each with its type and value (csv/write.ts neutralises
 * every text cell). Without `lang`: the export's original columns, as before. `lang=en`:
 * those and the list's owner name, tier, last month's spend and last contact, with the
 * column names as headers, codes and ISO instants. `lang=zh-CN`: the same columns with Chinese headers,
 * kind, status and tier in words, instants in club time (YYYY-MM-DD HH:mm).
 */
function exportColumns(lang: ExportLang | undefined, tz: string, withPersonal: boolean): CsvColumn<ExportRow>[] {
  const zh = lang === "zh-CN";
  const at = zh ? clubTimeFormat(tz) : (iso: string | null) => iso ?? "";
  const name = (n: string) => (zh ? (ZH_HEADERS[n] ?? n) : n);
  const text = (n: TextColumn): CsvColumn<ExportRow> => {
    const [, part] = TEXT_COLUMNS.find(([k]) => k === n)!;
    return textColumn(name(n), ({ v }) => (v[part] as Record<string, string | undefined>)[n]);
  };
  const columns: CsvColumn<ExportRow>[] = [
    textColumn(name("id"), ({ v }) => v.id),
    textColumn(name("name"), ({ v }) => v.name),
    textColumn(name("kind"), ({ v }) => (zh ? ZH_KIND[v.kind] : v.kind)),
    textColumn(name("status"), ({ v }) => (zh ? ZH_STATUS[v.status] : v.status)),
    textColumn(name("ownerEmail"), ({ ownerEmail }) => ownerEmail),
    numberColumn(name("expectedMonthlySpend"), ({ v }) => v.expectedMonthlySpend, 2),
    text("phone"),
    text("email"),
    text("address"),
    text("postcode"),
    text("legalRepresentative"),
    text("enterpriseNature"),
    text("size"),
    textColumn(name("cardsHeld"), ({ v }) => (v.transaction.cardsHeld ?? []).join("; ")),
    text("needs"),
    textColumn(name("createdAt"), ({ v }) => at(v.createdAt)),
    // what the list shows besides: for a reader who names a language (without `lang`, the original columns only)
    ...(lang === undefined
      ? []
      : [
          textColumn<ExportRow>(name("ownerName"), ({ ownerName }) => ownerName),
          textColumn<ExportRow>(name("tier"), ({ v }) => (v.tier === null ? "" : zh ? `${v.tier}类` : v.tier)),
          numberColumn<ExportRow>(name("lastMonthSpend"), ({ v }) => v.lastMonthSpend, 2),
          textColumn<ExportRow>(name("lastContact"), ({ v }) => at(v.lastInPersonAt)),
        ]),
  ];
  if (!withPersonal) return columns;
  // the manager's personal columns, appended when asked for
  const personal = (v: CustomerView) => v.personal as Record<string, unknown>;
  return [
    ...columns,
    ...PERSONAL.map((k) =>
      k === "age"
        ? numberColumn<ExportRow>(name(k), ({ v }) => personal(v).age as number | undefined)
        : textColumn<ExportRow>(name(k), ({ v }) =>
            personal(v)[k] === undefined || personal(v)[k] === null ? "" : String(personal(v)[k]),
          ),
    ),
  ];
}

/**
 * CSV of the caller's visible customers under the list's filters, in the list's order
 * (the same rows GET /customers pages through), in the reader's language. Personal
 * fields only when a manager asks for them (docs/customers.md).
 */
export async function exportCustomers(ctx: ServiceContext, q: ExportCustomersQuery) {
  const withPersonal = q.includePersonal === "true" && actsAsManager(ctx);
  const { includePersonal: _, lang, ...filters } = q;
  return withTenantRead(ctx.deps.database, ctx.tenantId, async (tx) => {
    const club = await clubNow(tx, ctx);
    const out: ExportRow[] = [];
    let cursor: string | undefined;
    // By name (an index): in pages, so a club of 50,000 customers is read in bounded steps.
    // By a computed key (spend, tier, owner, last contact): in one read, as each keyset
    // page would compute the key of every customer again.
    const step = filters.sort === "name" ? 5000 : 1_000_000;
    for (;;) {
      const { items, nextCursor } = await customerPage(tx, ctx, club, filters, step, cursor);
      const ownerIds = [...new Set(items.map((v) => v.ownerId))];
      const owners = ownerIds.length
        ? await tx.select({ id: users.id, email: users.email, name: users.name }).from(users).where(inArray(users.id, ownerIds))
        : [];
      const ownerOf = new Map(owners.map((u) => [u.id, u]));
      for (const v of items)
        out.push({ v, ownerEmail: ownerOf.get(v.ownerId)?.email ?? "", ownerName: ownerOf.get(v.ownerId)?.name ?? "" });
      if (!nextCursor) break;
      cursor = nextCursor;
    }
    return writeCsv(exportColumns(lang, club.rules.timezone, withPersonal), out);
  });
}
