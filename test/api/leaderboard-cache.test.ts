import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { addUser, call, expectErrorShape, type Json, type Res, startTestServer, type TestServer } from "../support/harness.ts";
import { members, teamOf } from "../support/teams.ts";

// GET /leaderboard serves whole boards from a per-process cache keyed by the club's
// data generation: these tests read a board (so it is cached), change what it shows
// through the API, and read again. Were a write not to move the generation on, the
// second read would be the cached first one.
//
// The clock: 23:30 on 31 May in UTC, which is already 07:30 on 1 June in Shanghai
// (every club's default time zone), so "now" is 2026-06 unless a test says otherwise.
const NOW = "2026-05-31T23:30:00Z";
const JUNE_MORNING = "2026-06-01T07:00:00+08:00";

let t: TestServer;
let c: Club;
let other: Club;
const customers: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestServer({}, NOW);
  c = await makeClub(t.url, "lbc");
  other = await makeClub(t.url, "lbc-other");
  customers.rep1 = (await newCustomer(t.url, c.manager.token, { name: "One Co", ownerId: c.rep1.id, status: "active" })).id;
  customers.rep2 = (await newCustomer(t.url, c.manager.token, { name: "Two Co", ownerId: c.rep2.id, status: "active" })).id;
  await addRevenue(t.url, c.manager.token, { customerId: customers.rep1, amount: 1000, occurredAt: JUNE_MORNING });
  await addRevenue(t.url, c.manager.token, { customerId: customers.rep2, amount: 400, occurredAt: JUNE_MORNING });
  const theirs = (await newCustomer(t.url, other.manager.token, { name: "Other Co", ownerId: other.rep1.id, status: "active" })).id;
  await addRevenue(t.url, other.manager.token, { customerId: theirs, amount: 7777, occurredAt: JUNE_MORNING });
});
afterAll(() => t?.close());

/** A whole board with its ETag; always a 200. */
async function read(q = "", token = c.manager.token, headers: Record<string, string> = {}) {
  const res = await call(t.url, "GET", `/leaderboard${q}`, { token, headers });
  if (res.status !== 200) throw new Error(`board: ${res.status} ${JSON.stringify(res.body)}`);
  const etag = res.headers.get("etag");
  expect(etag).toMatch(/^"[^"]+"$/);
  return { body: res.body as Json, etag: etag as string };
}
const rowOf = (board: Json, repId: string) => board.rows.find((r: Json) => r.repId === repId) as Json;
const repIds = (board: Json) => board.rows.map((r: Json) => r.repId).sort();

/** A raw HTTP GET (fetch would ask for and undo compression itself). */
function rawGet(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.url}/api/v1${path}`, { method: "GET", headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("ETag and If-None-Match", () => {
  it("two reads of one board give one ETag; If-None-Match with it is a 304 with no body, another is a 200", async () => {
    const first = await read();
    const second = await read();
    expect(second.etag).toBe(first.etag);
    expect(second.body).toEqual(first.body);
    expect(first.body).toMatchObject({ period: "month", at: "2026-06", from: "2026-06", to: "2026-06", nextCursor: null });

    const res = await fetch(`${t.url}/api/v1/leaderboard`, {
      headers: { authorization: `Bearer ${c.manager.token}`, "if-none-match": first.etag },
    });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe("");
    expect(res.headers.get("etag")).toBe(first.etag);
    expect(res.headers.get("cache-control")).toBe("private, no-cache");

    // in a list, or weak: still a match
    const listed = await call(t.url, "GET", "/leaderboard", {
      token: c.manager.token,
      headers: { "if-none-match": `"nope", W/${first.etag}` },
    });
    expect(listed.status).toBe(304);

    for (const stale of ['"not-this-one"', `${first.etag.slice(0, -1)}x"`, first.etag.slice(1, -1)]) {
      const again = await call(t.url, "GET", "/leaderboard", { token: c.manager.token, headers: { "if-none-match": stale } });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get("etag")).toBe(first.etag);
    }
  });

  it("each board (period, month) has its own ETag; a 304 is only for the board asked for", async () => {
    const month = await read("?period=month&at=2026-06");
    const quarter = await read("?period=quarter&at=2026-06");
    const may = await read("?period=month&at=2026-05");
    expect(new Set([month.etag, quarter.etag, may.etag]).size).toBe(3);
    const res = await call(t.url, "GET", "/leaderboard?period=quarter&at=2026-06", {
      token: c.manager.token,
      headers: { "if-none-match": month.etag },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(quarter.body);
    // "now" and the month it resolves to are one board
    expect((await read()).etag).toBe(month.etag);
  });

  it("a stale ETag is a 200 with the new board once the data changed", async () => {
    const before = await read();
    await addRevenue(t.url, c.manager.token, { customerId: customers.rep2, amount: 1, occurredAt: JUNE_MORNING });
    const res = await call(t.url, "GET", "/leaderboard", { token: c.manager.token, headers: { "if-none-match": before.etag } });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).not.toBe(before.etag);
    expect(rowOf(res.body, c.rep2.id).revenue).toBe(rowOf(before.body, c.rep2.id).revenue + 1);
  });

  it("the cache is real: a change made behind the server's back stays unseen until a write moves the generation", async () => {
    // (This is what makes the read-your-writes tests below mean something.)
    const k = await makeClub(t.url, "lbc-behind");
    const before = await read("", k.manager.token);
    await t.db.database.db.execute(sql`update users set name = 'Behind The Back' where id = ${k.rep1.id}`);
    const cached = await read("", k.manager.token);
    expect(cached.etag).toBe(before.etag);
    expect(rowOf(cached.body, k.rep1.id).name).toBe("rep1");
    // any write to the club's boards moves the generation: the next read recomputes
    await call(t.url, "PATCH", `/users/${k.rep2.id}`, { token: k.manager.token, body: { name: "Second" } });
    const fresh = await read("", k.manager.token);
    expect(fresh.etag).not.toBe(before.etag);
    expect(rowOf(fresh.body, k.rep1.id).name).toBe("Behind The Back");
  });
});

