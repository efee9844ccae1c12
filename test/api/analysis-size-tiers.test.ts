import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

// The tier analysis at size: the Pareto buckets and the exact A/B cut-offs, and the table
// paged, sorted and filtered on the server. Many customers share a name (a big club has
// thousands of 张伟s): everything is keyed by customer id and ranked as the tier rule ranks.
let t: TestServer;
let a: Club;
let b: Club;
const MONTH = "2026-03";
const NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "Acme 集团", "北京星河科技", "张伟 (Zhang Wei)"];
// fen amounts; the thresholds (A ≥ 10,000, B ≥ 5,000 yuan) sit inside runs of equal spends
const SPENDS = [1_500_000, 1_000_000, 1_000_000, 999_999, 700_000, 500_000, 500_000, 499_999, 120_000, 1, 0];

interface Expected {
  id: string;
  name: string;
  fen: number;
  kind: "group" | "individual";
}
const expected: Expected[] = [];

async function importRevenue(club: Club, rows: string[]) {
  const res = await call(t.url, "POST", "/revenue/import", {
    token: club.manager.token,
    raw: `customerId,amount,businessLine,occurredAt\n${rows.join("\n")}\n`,
    headers: { "content-type": "text/csv; charset=utf-8" },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function inBatches<T>(n: number, size: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += size) out.push(...(await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => fn(i + j)))));
  return out;
}

beforeAll(async () => {
  t = await startTestServer({}, "2026-03-20T10:00:00+08:00");
  a = await makeClub(t.url, "size-a");
  b = await makeClub(t.url, "size-b");
  // 176 customers, 8 names: 22 customers share each name; 11 spends: 16 customers share each
  const made = await inBatches(176, 8, (i) =>
    newCustomer(t.url, a.manager.token, {
      name: NAMES[i % NAMES.length],
      kind: i % 5 === 0 ? "individual" : "group",
      ownerId: i % 2 ? a.rep1.id : a.rep2.id,
      status: "active",
      ...(i % 3 === 0 ? { expectedMonthlySpend: 6000 } : {}),
    }),
  );
  const rows: string[] = [];
  made.forEach((c: Json, i) => {
    const fen = SPENDS[(i * 7) % SPENDS.length]!;
    expected.push({ id: c.id, name: c.name, fen, kind: i % 5 === 0 ? "individual" : "group" });
    if (fen === 0) return; // an active customer without spend: a C customer at 0
    // some spends in two entries, on two business lines
    if (fen > 100 && i % 4 === 0) {
      const half = Math.floor(fen / 2);
      rows.push(`${c.id},${half / 100},catering,2026-03-03T10:00:00+08:00`, `${c.id},${(fen - half) / 100},spa,2026-03-11T18:00:00+08:00`);
    } else rows.push(`${c.id},${fen / 100},membership,2026-03-05T10:00:00+08:00`);
    // another month's spend never counts in March
    if (i % 6 === 0) rows.push(`${c.id},77777,golf,2026-02-27T10:00:00+08:00`);
  });
  await importRevenue(a, rows);
  // another club with the same names and bigger spends
  const other = await inBatches(12, 6, (i) =>
    newCustomer(t.url, b.manager.token, { name: NAMES[i % NAMES.length], ownerId: b.rep1.id, status: "active" }),
  );
  await importRevenue(
    b,
    other.map((c: Json, i) => `${c.id},${20000 + i},membership,2026-03-05T10:00:00+08:00`),
  );
}, 180_000);
afterAll(() => t?.close());

/** The tier rule's ranking (SPEC §4), written here again from its words: spend high to low, then name, then id. */
function ranked(rows: readonly Expected[]) {
  return [...rows].sort(
    (x, y) => y.fen - x.fen || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
  );
}
const tierOf = (fen: number) => (fen >= 1_000_000 ? "A" : fen >= 500_000 ? "B" : "C");
const fen = (yuan: number) => Math.round(yuan * 100);

const get = (club: Club, path: string, token = club.manager.token) => call(t.url, "GET", path, { token });

