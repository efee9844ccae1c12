import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Failed-login counters, shared by every server process. Not club data: keys are
 * hashes of (club, email) or of a client address, so this is one of the few
 * global tables (see GLOBAL_TABLES in rls.ts).
 */
export const authThrottle = pgTable("auth_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  windowStart: timestamp("window_start", { withTimezone: true }).notNull().defaultNow(),
  blockedUntil: timestamp("blocked_until", { withTimezone: true }),
});
