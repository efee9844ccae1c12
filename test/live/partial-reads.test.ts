import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BoardClient, boardClient, matchesFullRead, openBoard } from "../support/board-client.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";
import { eventually } from "../support/live.ts";

// A write that names the reps it touched (revenue, contacts, their voids and
// acceptances, pace alarms) has the live boards re-read only those reps
// (leaderboard/boards.ts, realtime/boards.ts `BoardChange`). Whatever the writes, the
// board a client builds from the deltas must be the board a full read gives at the same
// version — and the partial reads must really have happened.

let t: TestServer;
let c: Club;
let other: Club;
const clients: BoardClient[] = [];
const month = "2026-03";
const NOW = "2026-03-15T10:00:00+08:00";
const customers: Record<string, Json> = {};

beforeAll(async () => {
  t = await startTestServer({}, NOW);
  c = await makeClub(t.url, "partial-reads");
  other = await makeClub(t.url, "partial-other");
  for (const [name, rep] of [
    ["rep1", c.rep1],
    ["rep2", c.rep2],
  ] as const)
    customers[name] = await newCustomer(t.url, rep.token, { name: `客户 ${name}`, status: "active" });
  customers.other = await newCustomer(t.url, other.rep1.token, { name: "别家客户", status: "active" });
  for (const rep of [c.rep1, c.rep2])
    expect((await call(t.url, "PUT", `/targets/${rep.id}/${month}`, { token: c.manager.token, body: { amount: 10_000 } })).status).toBe(
      200,
    );
}, 60_000);
afterAll(async () => {
  for (const x of clients) x.socket.disconnect();
  await t?.close();
});

/** How many reads of each kind the recomputes made (metrics). */
async function reads() {
  const m = await t.server.deps.metrics!.registry.getSingleMetric("clubhouse_live_board_reads_total")!.get();
  const of = (kind: string) => m.values.find((v) => v.labels.kind === kind)?.value ?? 0;
  return { full: of("full"), partial: of("partial") };
}

/** The club's recomputes are over, and the board `b` holds is the one a full read gives at the same version. */
async function settled(b: BoardClient) {
  await eventually(() => expect(t.server.live.boardsBusy(c.tenantId)).toBe(false), 10_000);
  await matchesFullRead(b);
}

const contact = (token: string, customerId: string, channel: string, extra: Json = {}) =>
  call(t.url, "POST", "/contacts", {
    token,
    body: { customerId, channel, ...extra },
    headers: { "idempotency-key": crypto.randomUUID() },
  });

const SITE = { lat: 22.5431, lng: 114.0579 };
const north = (m: number) => (m * 360) / (2 * Math.PI * 6_371_008.8);
const checksOf = (b: BoardClient, repId: string) =>
  (b.boards.quota as { reps: { repId: string; checks: Record<string, number> }[] }).reps.find((r) => r.repId === repId)?.checks;

type Row = { repId: string; revenue: number; contacts: { calls: number; visits: number } };
const row = (b: BoardClient, repId: string) => ((b.boards.leaderboard as Json).month as Row[]).find((r) => r.repId === repId) as Row;

