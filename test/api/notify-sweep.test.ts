import { dueNotifyClubs, notifyWakeups, rowsOf, withTenant } from "@clubhouse/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverOnce } from "../../server/src/notify/deliver.ts";
import { enqueueNotifications } from "../../server/src/notify/enqueue.ts";
import { settleClub } from "../../server/src/notify/wakeups.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, startTestServer, TEST_DB, type TestServer } from "../support/harness.ts";
import { type Receiver, startReceiver, waitFor } from "../support/receiver.ts";

// The deliverer's sweep (docs/notify.md, "The sweep"): it visits only the clubs with a
// message due, read from notify_wakeups in one statement, instead of a transaction per
// club every NOTIFY_POLL_MS (at 1,000 clubs that was 500 transactions a second and a
// quarter of a core for an idle server). The loop is off here (NOTIFY_POLL_MS 0): each
// test runs the sweep itself and counts the clubs it visited.

const RETRY_MS = 1_500;
let t: TestServer;
let a: Club;
let b: Club;
let c: Club;
let hookA: Receiver;
let hookB: Receiver;
let gold: Json;

beforeAll(async () => {
  t = await startTestServer({ NOTIFY_POLL_MS: 0, NOTIFY_RETRY_BASE_MS: RETRY_MS, NOTIFY_RETRY_MAX_MS: RETRY_MS, NOTIFY_TIMEOUT_MS: 3_000 });
  [a, b, c] = await Promise.all([makeClub(t.url, "sweep-a"), makeClub(t.url, "sweep-b"), makeClub(t.url, "sweep-c")]);
  [hookA, hookB] = await Promise.all([startReceiver(), startReceiver()]);
  for (const [club, hook] of [
    [a, hookA],
    [b, hookB],
  ] as const) {
    const ch = await call(t.url, "POST", "/notify/channels", {
      token: club.admin.token,
      body: { kind: "wecom", name: "销售群", url: `${hook.url}/cgi-bin/webhook/send?key=k-${club.slug}`, events: ["card_sold"] },
    });
    expect(ch.status).toBe(201);
  }
  gold = {
    a: (await call(t.url, "POST", "/card-types", { token: a.manager.token, body: { name: "Gold 金卡", listPrice: 120000 } })).body,
    b: (await call(t.url, "POST", "/card-types", { token: b.manager.token, body: { name: "Gold 金卡", listPrice: 120000 } })).body,
  };
});
afterAll(async () => {
  await t?.close();
  await Promise.all([hookA, hookB].map((r) => r?.close()));
});

const sweep = (everyClub = false) => deliverOnce(t.server.deps, { everyClub });
const sell = async (club: Club, key: "a" | "b", name: string) => {
  const p = await newCustomer(t.url, club.rep1.token, { name });
  const sale = await call(t.url, "POST", "/card-sales", { token: club.rep1.token, body: { customerId: p.id, cardTypeId: gold[key].id } });
  expect(sale.status).toBe(201);
};
/** The club's wake-up as its own scope reads it. */
const wakeupOf = async (club: Club) => (await withTenant(t.db.database, club.tenantId, (tx) => tx.select().from(notifyWakeups)))[0];
const dueMs = (w: { dueAt: Date } | undefined) => (w ? w.dueAt.getTime() : undefined);

