import { rowsOf } from "@clubhouse/db";
import { type SQL, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CadenceSettings, cadenceDueSql, cadenceStatus, DEFAULT_CADENCE, overdueSql } from "../../server/src/regulation/cadence.ts";
import { complaintClock, complaintOverdueSql } from "../../server/src/regulation/complaint-sla.ts";
import type { CustomerStatus } from "../../server/src/regulation/contacts.ts";
import { isLate, lateSql } from "../../server/src/regulation/diary-lateness.ts";
import { type PromotionStatus, promotionUsable, usableAtSql } from "../../server/src/regulation/promotions.ts";
import { needsReview, needsReviewSql, PROSPECT_REVIEW_THRESHOLD } from "../../server/src/regulation/prospect-review.ts";
import { isStale, staleSql } from "../../server/src/regulation/refresh.ts";
import {
  customerTier,
  customerTierSql,
  DEFAULT_TIER_THRESHOLDS,
  type Tier,
  type TierThresholds,
  tierFor,
  tierSql,
} from "../../server/src/regulation/tiers.ts";
import { quarterOf } from "../../server/src/time/club-time.ts";
import { freshDatabase, type TestDatabase } from "../support/harness.ts";

/**
 * The regulation's rules that queries apply in SQL agree with their pure functions
 * (docs/regulation.md): each SQL form is evaluated by the database under test (PGlite
 * and PostgreSQL) over a table of cases — month and quarter edges, clubs in zones
 * with daylight saving around their change dates, ties at every threshold — and must
 * answer what the pure function answers.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(() => t?.drop());

async function one<T>(expr: SQL): Promise<T> {
  const [row] = rowsOf<{ v: T }>(await t.database.db.execute(sql`select ${expr} as v`));
  return row!.v;
}
const instant = (iso: string) => sql`${iso}::timestamptz`;
/** An instant from SQL as ms since 1970, the same on both drivers. */
const ms = (expr: SQL) => sql`floor(extract(epoch from ${expr}) * 1000)::bigint::text`;
const at = (iso: string) => new Date(iso);

describe("tier: tierSql = tierFor", () => {
  const custom: TierThresholds = { A: 2_000_000, B: 2_000_000 };
  const cases: [number, TierThresholds][] = [
    ...[0, -1, -500_000, 1, 499_999, 500_000, 500_001, 999_999, 1_000_000, 1_000_001, 123_456_789_012].map(
      (fen): [number, TierThresholds] => [fen, DEFAULT_TIER_THRESHOLDS],
    ),
    // a club whose B and A start together: no B at all
    ...[1_999_999, 2_000_000, 2_000_001].map((fen): [number, TierThresholds] => [fen, custom]),
  ];
  it.each(cases)("%i fen with %o", async (fen, thresholds) => {
    const fromSql = await one<Tier>(tierSql(sql`${fen}::bigint`, thresholds));
    expect(fromSql).toBe(tierFor(fen, thresholds));
  });

  it.each((["prospect", "active", "churned", "dropped"] as const).flatMap((s) => [0, 500_000, 1_000_000].map((fen) => [s, fen] as const)))(
    "a customer's tier: %s with %i fen",
    async (status, fen) => {
      const fromSql = await one<Tier | null>(customerTierSql(sql`${status}::text`, sql`${fen}::bigint`, DEFAULT_TIER_THRESHOLDS));
      expect(fromSql).toBe(customerTier(status, fen, DEFAULT_TIER_THRESHOLDS));
    },
  );

  it("the cases cover every tier", () => {
    expect(new Set(cases.map(([fen, th]) => tierFor(fen, th)))).toEqual(new Set(["A", "B", "C"]));
  });
});

