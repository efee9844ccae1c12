import { type Database, inspectAppRole } from "@clubhouse/db";

export class UnsafeDatabaseRole extends Error {}

/** Refuse to serve when PostgreSQL would not enforce row-level security for us. */
export async function assertSafeRole(database: Database) {
  const r = await inspectAppRole(database);
  const problems = [r.superuser && "is a superuser", r.bypassRls && "has BYPASSRLS", r.ownsTables && "owns the tables"].filter(Boolean);
  if (problems.length > 0) {
    throw new UnsafeDatabaseRole(
      `refusing to start: the database role "${r.role}" ${problems.join(" and ")}, so row-level security would not separate clubs. Use a role like clubhouse_app.`,
    );
  }
}
