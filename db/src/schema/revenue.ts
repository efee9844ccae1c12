import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { customers } from "./customers.ts";
import { promotions } from "./promotions.ts";
import { tenants } from "./tenants.ts";

/**
 * The revenue ledger (第五条 一, 第六条 不准私自更改用户原始记录): append-only. A mistake
 * is corrected by a reversal entry naming the original; both stay visible.
 * `month` is the club month of `occurredAt`, fixed when the entry is written.
 */
export const revenueEntries = pgTable(
  "revenue_entries",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().defaultRandom(),
    customerId: uuid("customer_id").notNull(),
    repId: uuid("rep_id").notNull(),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    businessLine: text("business_line").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    month: text("month").notNull(),
    reversesId: uuid("reverses_id"),
    reason: text("reason"),
    source: text("source").notNull(), // api | import | card_sale | reversal
    importId: uuid("import_id"),
    externalRef: text("external_ref"),
    createdBy: uuid("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    uniqueIndex("revenue_one_reversal_idx").on(t.tenantId, t.reversesId),
    uniqueIndex("revenue_external_ref_idx").on(t.tenantId, t.externalRef),
    index("revenue_customer_idx").on(t.tenantId, t.customerId, t.occurredAt, t.id),
    index("revenue_rep_idx").on(t.tenantId, t.repId, t.occurredAt, t.id),
    index("revenue_month_idx").on(t.tenantId, t.month, t.occurredAt, t.id),
    index("revenue_time_idx").on(t.tenantId, t.occurredAt, t.id),
  ],
);

/**
 * The most money one club may book in one club year, in fen (¥10 trillion, ten
 * entries of the largest amount SPEC §1 takes): see clubYearVolumes.
 */
export const MAX_YEAR_VOLUME_FEN = 1_000_000_000_000_000;
const CAP = sql.raw(String(MAX_YEAR_VOLUME_FEN));

/** Maintained in the same transaction as each entry (UPSERT adding the amount). */
export const customerMonthTotals = pgTable(
  "customer_month_totals",
  {
    tenantId: uuid("tenant_id").notNull(),
    customerId: uuid("customer_id").notNull(),
    month: text("month").notNull(),
    businessLine: text("business_line").notNull(),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.customerId, t.month, t.businessLine] }),
    // A month's rows of a club in customer order, with every column: the tier analysis
    // and the business mix read a whole month from this index alone (index-only scan).
    index("customer_month_totals_month_cover_idx").on(t.tenantId, t.month, t.customerId, t.businessLine, t.amountFen),
    check("customer_month_totals_amount_range", sql`${t.amountFen} between -${CAP} and ${CAP}`),
  ],
);

export const repMonthTotals = pgTable(
  "rep_month_totals",
  {
    tenantId: uuid("tenant_id").notNull(),
    repId: uuid("rep_id").notNull(),
    month: text("month").notNull(),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    entries: integer("entries").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.repId, t.month] }),
    index("rep_month_totals_month_idx").on(t.tenantId, t.month),
    check("rep_month_totals_amount_range", sql`${t.amountFen} between -${CAP} and ${CAP}`),
  ],
);

/**
 * The money a club booked in a club year (the year of each entry's month), every
 * entry counted by its size, a reversal too: maintained with the monthly totals.
 * Every sum the app reads — a rep's or a customer's month, quarter or year, a
 * month across all customers, a tier's spend — adds entries of one year, so it is
 * never larger than this. The CHECK keeps it within MAX_YEAR_VOLUME_FEN, so those
 * sums stay exact as JS numbers (fen below 2^53) and as yuan with cents in JSON
 * (below 2^46 yuan, ~7e13) even summed across several years; a write that would
 * pass it is refused whole.
 */
export const clubYearVolumes = pgTable(
  "club_year_volumes",
  {
    tenantId: uuid("tenant_id").notNull(),
    year: text("year").notNull(),
    volumeFen: bigint("volume_fen", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.year] }), check("club_year_volumes_cap", sql`${t.volumeFen} between 0 and ${CAP}`)],
);

/** One row per accepted CSV file; the same file (by SHA-256 of its text) is refused the second time. */
export const revenueImports = pgTable(
  "revenue_imports",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    kind: text("kind").notNull(), // revenue | customers
    sha256: text("sha256").notNull(),
    rows: integer("rows").notNull(),
    createdBy: uuid("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex("revenue_imports_sha_idx").on(t.tenantId, t.kind, t.sha256)],
);

export const cardTypes = pgTable(
  "card_types",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    name: text("name").notNull(),
    listPriceFen: bigint("list_price_fen", { mode: "number" }).notNull(),
    businessLine: text("business_line").notNull().default("membership"),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex("card_types_name_idx").on(t.tenantId, sql`lower(${t.name})`)],
);

/** 不得随意高于或低于规定之价格: a price other than the list price carries a manager's approval. Append-only. */
export const cardSales = pgTable(
  "card_sales",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().defaultRandom(),
    customerId: uuid("customer_id").notNull(),
    cardTypeId: uuid("card_type_id").notNull(),
    repId: uuid("rep_id").notNull(),
    priceFen: bigint("price_fen", { mode: "number" }).notNull(),
    listPriceFen: bigint("list_price_fen", { mode: "number" }).notNull(),
    approvedBy: uuid("approved_by"),
    approvalNote: text("approval_note"),
    revenueEntryId: uuid("revenue_entry_id").notNull(),
    newCardCustomer: boolean("new_card_customer").notNull(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull(),
    createdBy: uuid("created_by"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    /** the approved public promotion (第五条 1.2) it was sold at, if any */
    promotionId: uuid("promotion_id"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }),
    foreignKey({ columns: [t.tenantId, t.cardTypeId], foreignColumns: [cardTypes.tenantId, cardTypes.id] }),
    foreignKey({ columns: [t.tenantId, t.promotionId], foreignColumns: [promotions.tenantId, promotions.id] }),
    index("card_sales_promotion_idx").on(t.tenantId, t.promotionId).where(sql`${t.promotionId} is not null`),
    index("card_sales_rep_idx").on(t.tenantId, t.repId, t.occurredAt),
  ],
);

/** Tier of each customer per closed month, frozen with the thresholds in force then (tier history). */
export const customerTiers = pgTable(
  "customer_tiers",
  {
    tenantId: uuid("tenant_id").notNull(),
    customerId: uuid("customer_id").notNull(),
    month: text("month").notNull(),
    tier: text("tier").notNull(),
    spendFen: bigint("spend_fen", { mode: "number" }).notNull(),
    tierAFen: bigint("tier_a_fen", { mode: "number" }).notNull(),
    tierBFen: bigint("tier_b_fen", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.customerId, t.month] }), index("customer_tiers_month_idx").on(t.tenantId, t.month, t.tier)],
);
