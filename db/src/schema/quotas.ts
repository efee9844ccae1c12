import { bigint, boolean, doublePrecision, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** A rep's monthly revenue target (第六条 2). A year's target is the sum of its months. */
export const targets = pgTable(
  "targets",
  {
    tenantId: uuid("tenant_id").notNull(),
    repId: uuid("rep_id").notNull(),
    month: text("month").notNull(),
    amountFen: bigint("amount_fen", { mode: "number" }).notNull(),
    setBy: uuid("set_by"),
    setAt: timestamp("set_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.repId, t.month] }), index("targets_month_idx").on(t.tenantId, t.month)],
);

/** The current pace level of each rep in the running month, for raise/clear transitions. */
export const repPace = pgTable(
  "rep_pace",
  {
    tenantId: uuid("tenant_id").notNull(),
    repId: uuid("rep_id").notNull(),
    month: text("month").notNull(),
    level: text("level"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.repId, t.month] })],
);

/** Month close: each rep's outcome for a closed month, with its reasons and numbers. */
export const monthResults = pgTable(
  "month_results",
  {
    tenantId: uuid("tenant_id").notNull(),
    repId: uuid("rep_id").notNull(),
    month: text("month").notNull(),
    targetFen: bigint("target_fen", { mode: "number" }),
    achievedFen: bigint("achieved_fen", { mode: "number" }).notNull(),
    attainment: doublePrecision("attainment"),
    churnRate: doublePrecision("churn_rate").notNull(),
    outcome: text("outcome"),
    reasons: jsonb("reasons").$type<unknown[]>().notNull(),
    departmentBonusSuspended: boolean("department_bonus_suspended").notNull(),
    closedAt: timestamp("closed_at", { withTimezone: true }).notNull(),
    closedBy: uuid("closed_by"),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.repId, t.month] }), index("month_results_month_idx").on(t.tenantId, t.month)],
);
