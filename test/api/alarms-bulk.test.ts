import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub } from "../support/club.ts";
import { call, expectErrorShape, expectFieldCodes, startTestServer, type TestServer } from "../support/harness.ts";

// Alarms at size: counts from the server, acknowledging many at once (by level, kind,
// rep or ids) in one transaction, managers only, one club at a time.
let t: TestServer;
let a: Club;
let b: Club;
const MONTH = "2026-03";

type Counts = { total: number; byKind: Record<string, number>; byLevel: Record<string, number> };
const counts = async (c: Club): Promise<Counts> => {
  const res = await call(t.url, "GET", "/alarms/counts", { token: c.manager.token });
  expect(res.status).toBe(200);
  return res.body;
};
const unacked = async (c: Club, query = "") =>
  (await call(t.url, "GET", `/alarms?status=unacknowledged&limit=200${query}`, { token: c.manager.token })).body.items as {
    id: string;
    repId: string;
    level: string | null;
    kind: string;
  }[];

/** Far-off targets on the 15th with no revenue: both reps' pace alarms are raised. */
async function raisePaceAlarms(c: Club) {
  await call(t.url, "PATCH", "/settings", { token: c.admin.token, body: { alarmGraceDays: 0 } });
  for (const rep of [c.rep1, c.rep2]) {
    const res = await call(t.url, "PUT", `/targets/${rep.id}/${MONTH}`, { token: c.manager.token, body: { amount: 100_000 } });
    expect(res.status).toBe(200);
  }
}

beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  a = await makeClub(t.url, "alarms-bulk-a");
  b = await makeClub(t.url, "alarms-bulk-b");
  await raisePaceAlarms(a);
  await raisePaceAlarms(b);
});
afterAll(() => t?.close());

describe("alarm counts and bulk acknowledge", () => {
  it("counts the club's unacknowledged alarms by kind and level, and only the club's", async () => {
    const list = await unacked(a);
    expect(list.length).toBeGreaterThanOrEqual(2);
    const c = await counts(a);
    expect(c.total).toBe(list.length);
    expect(c.byKind.pace).toBe(list.filter((x) => x.kind === "pace").length);
    for (const [level, n] of Object.entries(c.byLevel)) expect(n).toBe(list.filter((x) => x.level === level).length);
    // b's alarms are not a's
    const ids = new Set(list.map((x) => x.id));
    for (const x of await unacked(b)) expect(ids.has(x.id)).toBe(false);
  });

  it("refuses a rep (403) and a bad filter (400 with field codes)", async () => {
    expectErrorShape(await call(t.url, "POST", "/alarms/acknowledge", { token: a.rep1.token, body: { kind: "pace" } }), 403);
    expectErrorShape(await call(t.url, "GET", "/alarms/counts", { token: a.rep1.token }), 403);
    for (const body of [{}, { repId: "not-an-id" }, { ids: [] }, { ids: [a.rep1.id], kind: "pace" }, { level: "20", colour: "red" }]) {
      const res = await call(t.url, "POST", "/alarms/acknowledge", { token: a.manager.token, body });
      expectErrorShape(res, 400);
      expectFieldCodes(res.body.error);
    }
    expect((await counts(a)).total).toBe((await unacked(a)).length);
  });

  it("acknowledges all of a rep, then all of a level, then all of a kind; another club's alarms stay as they were", async () => {
    const bBefore = await counts(b);
    const before = await counts(a);
    const ofRep1 = (await unacked(a, `&repId=${a.rep1.id}`)).length;
    expect(ofRep1).toBeGreaterThan(0);
    const byRep = await call(t.url, "POST", "/alarms/acknowledge", { token: a.manager.token, body: { repId: a.rep1.id } });
    expect(byRep.status).toBe(200);
    expect(byRep.body).toEqual({ acknowledged: ofRep1 });
    expect((await counts(a)).total).toBe(before.total - ofRep1);
    expect(await unacked(a, `&repId=${a.rep1.id}`)).toEqual([]);

    const left = await unacked(a);
    const level = left.find((x) => x.level)?.level as string;
    const ofLevel = left.filter((x) => x.level === level).length;
    const byLevel = await call(t.url, "POST", "/alarms/acknowledge", { token: a.manager.token, body: { level } });
    expect(byLevel.body).toEqual({ acknowledged: ofLevel });
    expect((await counts(a)).byLevel[level]).toBeUndefined();
    // again: nothing left of that level
    expect((await call(t.url, "POST", "/alarms/acknowledge", { token: a.manager.token, body: { level } })).body).toEqual({
      acknowledged: 0,
    });

    const rest = (await counts(a)).byKind.pace ?? 0;
    const byKind = await call(t.url, "POST", "/alarms/acknowledge", { token: a.manager.token, body: { kind: "pace" } });
    expect(byKind.body).toEqual({ acknowledged: rest });
    expect((await counts(a)).byKind.pace).toBeUndefined();
    // Acknowledged, with who and when.
    const all = (await call(t.url, "GET", "/alarms?status=all&limit=200", { token: a.manager.token })).body.items as {
      acknowledgedBy: string | null;
    }[];
    expect(all.every((x) => x.acknowledgedBy === a.manager.id)).toBe(true);

    expect(await counts(b)).toEqual(bBefore);
  });

  it("acknowledges listed ids, and never another club's", async () => {
    const theirs = await unacked(b);
    expect(theirs.length).toBeGreaterThan(0);
    const res = await call(t.url, "POST", "/alarms/acknowledge", { token: a.manager.token, body: { ids: theirs.map((x) => x.id) } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ acknowledged: 0 });
    expect((await counts(b)).total).toBe(theirs.length);
    const own = await call(t.url, "POST", "/alarms/acknowledge", { token: b.manager.token, body: { ids: [theirs[0]!.id] } });
    expect(own.body).toEqual({ acknowledged: 1 });
    expect((await counts(b)).total).toBe(theirs.length - 1);
  });
});
