import { rowsOf, sql } from "@clubhouse/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

// Lists past 200: totals are the real counts, paging reaches every row once, `q`
// finds Chinese and Latin names, and another club's rows never appear or count.
let t: TestServer;
let a: Club;
let b: Club;
const REPS = 230;
const PROSPECTS = 210;

/** As the database's owner, outside the app's door: seeding only. */
async function asOwner<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await t.db.database.db.execute(query));
}

/** `n` reps of a club in one statement: even ones with Chinese names, odd ones Latin. */
async function seedReps(club: Club, n: number, tag: string) {
  await asOwner(sql`
    insert into users (tenant_id, email, name, role, password_hash, created_at)
    select ${club.tenantId}::uuid, 'bulk' || i || '@' || ${tag} || '.test',
      case when i % 2 = 0 then '王小明' || lpad(i::text, 3, '0') else 'Li Ming ' || lpad(i::text, 3, '0') end,
      'rep', (select password_hash from users where id = ${club.rep1.id}::uuid),
      '2026-03-01T00:00:00Z'::timestamptz + i * interval '1 second'
    from generate_series(0, ${n - 1}) i`);
}

/** `n` prospects of a rep, each with `visits` in-person contacts this month. */
async function seedProspects(club: Club, repId: string, n: number, visits: number, tag: string) {
  await asOwner(sql`
    with made as (
      insert into customers (tenant_id, name, kind, status, owner_id, review_count_from, created_at, updated_at, last_refreshed_at)
      select ${club.tenantId}::uuid, ${tag} || lpad(i::text, 4, '0'), 'group', 'prospect', ${repId}::uuid,
        '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
      from generate_series(1, ${n}) i
      returning id
    )
    insert into contacts (tenant_id, rep_id, customer_id, channel, in_person, target, occurred_at, day, month, created_at)
    select ${club.tenantId}::uuid, ${repId}::uuid, made.id, 'visit', true, 'prospect',
      '2026-03-02T02:00:00Z'::timestamptz + v * interval '1 hour', '2026-03-02', '2026-03', '2026-03-02T02:00:00Z'::timestamptz + v * interval '1 hour'
    from made, generate_series(1, ${visits}) v`);
}