async function walk(club: Club, params: string, limit = 13) {
  const ids: string[] = [];
  const rows: Json[] = [];
  let cursor: string | null = null;
  let total: number | null = null;
  for (let guard = 0; guard < 1000; guard++) {
    const res = await get(club, `/analysis/tiers?month=${MONTH}&limit=${limit}${params}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.customers.length).toBeLessThanOrEqual(limit);
    total ??= res.body.page.total;
    expect(res.body.page.total).toBe(total);
    for (const r of res.body.customers) {
      ids.push(r.customerId);
      rows.push(r);
    }
    cursor = res.body.page.nextCursor;
    if (!cursor) break;
  }
  return { ids, rows, total };
}

describe("Pareto buckets and cut-offs at size", () => {
  it("cuts A and B at the ranks where the tier changes, ranked by id with many names shared", async () => {
    const want = ranked(expected);
    const lastA = want.filter((r) => tierOf(r.fen) === "A").length;
    const lastB = lastA + want.filter((r) => tierOf(r.fen) === "B").length;
    // the test's data puts both cut-offs inside the ranking, between runs of equal names
    expect(lastA).toBeGreaterThan(0);
    expect(lastB).toBeGreaterThan(lastA);
    expect(lastB).toBeLessThan(want.length);
    const res = await get(a, `/analysis/tiers/pareto?month=${MONTH}`);
    expect(res.status).toBe(200);
    const p = res.body;
    expect(p.customers).toBe(want.length);
    expect(p.thresholds).toEqual({ A: 10000, B: 5000 });
    expect(p.cutoffs.A).toMatchObject({ lastRank: lastA, count: lastA, threshold: 10000, lastSpend: want[lastA - 1]!.fen / 100 });
    expect(p.cutoffs.B).toMatchObject({ lastRank: lastB, count: lastB - lastA, threshold: 5000, lastSpend: want[lastB - 1]!.fen / 100 });
    expect(p.cutoffs.A.percentile).toBe(Math.ceil((lastA * 100) / want.length));
    // the table agrees: rank lastA is the last A, lastA + 1 the first B
    const around = await get(a, `/analysis/tiers?month=${MONTH}&sort=rank&limit=2&page=${lastA / 2}`);
    if (lastA % 2 === 0) {
      expect(around.body.customers.map((r: Json) => [r.rank, r.tier])).toEqual([
        [lastA - 1, "A"],
        [lastA, "A"],
      ]);
    }
    const after = await get(a, `/analysis/tiers?month=${MONTH}&sort=rank&limit=1&page=${lastA + 1}`);
    expect(after.body.customers[0]).toMatchObject({ rank: lastA + 1, tier: "B", customerId: want[lastA]!.id });
    const lastBRow = await get(a, `/analysis/tiers?month=${MONTH}&sort=rank&limit=1&page=${lastB}`);
    expect(lastBRow.body.customers[0]).toMatchObject({ rank: lastB, tier: "B", customerId: want[lastB - 1]!.id });
    const firstC = await get(a, `/analysis/tiers?month=${MONTH}&sort=rank&limit=1&page=${lastB + 1}`);
    expect(firstC.body.customers[0]).toMatchObject({ rank: lastB + 1, tier: "C", customerId: want[lastB]!.id });
  });

  it("buckets are 1% of the customers each, contiguous, and sum to the totals", async () => {
    const want = ranked(expected);
    const p = (await get(a, `/analysis/tiers/pareto?month=${MONTH}`)).body;
    const totalFen = want.reduce((s, r) => s + r.fen, 0);
    expect(fen(p.total)).toBe(totalFen);
    // 176 customers: 100 buckets of 1 or 2 customers
    expect(p.buckets).toHaveLength(100);
    let next = 1;
    let sum = 0;
    for (const bucket of p.buckets) {
      expect(bucket.fromRank).toBe(next);
      expect(bucket.count).toBe(bucket.toRank - bucket.fromRank + 1);
      expect(bucket.toRank).toBe(Math.floor((bucket.percentile * want.length) / 100));
      const inside = want.slice(bucket.fromRank - 1, bucket.toRank);
      expect(fen(bucket.spend)).toBe(inside.reduce((s, r) => s + r.fen, 0));
      expect(bucket.tiers).toEqual(["A", "B", "C"].filter((tier) => inside.some((r) => tierOf(r.fen) === tier)));
      sum += fen(bucket.spend);
      expect(bucket.cumulativeShare).toBeCloseTo(sum / totalFen, 12);
      next = bucket.toRank + 1;
    }
    expect(next - 1).toBe(want.length);
    expect(sum).toBe(totalFen);
    expect(p.buckets.at(-1).cumulativeShare).toBe(1);
    for (const tier of ["A", "B", "C"] as const) {
      const rows = want.filter((r) => tierOf(r.fen) === tier);
      expect(p.totals[tier].count).toBe(rows.length);
      expect(fen(p.totals[tier].spend)).toBe(rows.reduce((s, r) => s + r.fen, 0));
    }
  });

  it("without paging parameters the answer keeps its contracted shape, every customer in rank order", async () => {
    const res = await get(a, `/analysis/tiers?month=${MONTH}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["customers", "month", "thresholds", "total", "totals"]);
    expect(res.body.customers.map((r: Json) => r.customerId)).toEqual(ranked(expected).map((r) => r.id));
    expect(Object.keys(res.body.customers[0]).sort()).toEqual(["cumulativeShare", "customerId", "name", "share", "spend", "tier"]);
  });
});

