import { sql } from "drizzle-orm";
import { foreignKey, index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenants.ts";

export const roleEnum = pgEnum("role", ["admin", "manager", "rep"]);
export type Role = (typeof roleEnum.enumValues)[number];

export const users = pgTable(
  "users",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: roleEnum("role").notNull(),
    passwordHash: text("password_hash").notNull(),
    disabledAt: timestamp("disabled_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex("users_tenant_email_key").on(t.tenantId, sql`lower(${t.email})`)],
);

/**
 * Sessions in Lucia's design: the client holds `<tenantId>.<id>.<secret>`; we keep
 * only the SHA-256 of the secret and compare it in constant time.
 */
export const sessions = pgTable(
  "sessions",
  {
    tenantId: uuid("tenant_id").notNull(),
    id: text("id").notNull(),
    userId: uuid("user_id").notNull(),
    secretHash: text("secret_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }).onDelete("cascade"),
    index("sessions_user_idx").on(t.tenantId, t.userId),
  ],
);
