import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenants.ts";

/**
 * Alarms for managers: open complaints over 48 h, quota pace, month-close outcomes,
 * stale customers at a quarter's end. `key` makes raising idempotent: a sweep that
 * runs twice, or in two processes, raises each alarm once.
 */
export const alarms = pgTable(
  "alarms",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    id: uuid("id").notNull().defaultRandom(),
    key: text("key").notNull(),
    kind: text("kind").notNull(),
    repId: uuid("rep_id"),
    subjectId: uuid("subject_id"),
    level: text("level"),
    message: text("message").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>(),
    raisedAt: timestamp("raised_at", { withTimezone: true }).notNull(),
    clearedAt: timestamp("cleared_at", { withTimezone: true }),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedBy: uuid("acknowledged_by"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex("alarms_key_idx").on(t.tenantId, t.key),
    index("alarms_raised_idx").on(t.tenantId, t.raisedAt),
    index("alarms_rep_idx").on(t.tenantId, t.repId, t.raisedAt),
  ],
);

/** Background jobs done per club and period (tier freeze, month close, quarter-end sweep): each runs once. */
export const jobRuns = pgTable(
  "job_runs",
  {
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    job: text("job").notNull(),
    period: text("period").notNull(),
    ranAt: timestamp("ran_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.job, t.period] })],
);
