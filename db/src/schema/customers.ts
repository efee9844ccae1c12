import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  date,
  doublePrecision,
  foreignKey,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { tenants } from "./tenants.ts";
import { users } from "./users.ts";

export const customerKindEnum = pgEnum("customer_kind", ["group", "individual"]);
export const customerStatusEnum = pgEnum("customer_status", ["prospect", "active", "churned", "dropped"]);
export type CustomerKind = (typeof customerKindEnum.enumValues)[number];
export type CustomerStatus = (typeof customerStatusEnum.enumValues)[number];

/** 第五条 三.1 basic data, less the sensitive personal fields. */
export interface CustomerProfile {
  address?: string;
  postcode?: string;
  legalRepresentative?: string;
  contacts?: { name: string; title?: string; phone?: string; email?: string }[];
  customerSince?: string;
  phone?: string;
  email?: string;
}
/** Personality … age: read only by the owner rep, managers and admins; left out of exports unless asked. */
export interface CustomerPersonal {
  personality?: string;
  interests?: string;
  hobbies?: string;
  family?: string;
  education?: string;
  age?: number;
  abilities?: string;
}
/** 第五条 三.1 customer features. */
export interface CustomerFeatures {
  enterpriseNature?: string;
  businessLines?: string;
  financialStatus?: string;
  growthPotential?: string;
  size?: string;
}
/** 第五条 三.1 transaction status. */
export interface CustomerTransaction {
  cardsHeld?: string[];
  usageNotes?: string;
  needs?: string;
}

export const customers = pgTable(
  "customers",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    name: text("name").notNull(),
    kind: customerKindEnum("kind").notNull(),
    status: customerStatusEnum("status").notNull().default("prospect"),
    ownerId: uuid("owner_id").notNull(),
    referredById: uuid("referred_by_id"),
    expectedMonthlySpendFen: bigint("expected_monthly_spend_fen", { mode: "number" }),
    profile: jsonb("profile").$type<CustomerProfile>().notNull().default({}),
    personal: jsonb("personal").$type<CustomerPersonal>().notNull().default({}),
    features: jsonb("features").$type<CustomerFeatures>().notNull().default({}),
    transaction: jsonb("transaction").$type<CustomerTransaction>().notNull().default({}),
    customerSince: date("customer_since"),
    /** When it last became active (a card sale or a status change). */
    activeSince: timestamp("active_since", { withTimezone: true }),
    /** When the prospect review count starts: becoming a prospect, or the last review decision. */
    reviewCountFrom: timestamp("review_count_from", { withTimezone: true }).notNull().defaultNow(),
    /** Last edit or "reviewed, unchanged" confirmation (quarterly refresh, 动态管理). */
    lastRefreshedAt: timestamp("last_refreshed_at", { withTimezone: true }).notNull().defaultNow(),
    /** Last in-person contact (visit or demo), maintained with each contact; for cadence. */
    lastInPersonAt: timestamp("last_in_person_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    /** Where the customer is (docs/verified-visits.md): pinned at a visit or by a manager; all set or all NULL. */
    pinLat: doublePrecision("pin_lat"),
    pinLng: doublePrecision("pin_lng"),
    pinSource: text("pin_source").$type<"visit" | "manager">(),
    pinBy: uuid("pin_by"),
    pinAt: timestamp("pin_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.ownerId], foreignColumns: [users.tenantId, users.id] }),
    check(
      "customers_pin_whole",
      sql`(${t.pinLat} is null and ${t.pinLng} is null and ${t.pinSource} is null and ${t.pinBy} is null and ${t.pinAt} is null)
        or (${t.pinLat} between -90 and 90 and ${t.pinLng} between -180 and 180 and ${t.pinSource} in ('visit', 'manager')
          and ${t.pinBy} is not null and ${t.pinAt} is not null)`,
    ),
    foreignKey({ columns: [t.tenantId, t.referredById], foreignColumns: [t.tenantId, t.id] }),
    index("customers_name_idx").on(t.tenantId, t.name, t.id),
    index("customers_owner_idx").on(t.tenantId, t.ownerId, t.name, t.id),
    index("customers_status_idx").on(t.tenantId, t.status),
    index("customers_referred_idx").on(t.tenantId, t.referredById),
  ],
);

/**
 * Every character and every pair of adjacent characters of each customer's
 * lower-cased name, maintained by a trigger on customers (migration 0004). Name
 * search looks its grams up here by equality, which an index serves under forced
 * row-level security (LIKE cannot: it is not leakproof), then checks LIKE on the
 * few customers found.
 */
export const customerNameGrams = pgTable(
  "customer_name_grams",
  {
    tenantId: uuid("tenant_id").notNull(),
    gram: text("gram").notNull(),
    customerId: uuid("customer_id").notNull(),
    /** the customer's name, so that a search reads one gram's customers in list order */
    name: text("name").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.gram, t.customerId] }),
    index("customer_name_grams_customer_idx").on(t.tenantId, t.customerId),
    index("customer_name_grams_order_idx").on(t.tenantId, t.gram, t.name, t.customerId),
  ],
);

/** Every status change, append-only: churn rates and "active at any time in" read this. */
export const customerStatusHistory = pgTable(
  "customer_status_history",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().defaultRandom(),
    customerId: uuid("customer_id").notNull(),
    ownerId: uuid("owner_id").notNull(),
    fromStatus: customerStatusEnum("from_status"),
    toStatus: customerStatusEnum("to_status").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    actorId: uuid("actor_id"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }).onDelete("cascade"),
    index("customer_status_history_idx").on(t.tenantId, t.customerId, t.at),
    index("customer_status_history_owner_idx").on(t.tenantId, t.ownerId, t.at),
  ],
);

/** Who owned a customer from when: revenue is credited to the owner at `occurredAt`. Append-only. */
export const customerOwners = pgTable(
  "customer_owners",
  {
    tenantId: uuid("tenant_id").notNull(),
    customerId: uuid("customer_id").notNull(),
    fromAt: timestamp("from_at", { withTimezone: true }).notNull(),
    ownerId: uuid("owner_id").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.customerId, t.fromAt] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }).onDelete("cascade"),
  ],
);

/** Each change to a customer record: who, when, and old and new values. Append-only. */
export const customerChanges = pgTable(
  "customer_changes",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().defaultRandom(),
    customerId: uuid("customer_id").notNull(),
    actorId: uuid("actor_id"),
    kind: text("kind").notNull(), // created | edited | refreshed | status | reassigned | card_sale | imported
    changes: jsonb("changes").$type<{ field: string; old: unknown; new: unknown }[]>().notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }).onDelete("cascade"),
    index("customer_changes_idx").on(t.tenantId, t.customerId, t.at),
  ],
);

export const complaintStatusEnum = pgEnum("complaint_status", ["open", "resolved"]);

/** 受理客户投诉: one left open over 48 h raises an alarm. */
export const complaints = pgTable(
  "complaints",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: uuid("id").notNull().defaultRandom(),
    customerId: uuid("customer_id").notNull(),
    channel: text("channel").notNull(),
    summary: text("summary").notNull(),
    status: complaintStatusEnum("status").notNull().default("open"),
    openedAt: timestamp("opened_at", { withTimezone: true }).notNull(),
    openedBy: uuid("opened_by"),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolvedBy: uuid("resolved_by"),
    resolution: text("resolution"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.customerId], foreignColumns: [customers.tenantId, customers.id] }).onDelete("cascade"),
    index("complaints_open_idx").on(t.tenantId, t.status, t.openedAt),
  ],
);
