import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJobsOnce } from "../../server/src/jobs/scheduler.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, loginAs, startTestServer, type TestServer } from "../support/harness.ts";

// Every list pages with `limit` and an opaque `cursor` (SPEC §9). For each list: walking it
// one and two items at a time gives exactly what one `limit=200` answer gives, in order, with
// rows that tie on the first sort key, and a cursor the server did not give out is a 400.
// Starts on Tuesday 2026-02-10 (club quarter 2026-Q1), club time Asia/Shanghai.
let t: TestServer;
let c: Club;
/** Reps besides rep1 and rep2: three share a name, so name-ordered lists have ties. */
const EXTRA_REPS = ["Twin", "Twin", "Twin", "Alpha", "Zed"];
const reps: string[] = [];
/** Active customers created at one instant: ties for the overdue and stale lists. */
const actives: Json[] = [];

beforeAll(async () => {
  t = await startTestServer({}, "2026-02-10T10:00:00+08:00");
  c = await makeClub(t.url, "paging");
  reps.push(c.rep1.id, c.rep2.id);
  for (const [i, name] of EXTRA_REPS.entries()) {
    const res = await call(t.url, "POST", "/users", {
      token: c.admin.token,
      body: { email: `extra${i}@paging.test`, name, role: "rep", password: "extra rep pass" },
    });
    if (res.status !== 201) throw new Error(`user: ${res.status} ${JSON.stringify(res.body)}`);
    reps.push(res.body.id);
  }
  for (let i = 0; i < 6; i++) {
    const owner = i % 2 === 0 ? c.rep1 : c.rep2;
    actives.push(await newCustomer(t.url, owner.token, { name: `Active ${i}`, status: "active" }));
  }
});
afterAll(() => t?.close());

const withQuery = (path: string, q: string) => `${path}${path.includes("?") ? "&" : "?"}${q}`;
const cursorOf = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString("base64url");

/** Follows `nextCursor` from the first page until it is null; every page but the last is full. */
async function walk(path: string, limit: number, token: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  for (let pages = 1; ; pages++) {
    if (pages > 500) throw new Error(`${path}: the walk does not end`);
    const res = await call(t.url, "GET", withQuery(path, `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`), {
      token,
    });
    expect(res.status, `${path} page ${pages}: ${JSON.stringify(res.body)}`).toBe(200);
    expect(res.body).toHaveProperty("nextCursor");
    const page = res.body.items as Json[];
    expect(page.length).toBeLessThanOrEqual(limit);
    if (cursor !== null) expect(page.length, `${path}: a next cursor led to an empty page`).toBeGreaterThan(0);
    items.push(...page);
    cursor = res.body.nextCursor;
    if (cursor === null) return items;
    expect(typeof cursor).toBe("string");
    // a next cursor means more items: this page is full (and the next one is not empty, above)
    expect(page.length, `${path}: a short page with a next cursor`).toBe(limit);
  }
}

interface ListCheck {
  /** what identifies an item: no two items of the list may share it */
  id: (item: Json) => string;
  /** the list's first sort key: at least two items must tie on it */
  first: (item: Json) => string;
  /** the fewest items the list must hold */
  min?: number;
}