describe("cadence: cadenceDueSql and overdueSql = cadenceStatus", () => {
  const settings: CadenceSettings = { A: 24, B: 8, C: 6 };
  // zone, counted from (last in-person contact or becoming active), tier, settings
  const cases: [string, string, Tier, CadenceSettings][] = [
    // month and quarter edges in a zone without DST (midnight and the last ms of a month, club time)
    ["Asia/Shanghai", "2025-01-31T16:00:00.000Z", "A", DEFAULT_CADENCE],
    ["Asia/Shanghai", "2025-03-31T15:59:59.999Z", "B", DEFAULT_CADENCE],
    ["Asia/Shanghai", "2024-12-31T16:00:00.000Z", "C", DEFAULT_CADENCE],
    ["Asia/Shanghai", "2024-02-29T04:00:00.000Z", "A", settings], // a leap day, 15-day interval
    // spring forward and fall back between the contact and its due date
    ["America/New_York", "2025-03-01T15:00:00.000Z", "A", DEFAULT_CADENCE],
    ["America/New_York", "2025-02-07T07:30:00.000Z", "A", DEFAULT_CADENCE], // due at 02:30, a time skipped
    ["America/New_York", "2025-10-03T05:30:00.000Z", "A", DEFAULT_CADENCE], // due at 01:30, a time repeated
    ["America/New_York", "2025-10-20T14:00:00.000Z", "B", DEFAULT_CADENCE],
    ["America/New_York", "2025-12-31T04:59:59.999Z", "C", DEFAULT_CADENCE], // the last ms of the year, club time
    ["Europe/Berlin", "2025-03-01T11:00:00.000Z", "A", DEFAULT_CADENCE],
    ["Europe/Berlin", "2025-02-28T01:30:00.000Z", "A", DEFAULT_CADENCE], // due 2025-03-30 02:30, skipped
    ["Europe/Berlin", "2025-09-26T00:30:00.000Z", "A", DEFAULT_CADENCE], // due 2025-10-26 02:30, repeated
    ["Europe/Berlin", "2025-09-30T22:00:00.000Z", "C", DEFAULT_CADENCE], // a quarter's first instant
    ["Europe/Berlin", "2025-06-30T21:59:59.999Z", "B", DEFAULT_CADENCE], // a quarter's last ms
    // the southern hemisphere: DST ends in April, starts in October
    ["Australia/Sydney", "2025-03-20T01:00:00.000Z", "A", DEFAULT_CADENCE],
    ["Australia/Sydney", "2025-09-15T01:00:00.000Z", "A", DEFAULT_CADENCE],
    ["UTC", "2025-03-31T23:59:59.999Z", "A", DEFAULT_CADENCE],
  ];

  it.each(cases)("in %s from %s, tier %s", async (tz, since, tier, cadence) => {
    const pure = (now: Date) =>
      cadenceStatus({ lastInPersonAt: at(since), activeSince: at("2020-01-01T00:00:00Z"), now, tier, settings: cadence, tz });
    const dueAt = pure(at(since)).dueAt!;
    const dueSql = cadenceDueSql(instant(since), sql`${tier}::text`, cadence, tz);
    expect(Number(await one<string>(ms(dueSql)))).toBe(dueAt.getTime());
    // ties: at the due instant not yet overdue, one ms later overdue; and a day either side
    for (const offset of [-86_400_000, -1, 0, 1, 86_400_000]) {
      const now = new Date(dueAt.getTime() + offset);
      const fromSql = await one<boolean>(overdueSql(instant(since), sql`${tier}::text`, cadence, tz, now));
      expect(fromSql, `now = due ${offset} ms`).toBe(pure(now).overdue);
    }
  });

  it("a DST change between the contact and its due date moves the due date by no hour of club time", () => {
    const berlin = cadenceStatus({
      lastInPersonAt: at("2025-03-01T11:00:00Z"), // 12:00 CET
      activeSince: at("2020-01-01T00:00:00Z"),
      now: at("2025-03-01T11:00:00Z"),
      tier: "A",
      settings: DEFAULT_CADENCE,
      tz: "Europe/Berlin",
    });
    expect(berlin.dueAt?.toISOString()).toBe("2025-03-31T10:00:00.000Z"); // 12:00 CEST
  });
});