describe("the tier table paged and sorted on the server", () => {
  const want = () => ranked(expected);
  const byName = () =>
    [...expected].sort(
      (x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0) || y.fen - x.fen || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
    );

  it.each([
    ["rank", "", (): Expected[] => want()],
    ["spend (highest first by default)", "&sort=spend", (): Expected[] => want()],
    ["spend ascending", "&sort=spend&dir=asc", (): Expected[] => want().reverse()],
    ["share", "&sort=share&dir=desc", (): Expected[] => want()],
    ["tier descending (C first)", "&sort=tier&dir=desc", (): Expected[] => want().reverse()],
    ["name", "&sort=name", (): Expected[] => byName()],
    ["name descending", "&sort=name&dir=desc", (): Expected[] => byName().reverse()],
  ])("by %s: the cursor reaches each customer once, in a total order", async (_label, params, order) => {
    const { ids, total } = await walk(a, params);
    expect(total).toBe(expected.length);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(order().map((r) => r.id));
  });

  it("page numbers cut the same pages as the cursor, with the count of pages", async () => {
    const { ids } = await walk(a, "&sort=name", 20);
    const pages: string[] = [];
    for (let page = 1; page <= 9; page++) {
      const res = await get(a, `/analysis/tiers?month=${MONTH}&sort=name&limit=20&page=${page}`);
      expect(res.body.page).toMatchObject({ total: expected.length, limit: 20, page, pages: 9 });
      pages.push(...res.body.customers.map((r: Json) => r.customerId));
    }
    expect(pages).toEqual(ids);
    const beyond = await get(a, `/analysis/tiers?month=${MONTH}&limit=20&page=10`);
    expect(beyond.body.customers).toEqual([]);
    expect(beyond.body.page.nextCursor).toBeNull();
  });

  it("filters by tier and by a name fragment, with the matching count from the server", async () => {
    const bs = want().filter((r) => tierOf(r.fen) === "B");
    const onlyB = await walk(a, "&tier=B", 7);
    expect(onlyB.total).toBe(bs.length);
    expect(onlyB.ids).toEqual(bs.map((r) => r.id));
    expect(new Set(onlyB.rows.map((r) => r.tier))).toEqual(new Set(["B"]));
    const zhang = want().filter((r) => r.name.includes("张伟"));
    const found = await walk(a, `&q=${encodeURIComponent("张伟")}`, 9);
    expect(found.total).toBe(zhang.length);
    expect(found.ids).toEqual(zhang.map((r) => r.id));
    const both = await walk(a, `&q=${encodeURIComponent("zhang wei")}&tier=A`);
    expect(both.ids).toEqual(
      want()
        .filter((r) => r.name === "张伟 (Zhang Wei)" && tierOf(r.fen) === "A")
        .map((r) => r.id),
    );
    const page = await get(a, `/analysis/tiers?month=${MONTH}&tier=C&limit=5`);
    // the page carries the whole month's figures, not the page's
    expect(page.body.count).toBe(expected.length);
    expect(page.body.totals.C.count).toBe(want().filter((r) => tierOf(r.fen) === "C").length);
  });

  it("refuses bad paging with 400 and field codes", async () => {
    for (const [params, field] of [
      ["&limit=0", "limit"],
      ["&limit=201", "limit"],
      ["&limit=ten", "limit"],
      ["&page=0", "page"],
      ["&sort=spendiest", "sort"],
      ["&dir=up", "dir"],
      ["&tier=D", "tier"],
      [`&q=${"x".repeat(101)}`, "q"],
      ["&cursor=not-a-cursor", "cursor"],
      ["&cursor=W10&page=2", "page"],
    ] as const) {
      const res = await get(a, `/analysis/tiers?month=${MONTH}${params}`);
      expectErrorShape(res, 400);
      expect(Object.keys(res.body.error.fieldCodes), params).toContain(field);
    }
    // a cursor of another order is refused, not misread
    const byRank = await get(a, `/analysis/tiers?month=${MONTH}&limit=3`);
    const misused = await get(a, `/analysis/tiers?month=${MONTH}&limit=3&sort=name&cursor=${byRank.body.page.nextCursor}`);
    expectErrorShape(misused, 400);
    expect(misused.body.error.fieldCodes.cursor.code).toBe("cursor");
  });

  it("is for managers only", async () => {
    expectErrorShape(await get(a, `/analysis/tiers/pareto?month=${MONTH}`, a.rep1.token), 403);
    expectErrorShape(await get(a, `/analysis/tiers?month=${MONTH}&limit=5`, a.rep1.token), 403);
    expectErrorShape(await get(a, `/analysis/share?month=${MONTH}&limit=5`, a.rep1.token), 403);
    expectErrorShape(await call(t.url, "GET", `/analysis/tiers/pareto?month=${MONTH}`), 401);
  });

  it("another club's customers never appear, by page, filter or bucket", async () => {
    const mine = new Set(expected.map((r) => r.id));
    const all = await walk(a, `&q=${encodeURIComponent("张伟")}`);
    expect(all.ids.every((id) => mine.has(id))).toBe(true);
    const theirs = await get(b, `/analysis/tiers/pareto?month=${MONTH}`);
    expect(theirs.body.customers).toBe(12);
    expect(theirs.body.cutoffs.A.lastRank).toBe(12);
    const theirRows = await walk(b, "");
    expect(theirRows.ids.some((id) => mine.has(id))).toBe(false);
    expect(theirRows.ids).toHaveLength(12);
    // a cursor made in one club reads the other club's rows only
    const first = await get(a, `/analysis/tiers?month=${MONTH}&limit=1`);
    const crossed = await get(b, `/analysis/tiers?month=${MONTH}&limit=50&cursor=${first.body.page.nextCursor}`);
    expect(crossed.status).toBe(200);
    expect(crossed.body.customers.some((r: Json) => mine.has(r.customerId))).toBe(false);
  });
});

describe("the share table paged and sorted on the server", () => {
  const groups = () => ranked(expected.filter((r) => r.kind === "group"));

  it("pages every group client once; filters those below expectation; sorts by the gap", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Json = await get(a, `/analysis/share?month=${MONTH}&limit=11${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.page.total).toBe(groups().length);
      seen.push(...res.body.customers.map((r: Json) => r.customerId));
      cursor = res.body.page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(groups().map((r) => r.id));

    const below = groups().filter((r) => expected.indexOf(r) % 3 === 0 && r.fen < 600_000);
    const flagged = await get(a, `/analysis/share?month=${MONTH}&below=true&sort=gap&limit=200`);
    expect(flagged.body.page.total).toBe(below.length);
    expect(flagged.body.belowExpected).toBe(below.length);
    const gaps = flagged.body.customers.map((r: Json) => fen(r.gap));
    expect(gaps).toEqual([...gaps].sort((x, y) => y - x));
    expect(new Set(flagged.body.customers.map((r: Json) => r.customerId))).toEqual(new Set(below.map((r) => r.id)));
    const whole = await get(a, `/analysis/share?month=${MONTH}`);
    expect(whole.body.customers).toHaveLength(groups().length);
    expect(whole.body.page).toBeUndefined();
  });
});
