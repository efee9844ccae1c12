/**
 * Writes that arrive together go to the database together (server/src/writes/batcher.ts).
 * Calling the services in one tick makes the groups certain: on PostgreSQL the first two
 * requests start alone (two groups may be under way), every later one waits and joins a
 * group; on PGlite all of them go in one group (gathered over a turn of the event loop).
 * Each request must still be answered exactly as if it had been alone.
 */
import type { Tx } from "@clubhouse/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logContact, verifyContactCounters } from "../../server/src/contacts/service.ts";
import type { Actor, ServiceContext } from "../../server/src/deps.ts";
import { DomainError } from "../../server/src/errors.ts";
import { statusOf } from "../../server/src/http/errors.ts";
import { verifyTotals } from "../../server/src/revenue/ledger.ts";
import { recordRevenue } from "../../server/src/revenue/service.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let c: Club;
let other: Club;
let mine: Json;
let theirs: Json;
let prospect: Json;
let dropped: Json;
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "groups");
  other = await makeClub(t.url, "groups-other");
  mine = await newCustomer(t.url, c.rep1.token, { name: "Mine Co", status: "active" });
  theirs = await newCustomer(t.url, c.rep2.token, { name: "Theirs Co", status: "active" });
  prospect = await newCustomer(t.url, c.rep1.token, { name: "Maybe Co", status: "prospect" });
  dropped = await newCustomer(t.url, c.rep1.token, { name: "Gone Co", status: "prospect" });
  const drop = await call(t.url, "PATCH", `/customers/${dropped.id}`, { token: c.manager.token, body: { status: "dropped" } });
  expect(drop.status).toBe(200);
});
afterAll(() => t?.close());

const ctx = (club: Club, who: "rep1" | "rep2" | "manager"): ServiceContext => ({
  deps: t.server.deps,
  tenantId: club.tenantId,
  actor: { kind: "user", id: club[who].id, role: who === "manager" ? "manager" : "rep" } as Actor,
});
/** A request's answer: "ok", or the HTTP status the edge gives its domain error. */
const status = (r: PromiseSettledResult<unknown>) =>
  r.status === "fulfilled" ? "ok" : r.reason instanceof DomainError ? statusOf(r.reason) : (r.reason as Error).name;
const inTx = <T>(fn: (tx: Tx) => Promise<T>) => t.db.database.db.transaction((tx) => fn(tx as unknown as Tx));

describe("revenue written in groups", () => {
  it("answers every request of a group as if it were alone: stored, refused, replayed", async () => {
    const at = "2026-03-14T12:00:00+08:00";
    const sale = (amount: number, extra: Record<string, unknown> = {}) => ({
      customerId: mine.id,
      amount,
      businessLine: "spa",
      occurredAt: at,
      ...extra,
    });
    const calls = [
      recordRevenue(ctx(c, "rep1"), sale(100)), // 0 ok
      recordRevenue(ctx(c, "rep2"), { ...sale(50), customerId: theirs.id }), // 1 ok
      recordRevenue(ctx(c, "rep1"), sale(10, { businessLine: "casino" })), // 2 unknown line → 400
      recordRevenue(ctx(c, "rep1"), { ...sale(10), customerId: theirs.id }), // 3 not their customer → 404
      recordRevenue(ctx(c, "rep1"), sale(10, { repId: c.rep2.id })), // 4 credit another rep → 403
      recordRevenue(ctx(c, "manager"), sale(70)), // 5 manager: credited to the owner → ok
      recordRevenue(ctx(c, "rep1"), sale(33), "key-a"), // 6 ok, key stored
      recordRevenue(ctx(c, "rep1"), sale(33), "key-a"), // 7 the same request again → replay of 6
      recordRevenue(ctx(c, "rep1"), sale(44), "key-b"), // 8 ok
      recordRevenue(ctx(c, "rep1"), sale(45), "key-b"), // 9 same key, other body → 409
      recordRevenue(ctx(c, "rep1"), sale(5, { businessLine: "casino" }), "key-c"), // 10 refused → key given up
      recordRevenue(ctx(c, "rep2"), sale(33), "key-a"), // 11 another user's key-a is another key → 404 (not theirs)
      recordRevenue(ctx(other, "rep1"), { ...sale(1), customerId: mine.id }), // 12 another club's customer → 404
    ];
    const out = await Promise.allSettled(calls);
    expect(out.map(status)).toEqual(["ok", "ok", 400, 404, 403, "ok", "ok", "ok", "ok", 409, 400, 404, 404]);
    const value = (i: number) => (out[i] as PromiseFulfilledResult<Awaited<(typeof calls)[number]>>).value;
    expect(value(0)).toMatchObject({ replayed: false, body: { amount: 100, repId: c.rep1.id, customerId: mine.id, month: "2026-03" } });
    expect(value(5).body).toMatchObject({ amount: 70, repId: c.rep1.id, createdBy: c.manager.id });
    expect(value(7)).toEqual({ status: 201, replayed: true, body: value(6).body });
    const ids = [0, 1, 5, 6, 8].map((i) => value(i).body.id);
    expect(new Set(ids).size).toBe(5);

    // the refused request's key is free again: a corrected retry is stored, not a conflict
    const retry = await recordRevenue(ctx(c, "rep1"), sale(5), "key-c");
    expect(retry).toMatchObject({ replayed: false, body: { amount: 5 } });

    // exactly those entries, once each; totals agree with the ledger
    const ledger = await call(t.url, "GET", `/revenue?customerId=${mine.id}&limit=100`, { token: c.manager.token });
    expect(ledger.body.items.map((e: Json) => e.amount).sort((a: number, b: number) => a - b)).toEqual([5, 33, 44, 70, 100]);
    expect(await inTx((tx) => verifyTotals(tx))).toEqual({ customers: [], reps: [] });
    const board = await call(t.url, "GET", "/leaderboard?period=month&month=2026-03", { token: c.manager.token });
    const rows = board.body.rows as Json[];
    expect(rows.find((r) => r.repId === c.rep1.id)?.revenue).toBe(100 + 70 + 33 + 44 + 5);
    expect(rows.find((r) => r.repId === c.rep2.id)?.revenue).toBe(50);
  });

  it("a group that fails as a whole is tried again request by request: only the culprit fails, nothing twice", async () => {
    const before = (await call(t.url, "GET", `/revenue?customerId=${theirs.id}&limit=100`, { token: c.manager.token })).body.items.length;
    const at = "2026-03-14T13:00:00+08:00";
    const good = (amount: number) => ({ customerId: theirs.id, amount, businessLine: "spa", occurredAt: at });
    const out = await Promise.allSettled([
      recordRevenue(ctx(c, "rep2"), good(1)),
      recordRevenue(ctx(c, "rep2"), good(2)),
      recordRevenue(ctx(c, "rep2"), good(3)),
      // not a date: fails in the middle of the group, past every check a request gets
      recordRevenue(ctx(c, "rep2"), { ...good(4), occurredAt: "not a date" }),
      recordRevenue(ctx(c, "rep2"), good(5), "key-group-fail"),
    ]);
    expect(out.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "fulfilled", "rejected", "fulfilled"]);
    const after = (await call(t.url, "GET", `/revenue?customerId=${theirs.id}&limit=100`, { token: c.manager.token })).body.items;
    expect(after.length - before).toBe(4);
    expect(await inTx((tx) => verifyTotals(tx))).toEqual({ customers: [], reps: [] });
    const again = await recordRevenue(ctx(c, "rep2"), good(5), "key-group-fail");
    expect(again.replayed).toBe(true);
  });
});