describe("quarterly refresh: staleSql = isStale (current quarter)", () => {
  // zone, now, status, createdAt, lastRefreshedAt (never before creation, never after now)
  const cases: [string, string, CustomerStatus, string, string][] = [
    ["Asia/Shanghai", "2025-04-10T00:00:00Z", "active", "2024-01-01T00:00:00Z", "2025-03-31T15:59:59.999Z"], // last ms of Q1
    ["Asia/Shanghai", "2025-04-10T00:00:00Z", "active", "2024-01-01T00:00:00Z", "2025-03-31T16:00:00.000Z"], // first ms of Q2
    ["Asia/Shanghai", "2025-04-10T00:00:00Z", "prospect", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"],
    ["Asia/Shanghai", "2025-04-10T00:00:00Z", "churned", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"],
    ["Asia/Shanghai", "2025-04-10T00:00:00Z", "dropped", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"],
    ["Asia/Shanghai", "2025-04-10T00:00:00Z", "active", "2025-04-01T00:00:00Z", "2025-04-01T00:00:00Z"], // created this quarter
    ["America/New_York", "2025-10-05T12:00:00Z", "active", "2024-01-01T00:00:00Z", "2025-10-01T03:59:59.999Z"],
    ["America/New_York", "2025-10-05T12:00:00Z", "active", "2024-01-01T00:00:00Z", "2025-10-01T04:00:00.000Z"],
    ["America/New_York", "2025-12-31T23:00:00Z", "prospect", "2025-06-30T00:00:00Z", "2025-09-30T12:00:00Z"],
    ["Europe/Berlin", "2025-04-01T00:00:00Z", "active", "2024-01-01T00:00:00Z", "2025-03-31T21:59:59.999Z"], // Q2 starts 00:00 CEST
    ["Europe/Berlin", "2025-04-01T00:00:00Z", "active", "2024-01-01T00:00:00Z", "2025-03-31T22:00:00.000Z"],
    // created at the quarter's first instant, or its last ms before
    ["Europe/Berlin", "2025-04-02T00:00:00Z", "active", "2025-03-31T22:00:00.000Z", "2025-03-31T22:00:00.000Z"],
    ["Europe/Berlin", "2025-04-02T00:00:00Z", "prospect", "2025-03-31T21:59:59.999Z", "2025-03-31T21:59:59.999Z"],
  ];
  it.each(cases)("in %s at %s: %s, created %s, refreshed %s", async (tz, now, status, created, refreshed) => {
    const quarter = quarterOf(at(now), tz);
    const pure = isStale({ status, createdAt: at(created), lastRefreshedAt: at(refreshed) }, quarter, tz);
    expect(await one<boolean>(staleSql(sql`${status}::text`, instant(created), instant(refreshed), quarter, tz))).toBe(pure);
  });
});

describe("diary lateness: lateSql = isLate", () => {
  // zone, day, submittedAt (null: not yet), now
  const cases: [string, string, string | null, string][] = [
    ["Asia/Shanghai", "2025-03-31", null, "2025-04-01T02:00:00.000Z"], // 10:00 sharp: on time
    ["Asia/Shanghai", "2025-03-31", null, "2025-04-01T02:00:00.001Z"],
    ["Asia/Shanghai", "2025-03-31", "2025-04-01T02:00:00.000Z", "2025-04-09T00:00:00Z"],
    ["Asia/Shanghai", "2025-03-31", "2025-04-01T02:00:00.001Z", "2025-04-09T00:00:00Z"],
    ["Asia/Shanghai", "2024-12-31", "2025-01-01T01:59:59Z", "2025-01-09T00:00:00Z"],
    ["America/New_York", "2025-03-08", "2025-03-09T14:00:00.000Z", "2025-03-12T00:00:00Z"], // 10:00 EDT, after spring forward
    ["America/New_York", "2025-03-08", "2025-03-09T14:00:00.001Z", "2025-03-12T00:00:00Z"],
    ["America/New_York", "2025-11-01", null, "2025-11-02T15:00:00.000Z"], // 10:00 EST, after fall back
    ["America/New_York", "2025-11-01", null, "2025-11-02T15:00:00.001Z"],
    ["Europe/Berlin", "2025-10-25", "2025-10-26T09:00:00.000Z", "2025-10-27T00:00:00Z"],
    ["Europe/Berlin", "2025-10-25", "2025-10-26T09:00:00.001Z", "2025-10-27T00:00:00Z"],
  ];
  it.each(cases)("in %s, %s submitted %s, now %s", async (tz, day, submitted, now) => {
    const pure = isLate(day, submitted === null ? null : at(submitted), at(now), tz);
    const submittedSql = submitted === null ? sql`null::timestamptz` : instant(submitted);
    expect(await one<boolean>(lateSql(submittedSql, day, at(now), tz))).toBe(pure);
  });

  it("the cases hold both answers", () => {
    expect(new Set(cases.map(([tz, day, s, now]) => isLate(day, s === null ? null : at(s), at(now), tz)))).toEqual(new Set([true, false]));
  });
});

describe("public promotions: usableAtSql = promotionUsable (its rep)", () => {
  // status, startsAt, endsAt, at
  const cases: [PromotionStatus, string, string, string][] = [
    ["approved", "2025-05-03T01:00:00Z", "2025-05-03T10:00:00Z", "2025-05-03T01:00:00.000Z"], // opens: inside
    ["approved", "2025-05-03T01:00:00Z", "2025-05-03T10:00:00Z", "2025-05-03T00:59:59.999Z"],
    ["approved", "2025-05-03T01:00:00Z", "2025-05-03T10:00:00Z", "2025-05-03T10:00:00.000Z"], // closes: inside
    ["approved", "2025-05-03T01:00:00Z", "2025-05-03T10:00:00Z", "2025-05-03T10:00:00.001Z"],
    ["requested", "2025-05-03T01:00:00Z", "2025-05-03T10:00:00Z", "2025-05-03T05:00:00Z"],
    ["refused", "2025-05-03T01:00:00Z", "2025-05-03T10:00:00Z", "2025-05-03T05:00:00Z"],
    ["cancelled", "2025-05-03T01:00:00Z", "2025-05-03T10:00:00Z", "2025-05-03T05:00:00Z"],
    ["approved", "2025-03-08T15:00:00Z", "2025-03-09T15:00:00Z", "2025-03-09T07:30:00Z"], // across New York's spring forward
  ];
  it.each(cases)("%s from %s to %s, at %s", async (status, startsAt, endsAt, when) => {
    const pure = promotionUsable({ repId: "r", status, startsAt: at(startsAt), endsAt: at(endsAt) }, "r", at(when));
    const row = { status: sql`${status}::text`, startsAt: instant(startsAt), endsAt: instant(endsAt) };
    expect(await one<boolean>(usableAtSql(row, at(when)))).toBe(pure);
  });

  it("the cases hold both answers", () => {
    expect(
      new Set(cases.map(([status, s, e, w]) => promotionUsable({ repId: "r", status, startsAt: at(s), endsAt: at(e) }, "r", at(w)))),
    ).toEqual(new Set([true, false]));
  });
});

describe("complaint clock: complaintOverdueSql = complaintClock", () => {
  it.each([
    ["2025-03-01T00:00:00.000Z", "2025-03-02T00:00:00.000Z"],
    ["2025-03-01T00:00:00.000Z", "2025-03-03T00:00:00.000Z"], // exactly 48 h: not yet
    ["2025-03-01T00:00:00.000Z", "2025-03-03T00:00:00.001Z"],
    ["2025-03-30T00:30:00.000Z", "2025-04-01T00:30:00.000Z"], // across a DST change (Berlin): 48 real hours
    ["2025-03-30T00:30:00.000Z", "2025-04-01T00:30:00.001Z"],
  ])("opened %s, now %s", async (opened, now) => {
    const pure = complaintClock(at(opened), true, at(now)).overdue;
    expect(await one<boolean>(complaintOverdueSql(instant(opened), at(now)))).toBe(pure);
  });
});

describe("prospect review: needsReviewSql = needsReview", () => {
  const statuses: CustomerStatus[] = ["prospect", "active", "churned", "dropped"];
  const counts = [0, PROSPECT_REVIEW_THRESHOLD - 1, PROSPECT_REVIEW_THRESHOLD, PROSPECT_REVIEW_THRESHOLD + 1, 40];
  it.each(statuses.flatMap((status) => counts.map((count): [CustomerStatus, number] => [status, count])))(
    "%s with %i",
    async (status, count) => {
      expect(await one<boolean>(needsReviewSql(sql`${status}::text`, sql`${count}::int`))).toBe(needsReview(count, status));
    },
  );
});
