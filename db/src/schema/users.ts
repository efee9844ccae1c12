import { sql } from "drizzle-orm";
import {
  foreignKey,
  index,
  type PgTableExtraConfigValue,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { tenants } from "./tenants.ts";

/** `lead`: a team lead, who acts as a manager on their own team only (docs/access.md). */
export const roleEnum = pgEnum("role", ["admin", "manager", "rep", "lead"]);
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
    /** The team a rep works in (or the team a lead leads); null: in none. */
    teamId: uuid("team_id"),
  },
  (t): PgTableExtraConfigValue[] => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("users_tenant_email_key").on(t.tenantId, sql`lower(${t.email})`),
    foreignKey({ columns: [t.tenantId, t.teamId], foreignColumns: [teams.tenantId, teams.id] }),
    index("users_team_idx").on(t.tenantId, t.teamId),
  ],
);

/**
 * A club's sales teams. `leadId` is a user with the `lead` role; a lead leads at
 * most one team, and a team's name is unique in its club whatever its case.
 */
export const teams = pgTable(
  "teams",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    name: text("name").notNull(),
    leadId: uuid("lead_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t): PgTableExtraConfigValue[] => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("teams_tenant_name_key").on(t.tenantId, sql`lower(${t.name})`),
    uniqueIndex("teams_tenant_lead_key").on(t.tenantId, t.leadId),
    foreignKey({ columns: [t.tenantId, t.leadId], foreignColumns: [users.tenantId, users.id] }),
  ],
);

/**
 * Append-only: every change of a user's team (who moved, from, to, by whom, when),
 * so the records show who was in which team at any date.
 */
export const teamMoves = pgTable(
  "team_moves",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    userId: uuid("user_id").notNull(),
    fromTeamId: uuid("from_team_id"),
    toTeamId: uuid("to_team_id"),
    actorId: uuid("actor_id"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.userId], foreignColumns: [users.tenantId, users.id] }),
    index("team_moves_user_idx").on(t.tenantId, t.userId, t.at),
  ],
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