describe("contacts written in groups", () => {
  it("answers every contact of a group as if it were alone; counters and cadence agree", async () => {
    const visit = (customerId: string, extra: Record<string, unknown> = {}) => ({ customerId, channel: "visit" as const, ...extra });
    const calls = [
      logContact(ctx(c, "rep1"), "k1", visit(mine.id, { occurredAt: "2026-03-15T09:00:00+08:00" })), // 0 existing
      logContact(ctx(c, "rep2"), "k1", visit(theirs.id)), // 1 another user's k1: its own key
      logContact(ctx(c, "rep1"), "k2", visit(prospect.id, { channel: "phone" })), // 2 prospect, by phone
      logContact(ctx(c, "rep1"), "k3", visit(dropped.id)), // 3 dropped → 422
      logContact(ctx(c, "rep1"), "k4", visit(theirs.id)), // 4 not theirs → 404
      logContact(ctx(c, "rep1"), "k1", visit(mine.id, { occurredAt: "2026-03-15T09:00:00+08:00" })), // 5 replay of 0
      logContact(ctx(c, "rep1"), "k2", visit(prospect.id)), // 6 k2 with another body → 409
      logContact(ctx(c, "rep1"), "k5", visit(mine.id, { occurredAt: "2026-03-15T11:00:00+08:00" })), // 7 an hour ahead → 422
      logContact(ctx(c, "rep1"), "k6", visit(mine.id, { occurredAt: "2026-03-15T08:00:00+08:00" })), // 8 existing, earlier
      logContact(ctx(other, "rep1"), "k7", visit(mine.id)), // 9 another club → 404
    ];
    const out = await Promise.allSettled(calls);
    expect(out.map(status)).toEqual(["ok", "ok", "ok", 422, 404, "ok", 409, 422, "ok", 404]);
    const value = (i: number) => (out[i] as PromiseFulfilledResult<Awaited<(typeof calls)[number]>>).value;
    expect(value(0)).toMatchObject({ status: 201, replayed: false, body: { target: "existing", repId: c.rep1.id, day: "2026-03-15" } });
    expect(value(2).body).toMatchObject({ target: "prospect", inPerson: false });
    expect(value(5)).toEqual({ status: 201, replayed: true, body: value(0).body });
    expect(value(1).body.id).not.toBe(value(0).body.id);

    // the refused contact's key is free again
    const retry = await logContact(ctx(c, "rep1"), "k5", visit(mine.id, { occurredAt: "2026-03-15T09:30:00+08:00" }));
    expect(retry.replayed).toBe(false);

    const logged = (await call(t.url, "GET", `/contacts?customerId=${mine.id}&limit=100`, { token: c.rep1.token })).body.items as Json[];
    expect(logged.map((x) => x.occurredAt).sort()).toEqual([
      "2026-03-15T00:00:00.000Z",
      "2026-03-15T01:00:00.000Z",
      "2026-03-15T01:30:00.000Z",
    ]);
    expect(await inTx((tx) => verifyContactCounters(tx))).toEqual([]);
    // cadence: the latest in-person contact of the group, never an earlier one
    const customer = await call(t.url, "GET", `/customers/${mine.id}`, { token: c.rep1.token });
    expect(customer.body.lastInPersonAt).toBe("2026-03-15T01:30:00.000Z");
  });
});