/** Every item of a list, page by page with its cursor. */
async function walk(token: string, path: string, limit: number) {
  const items: Json[] = [];
  const totals = new Set<number>();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const res = await call(t.url, "GET", `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, { token });
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    totals.add(res.body.total);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { items, totals: [...totals] };
}

beforeAll(async () => {
  t = await startTestServer();
  a = await makeClub(t.url, "lists-a");
  b = await makeClub(t.url, "lists-b");
  await seedReps(a, REPS, "lists-a");
  await seedReps(b, 7, "lists-b");
  await seedProspects(a, a.rep1.id, PROSPECTS, 3, "待审客户");
  await seedProspects(a, a.rep2.id, 5, 2, "未满三次");
  await seedProspects(b, b.rep1.id, 4, 3, "别家客户");
});
afterAll(() => t?.close());

describe("GET /users past 200", () => {
  it("counts every rep of the club and pages through each exactly once", async () => {
    const [real] = await asOwner<{ n: number }>(
      sql`select count(*)::int as n from users where tenant_id = ${a.tenantId}::uuid and role = 'rep'`,
    );
    expect(real!.n).toBe(REPS + 2);
    const { items, totals } = await walk(a.manager.token, "/users?role=rep", 37);
    expect(totals).toEqual([real!.n]);
    expect(items.length).toBe(real!.n);
    expect(new Set(items.map((u: Json) => u.id)).size).toBe(real!.n);
    // every user, with the club's own count; another club's never
    const all = await walk(a.admin.token, "/users", 200);
    expect(all.totals).toEqual([REPS + 4]);
    expect(all.items.every((u: Json) => !u.email.endsWith("@lists-b.test"))).toBe(true);
  });

  it("finds Chinese and Latin names by a part of them, case-insensitively, with the total matching", async () => {
    const zh = await walk(a.manager.token, `/users?role=rep&q=${encodeURIComponent("小明")}`, 50);
    expect(zh.totals).toEqual([REPS / 2]);
    expect(zh.items.length).toBe(REPS / 2);
    expect(zh.items.every((u: Json) => u.name.includes("小明"))).toBe(true);
    const latin = await walk(a.manager.token, `/users?q=${encodeURIComponent("LI MING 2")}`, 50);
    // Li Ming 201 … 229, odd only
    expect(latin.totals).toEqual([15]);
    expect(latin.items.map((u: Json) => u.name).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => 200 + i)
        .filter((i) => i % 2 === 1)
        .map((i) => `Li Ming ${i}`),
    );
    // one past the 200th, found by its number
    const one = await call(t.url, "GET", "/users?q=%E7%8E%8B%E5%B0%8F%E6%98%8E228", { token: a.manager.token });
    expect(one.body.total).toBe(1);
    expect(one.body.items[0].name).toBe("王小明228");
    // a `%` or `_` is a character, not a wildcard
    expect((await call(t.url, "GET", "/users?q=%25", { token: a.manager.token })).body.total).toBe(0);
  });

  it("a manager finds by e-mail; a rep only by name (they do not see addresses)", async () => {
    const mgr = await call(t.url, "GET", "/users?q=bulk17%40", { token: a.manager.token });
    expect(mgr.body.total).toBe(1);
    const rep = await call(t.url, "GET", "/users?q=bulk17%40", { token: a.rep1.token });
    expect(rep.body.total).toBe(0);
    const repByName = await call(t.url, "GET", "/users?q=Li%20Ming%20017", { token: a.rep1.token });
    expect(repByName.body.total).toBe(1);
    expect(repByName.body.items[0].email).toBeUndefined();
  });

  it("filters enabled or disabled users, and counts them", async () => {
    const some = (await call(t.url, "GET", "/users?role=rep&limit=3", { token: a.manager.token })).body.items;
    await call(t.url, "PATCH", `/users/${some[2].id}`, { token: a.manager.token, body: { disabled: true } });
    const off = await call(t.url, "GET", "/users?role=rep&disabled=true", { token: a.manager.token });
    expect(off.body.total).toBe(1);
    expect(off.body.items.map((u: Json) => u.id)).toEqual([some[2].id]);
    expect((await call(t.url, "GET", "/users?role=rep&disabled=false&limit=1", { token: a.manager.token })).body.total).toBe(REPS + 1);
    await call(t.url, "PATCH", `/users/${some[2].id}`, { token: a.manager.token, body: { disabled: false } });
  });

  it("refuses bad limits, cursors and searches with 400 naming the field", async () => {
    for (const [path, field] of [
      ["/users?limit=0", "limit"],
      ["/users?limit=201", "limit"],
      ["/users?limit=ten", "limit"],
      ["/users?cursor=nope!", "cursor"],
      [`/users?cursor=${Buffer.from(JSON.stringify(["x", 1])).toString("base64url")}`, "cursor"],
      [`/users?q=${"长".repeat(101)}`, "q"],
      ["/users?q=%20%20", "q"],
      ["/users?disabled=maybe", "disabled"],
    ] as const) {
      const res = await call(t.url, "GET", path, { token: a.manager.token });
      expectErrorShape(res, 400, "validation_failed");
      expect(Object.keys(res.body.error.fieldCodes)).toContain(field);
    }
  });
});

describe("GET /prospects/review past 200", () => {
  it("counts every waiting prospect and pages through each exactly once, longest waiting first", async () => {
    const { items, totals } = await walk(a.manager.token, "/prospects/review", 45);
    expect(totals).toEqual([PROSPECTS]);
    expect(items.length).toBe(PROSPECTS);
    expect(new Set(items.map((i: Json) => i.customerId)).size).toBe(PROSPECTS);
    expect(items.every((i: Json) => i.name.startsWith("待审客户") && i.contacts === 3)).toBe(true);
    const waits = items.map((i: Json) => i.lastContactAt);
    expect([...waits].sort()).toEqual(waits);
    // the other club's queue is its own
    const other = await call(t.url, "GET", "/prospects/review", { token: b.manager.token });
    expect(other.body.total).toBe(4);
    expect(other.body.items.every((i: Json) => i.name.startsWith("别家客户"))).toBe(true);
  });

  it("a decision leaves the queue and the count at once", async () => {
    const first = (await call(t.url, "GET", "/prospects/review?limit=1", { token: a.manager.token })).body;
    const res = await call(t.url, "POST", `/prospects/${first.items[0].customerId}/review`, {
      token: a.manager.token,
      body: { decision: "continue" },
    });
    expect(res.status).toBe(201);
    expect((await call(t.url, "GET", "/prospects/review?limit=1", { token: a.manager.token })).body.total).toBe(PROSPECTS - 1);
  });

  it("refuses bad limits and cursors", async () => {
    for (const [path, field] of [
      ["/prospects/review?limit=500", "limit"],
      ["/prospects/review?cursor=AAAA", "cursor"],
    ] as const) {
      const res = await call(t.url, "GET", path, { token: a.manager.token });
      expectErrorShape(res, 400, "validation_failed");
      expect(Object.keys(res.body.error.fieldCodes)).toContain(field);
    }
  });
});

describe("GET /customers: owner names and pages by position", () => {
  it("names each customer's owner, a rep past the 200th too", async () => {
    const late = (await call(t.url, "GET", "/users?q=Li%20Ming%20227", { token: a.manager.token })).body.items[0];
    const made = await newCustomer(t.url, a.manager.token, { name: "晚来的客户", kind: "individual", ownerId: late.id });
    const listed = await call(t.url, "GET", `/customers?ownerId=${late.id}`, { token: a.manager.token });
    expect(listed.body.total).toBe(1);
    expect(listed.body.items[0]).toMatchObject({ id: made.id, ownerId: late.id, ownerName: "Li Ming 227" });
    expect((await call(t.url, "GET", `/customers/${made.id}`, { token: a.manager.token })).body.ownerName).toBe("Li Ming 227");
  });

  it("a page at any offset is that slice of the list walked by cursor, in every order", async () => {
    for (const order of ["sort=name", "sort=name&dir=desc", "sort=owner", "sort=lastContact&dir=desc"]) {
      const walked = await walk(a.manager.token, `/customers?${order}`, 100);
      const total = walked.totals[0]!;
      expect(walked.items.length).toBe(total);
      for (const offset of [0, 100, 199, total - 7]) {
        const res = await call(t.url, "GET", `/customers?${order}&offset=${offset}&limit=10`, { token: a.manager.token });
        expect(res.status).toBe(200);
        expect(res.body.total).toBe(total);
        expect(res.body.items.map((c: Json) => c.id)).toEqual(walked.items.slice(offset, offset + 10).map((c: Json) => c.id));
        // its cursor goes on from there
        if (res.body.nextCursor) {
          const next = await call(t.url, "GET", `/customers?${order}&limit=5&cursor=${res.body.nextCursor}`, { token: a.manager.token });
          expect(next.body.items.map((c: Json) => c.id)).toEqual(walked.items.slice(offset + 10, offset + 15).map((c: Json) => c.id));
        }
      }
    }
  });

  it("names customers by id, only the club's own", async () => {
    const page = (await call(t.url, "GET", "/customers?limit=3", { token: a.manager.token })).body.items;
    const theirs = (await call(t.url, "GET", "/customers?limit=1", { token: b.manager.token })).body.items[0];
    const ids = [...page.map((c: Json) => c.id), theirs.id].join(",");
    const res = await call(t.url, "GET", `/customers?ids=${ids}`, { token: a.manager.token });
    expect(res.body.total).toBe(3);
    expect(res.body.items.map((c: Json) => c.id).sort()).toEqual(page.map((c: Json) => c.id).sort());
  });

  it("refuses an offset with a cursor, a negative offset and bad ids", async () => {
    const first = (await call(t.url, "GET", "/customers?limit=1", { token: a.manager.token })).body;
    for (const [path, field] of [
      [`/customers?offset=5&cursor=${first.nextCursor}`, "offset"],
      ["/customers?offset=-1", "offset"],
      ["/customers?offset=1.5", "offset"],
      ["/customers?ids=abc", "ids"],
    ] as const) {
      const res = await call(t.url, "GET", path, { token: a.manager.token });
      expectErrorShape(res, 400, "validation_failed");
      expect(Object.keys(res.body.error.fieldCodes).join(" ")).toContain(field);
    }
  });
});

describe("month close counts", () => {
  it("counts each outcome of the month, the club's own", async () => {
    await call(t.url, "PUT", `/targets/${a.rep1.id}/2026-02`, { token: a.manager.token, body: { amount: 1000 } });
    await call(t.url, "PUT", `/targets/${a.rep2.id}/2026-02`, { token: a.manager.token, body: { amount: 1000 } });
    const closed = await call(t.url, "POST", "/months/2026-02/close", { token: a.manager.token });
    expect(closed.status).toBe(200);
    const byOutcome = { ok: 0, warning: 0, removal: 0 } as Record<string, number>;
    for (const r of closed.body.results) byOutcome[r.outcome]!++;
    expect(closed.body.counts).toEqual(byOutcome);
    expect(closed.body.counts.removal).toBe(2);
    const read = await call(t.url, "GET", "/months/2026-02/results", { token: a.manager.token });
    expect(read.body.counts).toEqual(byOutcome);
    // a rep counts their own result only; the other club has none
    expect((await call(t.url, "GET", "/months/2026-02/results", { token: a.rep1.token })).body.counts).toEqual({
      ok: 0,
      warning: 0,
      removal: 1,
    });
    expect((await call(t.url, "GET", "/months/2026-02/results", { token: b.manager.token })).body.counts).toEqual({
      ok: 0,
      warning: 0,
      removal: 0,
    });
  });
});