/** Walks `path` with limit 1 and 2 and compares with one limit=200 answer; then the bad cursors. */
async function checkPaging(path: string, token: string, check: ListCheck) {
  const whole = await call(t.url, "GET", withQuery(path, "limit=200"), { token });
  expect(whole.status, JSON.stringify(whole.body)).toBe(200);
  expect(whole.body.nextCursor).toBeNull();
  const all = whole.body.items as Json[];
  expect(all.length).toBeGreaterThanOrEqual(check.min ?? 5);
  expect(new Set(all.map(check.id)).size, `${path}: duplicates in one answer`).toBe(all.length);
  const firsts = all.map(check.first);
  expect(new Set(firsts).size, `${path}: no rows tie on the first sort key`).toBeLessThan(firsts.length);
  for (const limit of [1, 2]) {
    const walked = await walk(path, limit, token);
    expect(walked.map(check.id), `${path} walked ${limit} at a time`).toEqual(all.map(check.id));
    expect(walked).toEqual(all);
  }
  for (const cursor of ["garbage", cursorOf(["x"]), cursorOf([1, 2, 3])]) {
    expectErrorShape(await call(t.url, "GET", withQuery(path, `cursor=${cursor}`), { token }), 400, "validation_failed");
  }
  // the right arity with values of the wrong type: still the client's fault
  expectErrorShape(await call(t.url, "GET", withQuery(path, `cursor=${cursorOf(["x", "y"])}`), { token }), 400);
  // forged from a real cursor of this list: each part in turn of the wrong kind or out of range
  const first = await call(t.url, "GET", withQuery(path, "limit=1"), { token });
  const real = JSON.parse(Buffer.from(first.body.nextCursor, "base64url").toString("utf8")) as unknown[];
  for (const cursor of forgedFrom(real)) {
    const res = await call(t.url, "GET", withQuery(path, `cursor=${encodeURIComponent(cursor)}`), { token });
    expectErrorShape(res, 400, "validation_failed");
    expect(res.body.error.fields, `${path} cursor ${Buffer.from(cursor, "base64url").toString("utf8").slice(0, 80)}`).toHaveProperty(
      "cursor",
    );
  }
  return all;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Values no list's cursor part may hold, whatever its kind. */
const NEVER: unknown[] = [1e308, -1e308, -1, 0.5, null, true, {}, [], "x".repeat(501), "a\u0000b"];
/** Values of the right type but not of the part's kind: by what the real part looks like. */
function wrongOfKind(part: unknown): unknown[] {
  if (typeof part !== "string") return ["1", "x"];
  if (UUID.test(part)) return ["x", "00000000-0000-0000-0000-00000000000g", `${part}0`, "1e308"];
  if (/^\d{4}-\d{2}-\d{2}T/.test(part))
    return [
      "x",
      "1e308",
      "2026-02-30T00:00:00.000Z",
      "+275760-09-13T00:00:00.000Z",
      "99999-01-01T00:00:00Z",
      "2026-02-10T25:00:00Z",
      "2026-02-10",
    ];
  if (/^\d{4}-\d{2}-\d{2}$/.test(part)) return ["x", "2026-02-30", "20260-01-01", "2026-02-10T00:00:00Z"];
  if (/^\d{4}-W\d{2}$/.test(part)) return ["x", "2026-W54", "2026-W00"];
  return [];
}
/** Cursors the server never gave out, made from one it did: every part forged in turn, plus bad lengths and bytes. */
function forgedFrom(real: unknown[]): string[] {
  const out: string[] = [];
  for (const [i, part] of real.entries()) {
    for (const bad of [...NEVER, ...wrongOfKind(part)]) {
      const parts = [...real];
      parts[i] = bad;
      out.push(cursorOf(parts));
    }
  }
  out.push(cursorOf([...real, real[0]]), cursorOf(real.slice(1)), cursorOf([]), cursorOf([1e308, "x"]));
  out.push(Buffer.from(JSON.stringify({ 0: real[0], 1: real[1], length: 2 })).toString("base64url"));
  out.push(Buffer.from([0xff, 0xfe, 0x00, 0x5b]).toString("base64url"), "!!!!", "%ZZ", "");
  return out;
}

const byId = (i: Json) => i.id as string;

describe("paging every list", () => {
  it("revenue: newest first, ties on occurredAt", async () => {
    const cu = actives[0];
    const at = ["2026-02-09T12:00:00+08:00", "2026-02-09T12:00:00+08:00", "2026-02-09T12:00:00+08:00", "2026-02-05T09:00:00+08:00"];
    const entries: Json[] = [];
    for (const [i, occurredAt] of [...at, "2026-02-01T08:00:00+08:00", "2026-02-01T08:00:00+08:00"].entries())
      entries.push(await addRevenue(t.url, c.manager.token, { customerId: cu.id, amount: 100 + i, occurredAt }));
    const rev = await call(t.url, "POST", `/revenue/${entries[1].id}/reverse`, { token: c.manager.token, body: { reason: "typed twice" } });
    expect(rev.status).toBe(201);
    const all = await checkPaging("/revenue", c.manager.token, { id: byId, first: (i) => i.occurredAt, min: 7 });
    expect(all.find((i) => i.id === entries[1].id)?.reversedById).toBe(rev.body.id);
    await checkPaging(`/revenue?customerId=${cu.id}`, c.rep1.token, { id: byId, first: (i) => i.occurredAt, min: 7 });
  });

  it("plans: by day, ties on the day", async () => {
    const ps: Json[] = [];
    for (let i = 0; i < 3; i++) ps.push(await newCustomer(t.url, c.rep1.token, { name: `Plan ${i}` }));
    const days = [
      [ps[0], "2026-02-12"],
      [ps[1], "2026-02-12"],
      [ps[2], "2026-02-12"],
      [ps[0], "2026-02-13"],
      [ps[1], "2026-02-13"],
      [ps[2], "2026-02-11"],
    ] as const;
    for (const [cu, day] of days) {
      const res = await call(t.url, "POST", "/plans", { token: c.rep1.token, body: { customerId: cu.id, day } });
      expect(res.status).toBe(201);
    }
    const forRep2 = await call(t.url, "POST", "/plans", {
      token: c.manager.token,
      body: { customerId: actives[1].id, day: "2026-02-12", repId: c.rep2.id },
    });
    expect(forRep2.status).toBe(201);
    const all = await checkPaging("/plans", c.manager.token, { id: byId, first: (i) => i.day, min: 7 });
    expect(all.map((p) => p.day)).toEqual([...all.map((p) => p.day)].sort());
    await checkPaging("/plans", c.rep1.token, { id: byId, first: (i) => i.day, min: 6 });
    await checkPaging("/plans?from=2026-02-12&to=2026-02-12", c.manager.token, { id: byId, first: (i) => i.day, min: 4 });
  });

  it("card sales: newest first, ties on occurredAt", async () => {
    const type = await call(t.url, "POST", "/card-types", { token: c.manager.token, body: { name: "Silver 银卡", listPrice: 5000 } });
    expect(type.status).toBe(201);
    const sell = async (token: string, customerId: string, occurredAt?: string) => {
      const res = await call(t.url, "POST", "/card-sales", { token, body: { customerId, cardTypeId: type.body.id, occurredAt } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    await sell(c.rep1.token, actives[0].id);
    await sell(c.rep1.token, actives[2].id);
    await sell(c.rep2.token, actives[1].id);
    await sell(c.rep1.token, actives[4].id, "2026-02-08T15:00:00+08:00");
    await sell(c.rep2.token, actives[3].id, "2026-02-08T15:00:00+08:00");
    await sell(c.rep2.token, actives[5].id, "2026-02-03T15:00:00+08:00");
    await checkPaging("/card-sales", c.manager.token, { id: byId, first: (i) => i.occurredAt, min: 6 });
  });

  it("complaints: newest first, ties on openedAt", async () => {
    for (let i = 0; i < 6; i++) {
      if (i === 4) t.clock.advance(60_000);
      const owner = i % 2 === 0 ? c.rep1 : c.rep2;
      const res = await call(t.url, "POST", "/complaints", {
        token: owner.token,
        body: { customerId: actives[i].id, channel: "phone", summary: `Complaint ${i}` },
      });
      expect(res.status).toBe(201);
    }
    const all = await checkPaging("/complaints", c.manager.token, { id: byId, first: (i) => i.openedAt, min: 6 });
    expect(
      all
        .map((x) => x.summary)
        .slice(0, 2)
        .sort(),
    ).toEqual(["Complaint 4", "Complaint 5"]);
    await checkPaging("/complaints?status=open", c.manager.token, { id: byId, first: (i) => i.openedAt, min: 6 });
  });

  it("customer history: newest first, ties on the time of the change", async () => {
    const cu = await newCustomer(t.url, c.manager.token, { name: "History Co", ownerId: c.rep1.id, status: "active" });
    const edit = async (body: Json) =>
      expect((await call(t.url, "PATCH", `/customers/${cu.id}`, { token: c.rep1.token, body })).status).toBe(200);
    await edit({ name: "History Co 2" });
    await edit({ profile: { address: "一号路" } });
    await edit({ expectedMonthlySpend: 800 });
    expect((await call(t.url, "POST", `/customers/${cu.id}/refresh`, { token: c.rep1.token })).status).toBe(200);
    t.clock.advance(60_000);
    await edit({ name: "History Co 3" });
    await edit({ profile: { address: "二号路" } });
    const all = await checkPaging(`/customers/${cu.id}/history`, c.rep1.token, { id: byId, first: (i) => i.at, min: 7 });
    // the two later edits first, then the five changes made at one instant (in id order)
    expect(all.map((x) => x.kind).sort()).toEqual(["created", "edited", "edited", "edited", "edited", "edited", "refreshed"]);
    expect(
      all
        .slice(0, 2)
        .map((x) => x.changes[0].field)
        .sort(),
    ).toEqual(["name", "profile.address"]);
    await checkPaging(`/customers/${cu.id}/history`, c.manager.token, { id: byId, first: (i) => i.at, min: 7 });
  });

  it("prospect reviews: newest first, ties on decidedAt", async () => {
    const ps: Json[] = [];
    for (let i = 0; i < 6; i++) ps.push(await newCustomer(t.url, c.rep2.token, { name: `Review ${i}` }));
    for (const p of ps) {
      for (let k = 0; k < 3; k++) {
        const res = await call(t.url, "POST", "/contacts", {
          token: c.rep2.token,
          body: { customerId: p.id, channel: "visit" },
          headers: { "idempotency-key": crypto.randomUUID() },
        });
        expect(res.status).toBe(201);
        t.clock.advance(60_000);
      }
    }
    const decide = async (id: string, body: Json) =>
      expect((await call(t.url, "POST", `/prospects/${id}/review`, { token: c.manager.token, body })).status).toBe(201);
    await decide(ps[0].id, { decision: "continue" });
    await decide(ps[1].id, { decision: "continue" });
    await decide(ps[2].id, { decision: "drop" });
    await decide(ps[3].id, { decision: "reassign", ownerId: c.rep1.id });
    t.clock.advance(60_000);
    await decide(ps[4].id, { decision: "continue" });
    await decide(ps[5].id, { decision: "continue" });
    await checkPaging("/prospects/reviews", c.manager.token, { id: byId, first: (i) => i.decidedAt, min: 6 });
  });

  it("the managers' diary list of a day: by name, ties on the name", async () => {
    const write = await call(t.url, "PUT", "/diary/2026-02-10", { token: c.rep1.token, body: { notes: "visited three" } });
    expect(write.status).toBe(200);
    expect((await call(t.url, "POST", "/diary/2026-02-10/submit", { token: c.rep1.token })).status).toBe(200);
    const all = await checkPaging("/diary?date=2026-02-10", c.manager.token, { id: (i) => i.repId, first: (i) => i.name, min: 7 });
    expect(all.map((x) => x.repId).sort()).toEqual([...reps].sort());
    expect(all.find((x) => x.repId === c.rep1.id)).toMatchObject({ submitted: true, hasText: true });
    await checkPaging("/diary?date=2026-02-09", c.manager.token, { id: (i) => i.repId, first: (i) => i.name, min: 7 });
  });

  it("targets of a month and of a year: by rep name, ties on the name", async () => {
    for (const [i, repId] of reps.entries()) {
      for (const month of i % 3 === 0 ? ["2026-02", "2026-03"] : ["2026-02"]) {
        const res = await call(t.url, "PUT", `/targets/${repId}/${month}`, { token: c.manager.token, body: { amount: 10000 + i } });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
      }
    }
    const month = await checkPaging("/targets?month=2026-02", c.manager.token, {
      id: (i) => `${i.repId}|${i.month}`,
      first: (i) => i.name,
      min: 7,
    });
    expect(month.map((x) => x.repId).sort()).toEqual([...reps].sort());
    const year = await checkPaging("/targets?year=2026", c.manager.token, { id: (i) => i.repId, first: (i) => i.name, min: 7 });
    expect(year.filter((x) => x.months.length === 2).length).toBe(3);
  });

  it("alarms: newest first, ties on raisedAt", async () => {
    t.clock.advance(49 * 3600_000);
    await runJobsOnce(t.server.deps, ["complaint-alarms"]);
    const all = await checkPaging("/alarms", c.manager.token, { id: byId, first: (i) => i.raisedAt, min: 6 });
    expect(all.filter((a) => a.kind === "complaint").length).toBe(6);
    await checkPaging("/alarms?kind=complaint", c.manager.token, { id: byId, first: (i) => i.raisedAt, min: 6 });
  });

  it("customers by name: a cursor after a 200-character Chinese name is one the server accepts", async () => {
    const long = "华".repeat(199);
    for (const end of ["甲", "乙", "丙"]) await newCustomer(t.url, c.manager.token, { name: `${long}${end}`, ownerId: c.rep2.id });
    const walked = await walk(`/customers?q=${encodeURIComponent("华华华")}`, 1, c.manager.token);
    expect(walked.map((x) => x.name.slice(-1))).toEqual(["丙", "乙", "甲"].sort());
  });

  describe("next quarter", () => {
    beforeAll(async () => {
      // Q2, more than 60 days after the actives became active: they are stale and overdue (tier C)
      t.clock.set("2026-04-20T10:00:00+08:00");
      c.manager.token = await loginAs(t.url, c.slug, `mgr@${c.slug}.test`, "manager pass 1");
      c.rep1.token = await loginAs(t.url, c.slug, `rep1@${c.slug}.test`, "rep one pass 1");
    });

    it("stale customers: stalest first, ties on lastRefreshedAt", async () => {
      const all = await checkPaging("/refresh/stale", c.manager.token, {
        id: (i) => i.customerId,
        first: (i) => i.lastRefreshedAt,
        min: 10,
      });
      for (const a of actives) expect(all.some((x) => x.customerId === a.id)).toBe(true);
      await checkPaging("/refresh/stale", c.rep1.token, { id: (i) => i.customerId, first: (i) => i.lastRefreshedAt });
    });

    it("overdue customers: most overdue first, ties on dueAt", async () => {
      const all = await checkPaging("/reps/overdue", c.manager.token, { id: (i) => i.customerId, first: (i) => i.dueAt, min: 6 });
      for (const a of actives) expect(all.some((x) => x.customerId === a.id)).toBe(true);
      await checkPaging("/reps/overdue", c.rep1.token, { id: (i) => i.customerId, first: (i) => i.dueAt, min: 4 });
      await checkPaging(`/reps/${c.rep1.id}/overdue`, c.manager.token, { id: (i) => i.customerId, first: (i) => i.dueAt, min: 4 });
    });
  });
});
