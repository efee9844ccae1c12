import { sql } from "drizzle-orm";
import { check, foreignKey, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenants.ts";
import { users } from "./users.ts";

export const promotionStatusEnum = pgEnum("promotion_status", ["requested", "approved", "refused", "cancelled"]);

/**
 * 第五条 1.2 未经部门主管核准同意，不得以任何形式在公众地点展示、推销和销售: a rep asks to
 * show, promote or sell cards at a public place for a window of time; a manager
 * approves or refuses it once. Contacts and card sales made there name it.
 */
export const promotions = pgTable(
  "promotions",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    repId: uuid("rep_id").notNull(),
    place: text("place").notNull(),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    cardTypeIds: uuid("card_type_ids").array().notNull(),
    expectedContacts: integer("expected_contacts").notNull(),
    note: text("note"),
    status: promotionStatusEnum("status").notNull().default("requested"),
    decidedBy: uuid("decided_by"),
    decidedAt: timestamp("decided_at", { withTimezone: true }),
    reason: text("reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.repId], foreignColumns: [users.tenantId, users.id] }),
    index("promotions_rep_idx").on(t.tenantId, t.repId, t.startsAt),
    index("promotions_status_idx").on(t.tenantId, t.status, t.startsAt),
    check("promotions_window", sql`${t.endsAt} > ${t.startsAt}`),
  ],
);
