import { sql } from "drizzle-orm";
import { bigint, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A club. Row-level security lets a transaction see only its own club's row. */
export const tenants = pgTable("tenants", {
  id: uuid("id").primaryKey().defaultRandom(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  timezone: text("timezone").notNull().default("Asia/Shanghai"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Club settings (one row per club). Money is integer fen. The column defaults are
 * the regulation's (server/src/regulation/defaults.ts); a test checks the migrated
 * columns against it.
 */
export const clubSettings = pgTable("club_settings", {
  tenantId: uuid("tenant_id")
    .primaryKey()
    .references(() => tenants.id, { onDelete: "cascade" }),
  tierAFen: bigint("tier_a_fen", { mode: "number" }).notNull().default(1_000_000),
  tierBFen: bigint("tier_b_fen", { mode: "number" }).notNull().default(500_000),
  cadenceA: integer("cadence_a").notNull().default(12),
  cadenceB: integer("cadence_b").notNull().default(8),
  cadenceC: integer("cadence_c").notNull().default(6),
  alarmGraceDays: integer("alarm_grace_days").notNull().default(7),
  businessLines: jsonb("business_lines")
    .$type<string[]>()
    .notNull()
    .default(sql`'["membership","catering","spa","rooms","golf","fitness"]'::jsonb`),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