describe("live boards re-read only the reps a write touched", () => {
  it("build, from deltas, the board a full read gives after revenue, contacts, voids, acceptances and a target", async () => {
    const board = boardClient(t.url, c.manager.token);
    const rep = boardClient(t.url, c.rep2.token);
    clients.push(board, rep);
    await openBoard(board);
    await openBoard(rep);
    await settled(board);
    const before = await reads();

    await addRevenue(t.url, c.rep1.token, { customerId: customers.rep1.id, amount: 1_200, occurredAt: NOW });
    await settled(board);
    expect(row(board, c.rep1.id).revenue).toBe(1_200);

    expect((await contact(c.rep2.token, customers.rep2.id, "phone")).status).toBe(201);
    const visit = await contact(c.rep2.token, customers.rep2.id, "visit");
    expect(visit.status).toBe(201);
    await settled(board);
    expect(row(board, c.rep2.id).contacts).toMatchObject({ calls: 1, visits: 1 });
    const today = board.boards.today as { total: number; reps: Record<string, number> };
    expect(today.reps[c.rep2.id]).toBe(2);

    // another club's writes never reach this club's boards, partial or not
    await addRevenue(t.url, other.rep1.token, { customerId: customers.other.id, amount: 99_999, occurredAt: NOW });
    expect((await contact(c.rep1.token, customers.rep1.id, "letter")).status).toBe(201);
    await settled(board);
    expect(JSON.stringify(board.boards)).not.toContain(other.rep1.id);

    expect(
      (await call(t.url, "POST", `/contacts/${visit.body.id}/void`, { token: c.manager.token, body: { reason: "记错了客户" } })).status,
    ).toBe(200);
    await settled(board);
    expect(row(board, c.rep2.id).contacts).toMatchObject({ calls: 1, visits: 0 });
    expect((board.boards.today as { reps: Record<string, number> }).reps[c.rep2.id]).toBe(1);

    // a visit away from the customer's pin, then a manager's acceptance: the rep's checks move
    expect((await call(t.url, "PUT", `/customers/${customers.rep2.id}/pin`, { token: c.manager.token, body: SITE })).status).toBe(200);
    const away = await contact(c.rep2.token, customers.rep2.id, "visit", {
      position: { lat: SITE.lat + north(2_000), lng: SITE.lng, accuracy: 12 },
    });
    expect(away.status).toBe(201);
    await settled(board);
    expect(checksOf(board, c.rep2.id)).toMatchObject({ offSite: 1, accepted: 0 });
    expect(
      (await call(t.url, "POST", `/contacts/${away.body.id}/accept`, { token: c.manager.token, body: { reason: "在客户新仓库拜访" } }))
        .status,
    ).toBe(200);
    await settled(board);
    expect(checksOf(board, c.rep2.id)).toMatchObject({ offSite: 0, accepted: 1 });

    const second = await addRevenue(t.url, c.rep2.token, { customerId: customers.rep2.id, amount: 3_000, occurredAt: NOW });
    await settled(board);
    expect(row(board, c.rep2.id).revenue).toBe(3_000);
    expect(
      (await call(t.url, "POST", `/revenue/${second.id}/reverse`, { token: c.manager.token, body: { reason: "客户退卡" } })).status,
    ).toBe(201);
    await settled(board);
    expect(row(board, c.rep2.id).revenue).toBe(0);

    // a target is not a rep's revenue or contacts: the next read is a full one
    const full = (await reads()).full;
    expect((await call(t.url, "PUT", `/targets/${c.rep2.id}/${month}`, { token: c.manager.token, body: { amount: 20_000 } })).status).toBe(
      200,
    );
    await settled(board);
    expect((await reads()).full).toBeGreaterThan(full);
    const quota = (board.boards.quota as { reps: { repId: string; target: number }[] }).reps.find((r) => r.repId === c.rep2.id);
    expect(quota?.target).toBe(20_000);
    await addRevenue(t.url, c.rep1.token, { customerId: customers.rep1.id, amount: 800, occurredAt: NOW });
    await settled(board);
    expect(row(board, c.rep1.id).revenue).toBe(2_000);

    const after = await reads();
    expect(after.partial - before.partial).toBeGreaterThanOrEqual(5);
    // the rep's board (the club part only) followed too
    await matchesFullRead(rep);
  });

  it("read every rep again after a change no board was open for (nothing it said is lost)", async () => {
    const first = boardClient(t.url, c.manager.token);
    clients.push(first);
    await openBoard(first);
    await settled(first);
    for (const x of clients) x.socket.disconnect();
    await eventually(() => expect(t.server.live.io.of("/").adapter.rooms.size).toBe(0));
    // no board open: this change is not recomputed (only remembered)
    await addRevenue(t.url, c.rep1.token, { customerId: customers.rep1.id, amount: 500, occurredAt: NOW });
    await eventually(() => expect(t.server.live.boardsBusy(c.tenantId)).toBe(false), 10_000);
    // one board taking deltas, one taking whole snapshots (a delta against a base that
    // was just as stale could hide a stale read; a whole snapshot cannot)
    const board = boardClient(t.url, c.manager.token);
    const whole = boardClient(t.url, c.manager.token, { deltas: false });
    clients.push(board, whole);
    await openBoard(board);
    await openBoard(whole);
    expect(row(board, c.rep1.id).revenue).toBe(2_500);
    // the next write names only rep2: rep1's change must still be on the boards it sends
    const full = (await reads()).full;
    const snapshots = whole.snapshots;
    await addRevenue(t.url, c.rep2.token, { customerId: customers.rep2.id, amount: 100, occurredAt: NOW });
    await settled(board);
    await settled(whole);
    expect(whole.snapshots).toBeGreaterThan(snapshots);
    for (const b of [board, whole]) {
      expect(row(b, c.rep1.id).revenue).toBe(2_500);
      expect(row(b, c.rep2.id).revenue).toBe(100);
    }
    expect((await reads()).full).toBeGreaterThan(full);
  });
});