describe("notify: the sweep visits the clubs with a message due, and no other", () => {
  it("nothing due: no club visited; a sale wakes its own club only, which is then left with no wake-up", async () => {
    expect(await sweep()).toEqual({ visited: 0, delivered: 0 });
    await sell(a, "a", "华润置地");
    expect(dueMs(await wakeupOf(a))).toBeLessThanOrEqual(Date.now());
    expect(await wakeupOf(b)).toBeUndefined();
    expect(await sweep()).toEqual({ visited: 1, delivered: 1 });
    expect(hookA.got).toHaveLength(1);
    expect(hookA.got[0]!.body.markdown.content).toContain("售卡喜报");
    expect(hookB.got).toHaveLength(0);
    // everything sent: the club has no wake-up until its next message
    expect(await wakeupOf(a)).toBeUndefined();
    expect(await sweep()).toEqual({ visited: 0, delivered: 0 });
  });

  it("a failed send wakes its club at the retry's time, not before", async () => {
    hookB.answer = () => ({ status: 500, body: "down" });
    await sell(b, "b", "万科");
    expect(await sweep()).toEqual({ visited: 1, delivered: 0 });
    const retryAt = dueMs(await wakeupOf(b))!;
    expect(retryAt).toBeGreaterThan(Date.now());
    expect(retryAt).toBeLessThanOrEqual(Date.now() + RETRY_MS);
    expect(await sweep()).toEqual({ visited: 0, delivered: 0 });
    hookB.answer = () => ({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
    await waitFor(async () => (await sweep()).delivered === 1, 10_000, "the retry");
    expect(hookB.got).toHaveLength(2);
    expect(await wakeupOf(b)).toBeUndefined();
  });

  it("a message without a wake-up is found by the sweep over every club, which gives it one", async () => {
    await withTenant(t.db.database, a.tenantId, async (tx) => {
      await enqueueNotifications(tx, a.tenantId, [{ event: "card_sold", data: { cardType: "Gold 金卡", amount: 120000 } }]);
      await tx.delete(notifyWakeups);
    });
    const before = hookA.got.length;
    expect(await sweep()).toEqual({ visited: 0, delivered: 0 });
    expect(await sweep(true)).toEqual({ visited: 3, delivered: 1 });
    expect(hookA.got).toHaveLength(before + 1);
    expect(await wakeupOf(a)).toBeUndefined();
    // a club that never had a message gets no wake-up from it
    expect(await wakeupOf(c)).toBeUndefined();
  });

  it.runIf(TEST_DB === "postgres")("a message enqueued while its club is being settled keeps its wake-up (the stamp)", async () => {
    // A sweep read club a as due (with its stamp) and another process sent its messages
    // meanwhile: this settle will find nothing pending and remove the wake-up. But an
    // enqueue's transaction holds the wake-up's row when the settle takes its snapshot:
    // the settle waits for it, then must find another stamp and leave the new wake-up
    // alone. Without the stamp it would remove it, from a snapshot without the message.
    expect(await wakeupOf(a)).toBeUndefined();
    await withTenant(t.db.database, a.tenantId, (tx) => tx.insert(notifyWakeups).values({ tenantId: a.tenantId, dueAt: new Date() }));
    const seen = (await wakeupOf(a))!;
    let enqueued!: () => void;
    const holding = new Promise<void>((r) => {
      enqueued = r;
    });
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const writer = withTenant(t.db.database, a.tenantId, async (tx) => {
      await enqueueNotifications(tx, a.tenantId, [{ event: "card_sold", data: { cardType: "Gold 金卡", amount: 120000 } }]);
      enqueued();
      await released;
    });
    await holding;
    const settling = withTenant(t.db.database, a.tenantId, (tx) => settleClub(tx, a.tenantId, seen.stamp));
    // the settle waits on the writer's row lock (read as the superuser: the app role
    // does not see other sessions' queries)
    await waitFor(
      async () =>
        rowsOf(
          await t.db.database.db.execute(
            sql`select 1 from pg_stat_activity where wait_event_type = 'Lock' and query like '%delete from "notify_wakeups"%'`,
          ),
        ).length > 0,
      10_000,
      "the settle to wait for the enqueue",
    );
    release();
    await writer;
    await settling;
    expect(dueMs(await wakeupOf(a))).toBeLessThanOrEqual(Date.now());
    const before = hookA.got.length;
    expect(await sweep()).toEqual({ visited: 1, delivered: 1 });
    expect(hookA.got).toHaveLength(before + 1);
  });
});

describe("notify: the sweep's scope reads the wake-ups across clubs and nothing else", () => {
  const inDirectory = (query: ReturnType<typeof sql>) =>
    t.db.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', ${t.db.database.appRole}, true), set_config('app.notify_directory', 'on', true)`);
      return tx.execute(query);
    });

  it("lists every club's wake-up, and no row of the outbox, the channels, the clubs or their customers", async () => {
    await sell(a, "a", "中信集团");
    const due = await dueNotifyClubs(t.db.database, new Date());
    expect(due.map((d) => d.id)).toEqual([a.tenantId]);
    // b's retry was sent; give it a later wake-up again, so two clubs have one
    await withTenant(t.db.database, b.tenantId, (tx) =>
      tx.insert(notifyWakeups).values({ tenantId: b.tenantId, dueAt: new Date(Date.now() + 3_600_000) }),
    );
    const all = rowsOf<{ tenant_id: string }>(await inDirectory(sql`select tenant_id from notify_wakeups`));
    expect(new Set(all.map((r) => r.tenant_id))).toEqual(new Set([a.tenantId, b.tenantId]));
    for (const table of ["notify_outbox", "notify_channels", "notify_deliveries", "tenants", "customers", "users"])
      expect(rowsOf(await inDirectory(sql.raw(`select * from ${table}`))), table).toHaveLength(0);
    expect(await sweep()).toMatchObject({ visited: 1, delivered: 1 });
  });

  it("a club's own scope sees and writes only its own wake-up", async () => {
    await withTenant(t.db.database, a.tenantId, (tx) =>
      tx
        .insert(notifyWakeups)
        .values({ tenantId: a.tenantId, dueAt: new Date(Date.now() + 3_600_000) })
        .onConflictDoNothing(),
    );
    const seen = await withTenant(t.db.database, a.tenantId, (tx) => tx.select().from(notifyWakeups));
    expect(seen.map((w) => w.tenantId)).toEqual([a.tenantId]);
    const refused = await withTenant(t.db.database, a.tenantId, (tx) =>
      tx.insert(notifyWakeups).values({ tenantId: c.tenantId, dueAt: new Date() }),
    ).then(
      () => null,
      (e: Json) => e,
    );
    expect(String(refused?.cause?.message ?? refused?.message)).toMatch(/row-level security/);
    // another club's row is not there to change
    const moved = await withTenant(t.db.database, a.tenantId, (tx) =>
      tx
        .update(notifyWakeups)
        .set({ dueAt: new Date(0) })
        .where(sql`tenant_id = ${b.tenantId}::uuid`)
        .returning(),
    );
    expect(moved).toHaveLength(0);
    expect(dueMs(await wakeupOf(b))).toBeGreaterThan(Date.now());
  });
});
