import { sql } from "drizzle-orm";
import { bigint, check, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

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
export const clubSettings = pgTable(
  "club_settings",
  {
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
    /** docs/verified-visits.md: an in-person contact within this many metres of the customer's pin is on site */
    visitRadiusM: integer("visit_radius_m").notNull().default(300),
    /** days a contact's position is kept (PIPL); then deleted, the check kept */
    positionRetentionDays: integer("position_retention_days").notNull().default(90),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("club_settings_visit_radius", sql`${t.visitRadiusM} between 50 and 5000`),
    check("club_settings_position_retention", sql`${t.positionRetentionDays} between 1 and 3650`),
  ],
);
