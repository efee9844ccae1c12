import { type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { describe, expect, it } from "vitest";
import { cadenceDueSql, overdueSql } from "./cadence.ts";
import { complaintOverdueSql } from "./complaint-sla.ts";
import { lateSql } from "./diary-lateness.ts";
import { usableAtSql } from "./promotions.ts";
import { needsReviewSql } from "./prospect-review.ts";
import { staleSql } from "./refresh.ts";
import { customerTierSql, tierSql } from "./tiers.ts";

/**
 * The SQL forms as they reach the database: the text, and the parameters built from
 * the rule's own constants and the club's zone. test/api/regulation-agreement.test.ts
 * runs them on PGlite and PostgreSQL against the pure functions; these pin which
 * instants and thresholds each one is handed, without a database.
 */
const dialect = new PgDialect();
const render = (q: SQL) => {
  const { sql: text, params } = dialect.sqlToQuery(q);
  return { text, params };
};

const SH = "Asia/Shanghai";
const NY = "America/New_York";
const now = new Date("2025-03-09T12:00:00Z");
const settings = { A: 12, B: 8, C: 6 };

describe("the SQL forms", () => {
  it.each<[string, SQL, string, unknown[]]>([
    [
      "tierSql",
      tierSql(sql`s.fen`, { A: 1_000_000, B: 500_000 }),
      "(case when s.fen >= $1::bigint then 'A' when s.fen >= $2::bigint then 'B' else 'C' end)",
      [1_000_000, 500_000],
    ],
    [
      "customerTierSql: only active and churned customers have a tier",
      customerTierSql(sql`c.status`, sql`s.fen`, { A: 100, B: 50 }),
      "(case when c.status in ($1, $2) then (case when s.fen >= $3::bigint then 'A' when s.fen >= $4::bigint then 'B' else 'C' end) end)",
      ["active", "churned", 100, 50],
    ],
    [
      "cadenceDueSql: ⌊365 / visits⌋ club days",
      cadenceDueSql(sql`c.since`, sql`c.tier`, settings, NY),
      "((((c.since) at time zone $1::text) + make_interval(days => (case c.tier when 'A' then $2::int when 'B' then $3::int else $4::int end))) at time zone $5::text)",
      [NY, 30, 45, 60, NY],
    ],
    [
      "overdueSql: due strictly before now",
      overdueSql(sql`c.since`, sql`c.tier`, settings, SH, now),
      "(((((c.since) at time zone $1::text) + make_interval(days => (case c.tier when 'A' then $2::int when 'B' then $3::int else $4::int end))) at time zone $5::text) < $6::timestamptz)",
      [SH, 30, 45, 60, SH, "2025-03-09T12:00:00.000Z"],
    ],
    [
      "complaintOverdueSql: opened more than 48 hours before now",
      complaintOverdueSql(sql`c.opened_at`, now),
      "(c.opened_at < $1::timestamptz)",
      ["2025-03-07T12:00:00.000Z"],
    ],
    [
      // 10:00 on 9 March in New York, the day daylight time starts: 14:00Z, not 15:00Z
      "lateSql: the deadline is 10:00 club time the next day",
      lateSql(sql`d.submitted_at`, "2025-03-08", now, NY),
      "(coalesce(d.submitted_at, $1::timestamptz) > $2::timestamptz)",
      ["2025-03-09T12:00:00.000Z", "2025-03-09T14:00:00.000Z"],
    ],
    [
      "usableAtSql: approved, and both ends of the window included",
      usableAtSql({ status: sql`p.status`, startsAt: sql`p.starts_at`, endsAt: sql`p.ends_at` }, now),
      "(p.status = 'approved' and p.starts_at <= $1::timestamptz and p.ends_at >= $2::timestamptz)",
      ["2025-03-09T12:00:00.000Z", "2025-03-09T12:00:00.000Z"],
    ],
    [
      "needsReviewSql: a prospect at three in-person contacts",
      needsReviewSql(sql`c.status`, sql`n.count`),
      "(c.status = 'prospect' and n.count >= $1)",
      [3],
    ],
    [
      // 2025-Q1 in Shanghai starts at 2025-01-01 00:00 +08:00
      "staleSql: prospects and active customers last refreshed before the quarter began",
      staleSql(sql`c.status`, sql`c.created_at`, sql`c.refreshed_at`, "2025-Q1", SH),
      "(c.status in ($1, $2) and c.created_at < $3::timestamptz and c.refreshed_at < $4::timestamptz)",
      ["prospect", "active", "2024-12-31T16:00:00.000Z", "2024-12-31T16:00:00.000Z"],
    ],
    [
      // 2025-Q2 in New York starts at 2025-04-01 00:00 daylight time (-04:00)
      "staleSql in a zone with daylight saving",
      staleSql(sql`c.status`, sql`c.created_at`, sql`c.refreshed_at`, "2025-Q2", NY),
      "(c.status in ($1, $2) and c.created_at < $3::timestamptz and c.refreshed_at < $4::timestamptz)",
      ["prospect", "active", "2025-04-01T04:00:00.000Z", "2025-04-01T04:00:00.000Z"],
    ],
  ])("%s", (_, query, text, params) => {
    expect(render(query)).toEqual({ text, params });
  });
});