describe("read your writes: a board read after a write's answer shows it", () => {
  it("revenue (on the current month's board, an explicit month and the quarter)", async () => {
    const now = await read();
    const june = await read("?at=2026-06");
    const q2 = await read("?period=quarter&at=2026-05");
    const res = await call(t.url, "POST", "/revenue", {
      token: c.manager.token,
      body: { customerId: customers.rep1, amount: 2345.5, occurredAt: JUNE_MORNING, businessLine: "membership" },
    });
    expect(res.status).toBe(201);
    for (const [q, before] of [
      ["", now],
      ["?at=2026-06", june],
      ["?period=quarter&at=2026-05", q2],
    ] as const) {
      const after = await read(q);
      expect(after.etag).not.toBe(before.etag);
      expect(rowOf(after.body, c.rep1.id).revenue).toBe(rowOf(before.body, c.rep1.id).revenue + 2345.5);
    }
  });

  it("a reversal", async () => {
    const entry = await addRevenue(t.url, c.manager.token, { customerId: customers.rep2, amount: 50, occurredAt: JUNE_MORNING });
    const before = await read();
    const res = await call(t.url, "POST", `/revenue/${entry.id}/reverse`, { token: c.manager.token, body: { reason: "typed twice" } });
    expect(res.status).toBe(201);
    const after = await read();
    expect(after.etag).not.toBe(before.etag);
    expect(rowOf(after.body, c.rep2.id).revenue).toBe(rowOf(before.body, c.rep2.id).revenue - 50);
  });

  it("a target", async () => {
    const before = await read();
    expect(rowOf(before.body, c.rep1.id).target).toBeNull();
    const res = await call(t.url, "PUT", `/targets/${c.rep1.id}/2026-06`, { token: c.manager.token, body: { amount: 8000 } });
    expect(res.status).toBe(200);
    const after = await read();
    expect(after.etag).not.toBe(before.etag);
    const row = rowOf(after.body, c.rep1.id);
    expect(row.target).toBe(8000);
    expect(row.attainment).toBeCloseTo(row.revenue / 8000, 6);
  });

  it("a contact", async () => {
    const before = await read();
    const was = rowOf(before.body, c.rep1.id).contacts;
    const res = await call(t.url, "POST", "/contacts", {
      token: c.rep1.token,
      body: { customerId: customers.rep1, channel: "visit" },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expect(res.status).toBe(201);
    const after = await read();
    expect(after.etag).not.toBe(before.etag);
    expect(rowOf(after.body, c.rep1.id).contacts).toEqual({
      ...was,
      inPerson: was.inPerson + 1,
      existing: was.existing + 1,
      visits: was.visits + 1,
    });
  });

  it("a contact replayed with its Idempotency-Key counts once", async () => {
    const key = crypto.randomUUID();
    const body = { customerId: customers.rep2, channel: "demo" };
    const headers = { "idempotency-key": key };
    expect((await call(t.url, "POST", "/contacts", { token: c.rep2.token, body, headers })).status).toBe(201);
    const once = await read();
    const replay = await call(t.url, "POST", "/contacts", { token: c.rep2.token, body, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const after = await read();
    expect(after.etag).toBe(once.etag);
    expect(rowOf(after.body, c.rep2.id).contacts).toEqual(rowOf(once.body, c.rep2.id).contacts);
  });

  it("renaming a rep", async () => {
    const before = await read();
    expect(rowOf(before.body, c.rep2.id).name).toBe("rep2");
    const res = await call(t.url, "PATCH", `/users/${c.rep2.id}`, { token: c.manager.token, body: { name: "Rep Two Renamed" } });
    expect(res.status).toBe(200);
    const after = await read();
    expect(after.etag).not.toBe(before.etag);
    expect(rowOf(after.body, c.rep2.id).name).toBe("Rep Two Renamed");
  });

  it("adding a rep", async () => {
    const before = await read();
    const added = await addUser(t.url, c.manager.token, "rep", "newbie@lbc.test");
    const after = await read();
    expect(after.etag).not.toBe(before.etag);
    expect(repIds(after.body)).toEqual([...repIds(before.body), added.id].sort());
    expect(rowOf(after.body, added.id)).toMatchObject({ name: "newbie", revenue: 0, target: null });
  });

  it("disabling a rep with no revenue and no target (gone), and one with revenue (stays)", async () => {
    const idle = await addUser(t.url, c.manager.token, "rep", "idle@lbc.test");
    const before = await read();
    expect(rowOf(before.body, idle.id)).toBeDefined();
    expect((await call(t.url, "PATCH", `/users/${idle.id}`, { token: c.manager.token, body: { disabled: true } })).status).toBe(200);
    const after = await read();
    expect(after.etag).not.toBe(before.etag);
    expect(rowOf(after.body, idle.id)).toBeUndefined();
    expect(after.body.rows).toHaveLength(before.body.rows.length - 1);

    // enabling again brings them back
    expect((await call(t.url, "PATCH", `/users/${idle.id}`, { token: c.manager.token, body: { disabled: false } })).status).toBe(200);
    expect(rowOf((await read()).body, idle.id)).toBeDefined();

    // a rep who sold this month stays on its board when disabled (and leaves next month's)
    const seller = await addUser(t.url, c.manager.token, "rep", "seller@lbc.test");
    const customer = (await newCustomer(t.url, c.manager.token, { name: "Seller Co", ownerId: seller.id, status: "active" })).id;
    await addRevenue(t.url, c.manager.token, { customerId: customer, amount: 10, occurredAt: JUNE_MORNING });
    const july = await read("?at=2026-07");
    expect(rowOf(july.body, seller.id)).toBeDefined();
    expect((await call(t.url, "PATCH", `/users/${seller.id}`, { token: c.manager.token, body: { disabled: true } })).status).toBe(200);
    expect(rowOf((await read()).body, seller.id)).toMatchObject({ revenue: 10 });
    expect(rowOf((await read("?at=2026-07")).body, seller.id)).toBeUndefined();
  });

  it("making a rep a manager (gone from the boards)", async () => {
    const promoted = await addUser(t.url, c.admin.token, "rep", "promoted@lbc.test");
    const before = await read();
    expect(rowOf(before.body, promoted.id)).toBeDefined();
    expect((await call(t.url, "PATCH", `/users/${promoted.id}`, { token: c.admin.token, body: { role: "manager" } })).status).toBe(200);
    const after = await read();
    expect(after.etag).not.toBe(before.etag);
    expect(rowOf(after.body, promoted.id)).toBeUndefined();
  });

  it("changing the club's time zone: 'now' is the month of the new zone at once", async () => {
    const k = await makeClub(t.url, "lbc-tz");
    const before = await read("", k.manager.token);
    expect(before.body).toMatchObject({ at: "2026-06", from: "2026-06", to: "2026-06" });
    const quarterBefore = await read("?period=quarter", k.manager.token);
    expect(quarterBefore.body).toMatchObject({ at: "2026-06", from: "2026-04", to: "2026-06" });

    // 23:30 UTC on 31 May is 19:30 on 31 May in New York
    const res = await call(t.url, "PATCH", "/settings", { token: k.admin.token, body: { timezone: "America/New_York" } });
    expect(res.status).toBe(200);
    const after = await read("", k.manager.token);
    expect(after.body).toMatchObject({ at: "2026-05", from: "2026-05", to: "2026-05" });
    expect(after.etag).not.toBe(before.etag);
    // an explicit month is unaffected, and 2026-06 is still 2026-06
    expect((await read("?at=2026-06", k.manager.token)).body.at).toBe("2026-06");
    // and back: 'now' is June again
    expect((await call(t.url, "PATCH", "/settings", { token: k.admin.token, body: { timezone: "Asia/Shanghai" } })).status).toBe(200);
    expect((await read("", k.manager.token)).body.at).toBe("2026-06");
  });

  it("the month turning over (no write at all): 'now' is the new month", async () => {
    const k = await makeClub(t.url, "lbc-turn");
    try {
      t.clock.set("2026-05-31T23:30:00+08:00");
      const may = await read("", k.manager.token);
      expect(may.body.at).toBe("2026-05");
      expect((await read("", k.manager.token)).etag).toBe(may.etag);
      t.clock.set("2026-06-01T00:00:01+08:00");
      const june = await read("", k.manager.token);
      expect(june.body).toMatchObject({ at: "2026-06", from: "2026-06", to: "2026-06" });
      expect(june.etag).not.toBe(may.etag);
      // the year board too: 2026 both times, but now with June's "at"
      t.clock.set("2026-05-31T23:30:00+08:00");
      expect((await read("?period=year", k.manager.token)).body.at).toBe("2026-05");
      t.clock.set("2026-06-01T00:00:01+08:00");
      expect((await read("?period=year", k.manager.token)).body.at).toBe("2026-06");
    } finally {
      t.clock.set(NOW);
    }
  });
});

describe("gzip", () => {
  const auth = () => ({ authorization: `Bearer ${c.manager.token}` });

  it("gzip when the client takes it: the same JSON and headers, an ETag of its own; a 304 too", async () => {
    const plain = await rawGet("/leaderboard", auth());
    expect(plain.status).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers["content-type"]).toMatch(/^application\/json/);
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    const json = JSON.parse(plain.body.toString("utf8"));
    expect(json.rows.length).toBeGreaterThan(0);

    for (const ae of ["gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.5", "*", "GZIP"]) {
      const zipped = await rawGet("/leaderboard", { ...auth(), "accept-encoding": ae });
      expect(zipped.status, ae).toBe(200);
      expect(zipped.headers["content-encoding"], ae).toBe("gzip");
      expect(zipped.headers.vary, ae).toMatch(/accept-encoding/i);
      expect(zipped.headers["content-type"], ae).toMatch(/^application\/json/);
      // one strong tag per representation (RFC 9110 §8.8.3): the gzip body's differs from the plain one's
      expect(zipped.headers.etag, ae).not.toBe(plain.headers.etag);
      expect(zipped.headers.etag, ae).toBe(String(plain.headers.etag).replace(/"$/, '-gz"'));
      expect(JSON.parse(gunzipSync(zipped.body).toString("utf8")), ae).toEqual(json);
    }

    const zippedTag = String((await rawGet("/leaderboard", { ...auth(), "accept-encoding": "gzip" })).headers.etag);
    const notModified = await rawGet("/leaderboard", { ...auth(), "accept-encoding": "gzip", "if-none-match": zippedTag });
    expect(notModified.status).toBe(304);
    expect(notModified.body.byteLength).toBe(0);
    // the plain body's tag does not validate the gzip one, nor the other way round
    expect(
      (await rawGet("/leaderboard", { ...auth(), "accept-encoding": "gzip", "if-none-match": String(plain.headers.etag) })).status,
    ).toBe(200);
    expect((await rawGet("/leaderboard", { ...auth(), "if-none-match": zippedTag })).status).toBe(200);
    expect((await rawGet("/leaderboard", { ...auth(), "if-none-match": "*" })).status).toBe(304);
  });

  it("every period's whole board: the gzip body decodes to exactly the plain bytes, is the same cached bytes each time, and keeps its ETag", async () => {
    for (const q of ["?period=month", "?period=quarter", "?period=year", "?period=year&at=2026-03"]) {
      const plain = await rawGet(`/leaderboard${q}`, auth());
      expect(plain.status, q).toBe(200);
      const first = await rawGet(`/leaderboard${q}`, { ...auth(), "accept-encoding": "gzip" });
      const second = await rawGet(`/leaderboard${q}`, { ...auth(), "accept-encoding": "gzip" });
      expect(first.headers["content-encoding"], q).toBe("gzip");
      // byte for byte the plain answer, not merely the same JSON
      expect(gunzipSync(first.body).equals(plain.body), q).toBe(true);
      // compressed once per cached board: a second read sends the very same bytes under the same tag
      expect(second.body.equals(first.body), q).toBe(true);
      expect(second.headers.etag, q).toBe(first.headers.etag);
      expect(first.headers.etag, q).toBe(String(plain.headers.etag).replace(/"$/, '-gz"'));
      const notModified = await rawGet(`/leaderboard${q}`, {
        ...auth(),
        "accept-encoding": "gzip",
        "if-none-match": String(first.headers.etag),
      });
      expect(notModified.status, q).toBe(304);
      expect(notModified.headers.etag, q).toBe(first.headers.etag);
      expect(notModified.body.byteLength, q).toBe(0);
    }
    // a write moves the year board on: a new gzip body and tag, still exactly the new plain bytes
    const before = await rawGet("/leaderboard?period=year", { ...auth(), "accept-encoding": "gzip" });
    await addRevenue(t.url, c.manager.token, { customerId: customers.rep2, amount: 5, occurredAt: JUNE_MORNING });
    const after = await rawGet("/leaderboard?period=year", { ...auth(), "accept-encoding": "gzip" });
    expect(after.headers.etag).not.toBe(before.headers.etag);
    expect(
      (await rawGet("/leaderboard?period=year", { ...auth(), "accept-encoding": "gzip", "if-none-match": String(before.headers.etag) }))
        .status,
    ).toBe(200);
    const plainAfter = await rawGet("/leaderboard?period=year", auth());
    expect(gunzipSync(after.body).equals(plainAfter.body)).toBe(true);
    expect(rowOf(JSON.parse(plainAfter.body.toString("utf8")), c.rep2.id).revenue).toBe(
      rowOf(JSON.parse(gunzipSync(before.body).toString("utf8")), c.rep2.id).revenue + 5,
    );
  });

  it("the team race: cached with its ETag and gzip (exactly the plain bytes), and a team's name or members move it on", async () => {
    const team = await teamOf(t.url, c.manager.token, { name: "Gzip Team" });
    await members(t.url, c.manager.token, team.id, { add: [c.rep1.id] });
    for (const q of ["?period=month", "?period=year"]) {
      const plain = await rawGet(`/leaderboard/teams${q}`, auth());
      expect(plain.status, q).toBe(200);
      expect(plain.headers.etag, q).toMatch(/^"[^"]+"$/);
      const zipped = await rawGet(`/leaderboard/teams${q}`, { ...auth(), "accept-encoding": "gzip" });
      expect(zipped.headers["content-encoding"], q).toBe("gzip");
      expect(gunzipSync(zipped.body).equals(plain.body), q).toBe(true);
      expect(zipped.headers.etag, q).toBe(String(plain.headers.etag).replace(/"$/, '-gz"'));
      const revalidated = await rawGet(`/leaderboard/teams${q}`, { ...auth(), "if-none-match": String(plain.headers.etag) });
      expect(revalidated.status, q).toBe(304);
    }
    const race = async () => JSON.parse((await rawGet("/leaderboard/teams?period=month", auth())).body.toString("utf8"));
    const before = await race();
    expect(before.rows.find((r: Json) => r.teamId === team.id)).toMatchObject({ name: "Gzip Team", reps: 1 });
    expect((await call(t.url, "PATCH", `/teams/${team.id}`, { token: c.manager.token, body: { name: "Renamed Team" } })).status).toBe(200);
    expect((await race()).rows.find((r: Json) => r.teamId === team.id)).toMatchObject({ name: "Renamed Team", reps: 1 });
    await members(t.url, c.manager.token, team.id, { add: [c.rep2.id] });
    expect((await race()).rows.find((r: Json) => r.teamId === team.id)).toMatchObject({ reps: 2 });
    // another club's race never shows this club's team
    const theirs = JSON.parse(
      (await rawGet("/leaderboard/teams?period=month", { authorization: `Bearer ${other.manager.token}` })).body.toString("utf8"),
    );
    expect(theirs.rows.map((r: Json) => r.teamId)).not.toContain(team.id);
  });

  it("no gzip when refused or not offered", async () => {
    const plain = JSON.parse((await rawGet("/leaderboard", auth())).body.toString("utf8"));
    for (const ae of ["gzip;q=0", "gzip; q=0", "gzip;q=0.000", "identity", "br, deflate", "*;q=0", "x-gzip-ish"]) {
      const res = await rawGet("/leaderboard", { ...auth(), "accept-encoding": ae });
      expect(res.status, ae).toBe(200);
      expect(res.headers["content-encoding"], ae).toBeUndefined();
      expect(JSON.parse(res.body.toString("utf8")), ae).toEqual(plain);
    }
  });

  it("gzip still follows the data: a write, then a gzip read, shows it", async () => {
    const before = JSON.parse(gunzipSync((await rawGet("/leaderboard", { ...auth(), "accept-encoding": "gzip" })).body).toString());
    await addRevenue(t.url, c.manager.token, { customerId: customers.rep1, amount: 3, occurredAt: JUNE_MORNING });
    const after = JSON.parse(gunzipSync((await rawGet("/leaderboard", { ...auth(), "accept-encoding": "gzip" })).body).toString());
    expect(rowOf(after, c.rep1.id).revenue).toBe(rowOf(before, c.rep1.id).revenue + 3);
  });
});

describe("paging by rank", () => {
  let k: Club;
  beforeAll(async () => {
    k = await makeClub(t.url, "lbc-pages");
    const reps = [k.rep1.id, k.rep2.id];
    for (const name of ["carol", "dave", "erin"]) reps.push((await addUser(t.url, k.manager.token, "rep", `${name}@lbc-pages.test`)).id);
    for (const [i, repId] of reps.entries()) {
      if (i === 4) continue; // one rep at 0
      const customer = (await newCustomer(t.url, k.manager.token, { name: `P${i}`, ownerId: repId, status: "active" })).id;
      await addRevenue(t.url, k.manager.token, { customerId: customer, amount: 100 * (i + 1), occurredAt: JUNE_MORNING });
    }
  });

  const page = async (q: string): Promise<Res<Json>> => call(t.url, "GET", `/leaderboard${q}`, { token: k.manager.token });

  it("limit=2 walks the whole board through nextCursor, in rank order", async () => {
    const whole = (await read("", k.manager.token)).body;
    expect(whole.rows).toHaveLength(5);
    const rows: Json[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Res<Json> = await page(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("etag")).toBeNull();
      expect(res.body).toMatchObject({ period: "month", at: "2026-06", from: "2026-06", to: "2026-06" });
      expect(res.body.rows.length).toBeLessThanOrEqual(2);
      rows.push(...res.body.rows);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(rows).toEqual(whole.rows);
    expect(rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.map((r) => r.revenue)).toEqual([400, 300, 200, 100, 0]);
  });

  it("pages follow writes too; an exact last page has no next cursor; cursor alone pages by 50", async () => {
    const first = await page("?limit=5");
    expect(first.body.rows).toHaveLength(5);
    expect(first.body.nextCursor).toBeNull();
    const top = await page("?limit=1");
    const second = await page(`?cursor=${top.body.nextCursor}`);
    expect(second.body.rows.map((r: Json) => r.rank)).toEqual([2, 3, 4, 5]);
    expect(second.body.nextCursor).toBeNull();
    const at = await page("?limit=1000&period=quarter&at=2026-04");
    expect(at.status).toBe(200);
    expect(at.body).toMatchObject({ period: "quarter", from: "2026-04", to: "2026-06", nextCursor: null });

    const bottom = first.body.rows[4];
    const customer = (await newCustomer(t.url, k.manager.token, { name: "Late", ownerId: bottom.repId, status: "active" })).id;
    await addRevenue(t.url, k.manager.token, { customerId: customer, amount: 1000, occurredAt: JUNE_MORNING });
    const leader = await page("?limit=1");
    expect(leader.body.rows).toEqual([expect.objectContaining({ rank: 1, repId: bottom.repId, revenue: 1000 })]);
  });

  it("bad paging is a 400 naming the field", async () => {
    for (const [q, field] of [
      ["?limit=0", "limit"],
      ["?limit=1001", "limit"],
      ["?limit=-1", "limit"],
      ["?limit=1.5", "limit"],
      ["?limit=two", "limit"],
      ["?cursor=garbage", "cursor"],
      ["?limit=2&cursor=garbage", "cursor"],
      [`?cursor=${Buffer.from('["x"]').toString("base64url")}`, "cursor"],
      [`?cursor=${Buffer.from("[-2]").toString("base64url")}`, "cursor"],
      [`?cursor=${Buffer.from("[1.5]").toString("base64url")}`, "cursor"],
      [`?cursor=${Buffer.from("[1,2]").toString("base64url")}`, "cursor"],
      [`?cursor=${"a".repeat(101)}`, "cursor"],
    ] as const) {
      const res = await page(q);
      expectErrorShape(res, 400, "validation_failed");
      expect(Object.keys(res.body.error.fields), q).toEqual([field]);
    }
  });
});

describe("isolation", () => {
  it("club A's cached board is never served to club B", async () => {
    const mine = [c.rep1.id, c.rep2.id];
    const theirs = [other.rep1.id, other.rep2.id];
    for (const q of ["", "?at=2026-06", "?period=quarter", "?period=year&at=2026-06"]) {
      const a = await read(q, c.manager.token);
      const b = await read(q, other.manager.token);
      const bRep = await read(q, other.rep2.token);
      expect(a.body.rows.map((r: Json) => r.repId)).toEqual(expect.arrayContaining(mine));
      expect(repIds(b.body), q).toEqual([...theirs].sort());
      expect(bRep.body, q).toEqual(b.body);
      expect(b.etag, q).not.toBe(a.etag);
      expect(rowOf(b.body, other.rep1.id).revenue, q).toBe(7777);
      for (const id of mine) expect(rowOf(b.body, id), q).toBeUndefined();
      // A's ETag means nothing to B: a full answer, B's own
      const res = await call(t.url, "GET", `/leaderboard${q}`, { token: other.rep1.token, headers: { "if-none-match": a.etag } });
      expect(res.status, q).toBe(200);
      expect(res.body, q).toEqual(b.body);
    }
  });

  it("two clubs with identical histories (so equal generation counters) still get their own boards", async () => {
    const twinA = await makeClub(t.url, "lbc-twin-a");
    const twinB = await makeClub(t.url, "lbc-twin-b");
    for (const q of ["", "?period=quarter", "?at=2026-06", "?period=year&at=2026-01"]) {
      const aBoard = await read(q, twinA.manager.token);
      const bBoard = await read(q, twinB.rep1.token);
      expect(repIds(aBoard.body), q).toEqual([twinA.rep1.id, twinA.rep2.id].sort());
      expect(repIds(bBoard.body), q).toEqual([twinB.rep1.id, twinB.rep2.id].sort());
      expect(bBoard.etag, q).not.toBe(aBoard.etag);
      const page = await call(t.url, "GET", `/leaderboard${q}${q ? "&" : "?"}limit=1`, { token: twinB.manager.token });
      expect([twinB.rep1.id, twinB.rep2.id], q).toContain(page.body.rows[0].repId);
    }
  });

  it("pages come from the asker's club only", async () => {
    expect((await call(t.url, "GET", "/leaderboard?limit=1000", { token: c.manager.token })).status).toBe(200);
    const res = await call(t.url, "GET", "/leaderboard?limit=1000", { token: other.rep1.token });
    expect(res.status).toBe(200);
    expect(res.body.rows.map((r: Json) => r.repId).sort()).toEqual([other.rep1.id, other.rep2.id].sort());
  });

  it("a write in club A does not change club B's board or ETag", async () => {
    const b = await read("", other.manager.token);
    await addRevenue(t.url, c.manager.token, { customerId: customers.rep1, amount: 9, occurredAt: JUNE_MORNING });
    const again = await read("", other.manager.token);
    expect(again.body).toEqual(b.body);
    expect(again.etag).toBe(b.etag);
  });
});
