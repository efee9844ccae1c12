import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BigClub, seedBigClub } from "../support/big-club.ts";
import { type BoardClient, boardClient, openBoard } from "../support/board-client.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { addUser, call, loginAs, startTestServer, type TestServer } from "../support/harness.ts";
import { eventually } from "../support/live.ts";

type Row = { repId: string; rank: number; revenue: number; name: string };

const of = (c: BoardClient, event: string) => c.events.filter((e) => e.event === event);

let t: TestServer;
let big: BigClub;
let other: Club;
let sql: postgres.Sql;
const clients: BoardClient[] = [];

beforeAll(async () => {
  t = await startTestServer({}, new Date().toISOString(), "postgres");
  big = await seedBigClub(t, { reps: 600, customers: 12_000, contactsEarlier: 10_000 });
  other = await makeClub(t.url, "delta-other");
  sql = postgres(t.db.url!, { max: 1, onnotice: () => {} });
}, 240_000);
afterAll(async () => {
  for (const c of clients) c.socket.disconnect();
  await sql?.end();
  await t?.close();
});

/** The big club's recomputes are over: none running, no coalescing window open. */
const clubQuiet = () => eventually(() => expect(t.server.live.boardsBusy(big.tenantId)).toBe(false), 20_000);

describe("board deltas for a club of 600 reps", () => {
  it("carries the server's counts: contacts today per rep (non-voided, from the ledger) and unacknowledged alarms", async () => {
    await clubQuiet();
    const c = boardClient(t.url, big.manager.token);
    clients.push(c);
    await openBoard(c, 20_000);
    const today = c.boards.today as { day: string; total: number; reps: Record<string, number> };
    expect(today.day).toBe(big.today);
    const rows = await sql<{ rep_id: string; n: number }[]>`
      select c.rep_id, count(*)::int as n from contacts c
      where c.tenant_id = ${big.tenantId} and c.day = ${big.today}
        and not exists (select 1 from contact_voids v where v.tenant_id = c.tenant_id and v.contact_id = c.id)
      group by c.rep_id`;
    expect(today.reps).toEqual(Object.fromEntries(rows.map((r) => [r.rep_id, r.n])));
    expect(today.total).toBe(rows.reduce((s, r) => s + r.n, 0));
    expect(today.total).toBeGreaterThan(2_000); // more than the browser used to read in pages
    const [counted] = await sql<{ n: number }[]>`select count(*)::int as n from alarms
      where tenant_id = ${big.tenantId} and acknowledged_at is null and cleared_at is null`;
    expect((c.boards.alarmCounts as { total: number }).total).toBe(counted?.n);
    expect(counted?.n).toBeGreaterThan(50);
    // The alarm panel's first page: GET /alarms's, with its cursor to the next page.
    const live = c.boards.alarms as { latest: { id: string; repName: string | null }[]; next: string | null };
    const first = (await call(t.url, "GET", "/alarms?status=unacknowledged&limit=50", { token: big.manager.token })).body;
    expect(live.latest.map((a) => a.id)).toEqual(first.items.map((a: { id: string }) => a.id));
    expect(live.latest.map((a) => a.repName)).toEqual(first.items.map((a: { repName: string | null }) => a.repName));
    expect(live.next).toBe(first.nextCursor);
    const second = (
      await call(t.url, "GET", `/alarms?status=unacknowledged&limit=50&cursor=${encodeURIComponent(live.next!)}`, {
        token: big.manager.token,
      })
    ).body;
    expect(second.items.length).toBeGreaterThan(0);
    for (const a of second.items) expect(live.latest.some((l) => l.id === a.id)).toBe(false);
    // A rep's board carries none of it.
    const rep = boardClient(t.url, await loginAs(t.url, big.slug, big.reps[0]!.email, big.repPassword));
    clients.push(rep);
    await openBoard(rep, 20_000);
    expect(rep.boards.alarms).toBeUndefined();
    expect(rep.boards.alarmCounts).toBeUndefined();
    rep.socket.disconnect();
    c.socket.disconnect();
  });

  it("sends under 5 KB per write to a board that opted in (a bulk acknowledgement: the alarm list's refill), builds the same board as a fresh sync, and never reaches another club", async () => {
    const board = boardClient(t.url, big.manager.token);
    const legacy = boardClient(t.url, big.manager.token, { deltas: false });
    const stranger = boardClient(t.url, other.manager.token);
    // reads the server's current board for the comparisons (its bytes are not counted)
    const probe = boardClient(t.url, big.manager.token);
    clients.push(board, legacy, stranger, probe);
    await Promise.all([openBoard(board, 20_000), openBoard(legacy, 20_000), openBoard(stranger, 20_000), openBoard(probe, 20_000)]);
    const snapshotBytes = JSON.stringify(board.boards).length;
    const adminToken = await loginAs(t.url, big.slug, big.admin.email, big.admin.password);
    const month = big.month;
    const monthRows = () => (board.boards.leaderboard as { month: Row[] }).month;

    const perWrite: { step: string; bytes: number; legacyBytes: number }[] = [];
    /** Once the club's recomputes are over (none running, no window open), `c` is what a fresh sync reads. */
    async function inStepWhenQuiet(c: BoardClient) {
      await eventually(
        async () => {
          await clubQuiet();
          const fresh = await probe.sync();
          if (!fresh.ok) throw new Error("no snapshot");
          expect(c.version).toBe(fresh.version);
          expect(c.boards).toEqual(fresh.boards);
        },
        20_000,
        100,
      );
    }
    /** One write, then: the board moved on, and equals the server's current snapshot. */
    async function step(name: string, write: () => Promise<void>) {
      await inStepWhenQuiet(board);
      const before = board.version!;
      board.bytes = 0;
      legacy.bytes = 0;
      await write();
      await eventually(() => expect(board.version!).toBeGreaterThan(before), 15_000);
      // Whatever the write set off after it (an alarm raised, the window's trailing
      // recompute: a slow club's window is stretched to twice its recompute) is pushed
      // too: once the club's recomputes are over (none running, no window open), the board
      // must be what a fresh sync reads.
      await inStepWhenQuiet(board);
      perWrite.push({ step: name, bytes: board.bytes, legacyBytes: legacy.bytes });
    }

    // A rep from the foot of the month's board makes the biggest sale: #600 → #1.
    const last = monthRows().at(-1)!;
    const lastRep = big.reps.find((r) => r.id === last.repId)!;
    const lastToken = await loginAs(t.url, big.slug, lastRep.email, big.repPassword);
    let customer: { id: string } = { id: "" };
    await step("customer", async () => {
      customer = await newCustomer(t.url, lastToken, { name: "看板测试客户", status: "active" });
    });
    await step("revenue #600 → #1", async () => {
      await addRevenue(t.url, big.manager.token, {
        customerId: customer.id,
        amount: monthRows()[0]!.revenue + 1_000,
        occurredAt: t.clock.now().toISOString(),
      });
    });
    expect(monthRows()[0]).toMatchObject({ repId: last.repId, rank: 1 });

    let contactId = "";
    await step("contact", async () => {
      const res = await call(t.url, "POST", "/contacts", {
        token: lastToken,
        headers: { "idempotency-key": `delta-${Date.now()}` },
        body: { customerId: customer.id, channel: "phone" },
      });
      expect(res.status).toBe(201);
      contactId = res.body.id;
    });
    const todayOf = () => board.boards.today as { total: number; reps: Record<string, number> };
    const withContact = todayOf().reps[last.repId] ?? 0;
    expect(withContact).toBeGreaterThan(0);
    await step("void", async () => {
      expect(
        (await call(t.url, "POST", `/contacts/${contactId}/void`, { token: lastToken, body: { reason: "logged twice" } })).status,
      ).toBe(200);
    });
    expect(todayOf().reps[last.repId] ?? 0).toBe(withContact - 1);

    await step("target", async () => {
      expect(
        (await call(t.url, "PUT", `/targets/${last.repId}/${month}`, { token: big.manager.token, body: { amount: 5_000_000 } })).status,
      ).toBe(200);
    });
    let newRep = "";
    await step("new rep", async () => {
      newRep = (await addUser(t.url, adminToken, "rep", `delta-new@${big.slug}.test`)).id;
    });
    expect(monthRows().some((r) => r.repId === newRep)).toBe(true);
    await step("disabled rep", async () => {
      expect((await call(t.url, "PATCH", `/users/${newRep}`, { token: adminToken, body: { disabled: true } })).status).toBe(200);
    });
    expect(monthRows().some((r) => r.repId === newRep)).toBe(false);

    // A rep without a target gets one far out of reach: a pace alarm is raised.
    const quotaReps = (board.boards.quota as { reps: { repId: string; level: string | null; achieved: number }[] }).reps;
    const calm = quotaReps.find((r) => r.level === null && r.achieved > 0) ?? quotaReps.find((r) => r.level === "ok")!;
    const alarmsBefore = (board.boards.alarmCounts as { total: number }).total;
    await step("alarm raised", async () => {
      expect(
        (await call(t.url, "PUT", `/targets/${calm.repId}/${month}`, { token: big.manager.token, body: { amount: 90_000_000 } })).status,
      ).toBe(200);
    });
    expect((board.boards.alarmCounts as { total: number }).total).toBeGreaterThan(alarmsBefore);
    const raised = (await call(t.url, "GET", `/alarms?status=unacknowledged&repId=${calm.repId}&kind=pace`, { token: big.manager.token }))
      .body.items[0];
    expect(raised).toBeTruthy();
    // The panel's list is GET /alarms's first page, moved by the delta (this test's clock stands
    // still, so the new alarm ties on raisedAt with the seeded ones: its place is by id).
    const latest = () =>
      (board.boards.alarms as { latest: { id: string; level: string | null; kind: string; data: Record<string, unknown> }[] }).latest;
    const asGet = async () => {
      const first = (await call(t.url, "GET", "/alarms?status=unacknowledged&limit=50", { token: big.manager.token })).body;
      expect(latest().map((a) => a.id)).toEqual(first.items.map((a: { id: string }) => a.id));
      expect((board.boards.alarms as { next: string | null }).next).toBe(first.nextCursor);
    };
    await asGet();
    const pace = latest().find((a) => a.kind === "pace");
    expect(Object.keys(pace!.data).sort()).toEqual(["achieved", "elapsed", "month", "pace", "target"]);
    expect(latest()).toHaveLength(50);
    await step("alarm acknowledged", async () => {
      expect((await call(t.url, "POST", `/alarms/${raised.id}/acknowledge`, { token: big.manager.token })).status).toBe(200);
    });
    expect(latest().some((a) => a.id === raised.id)).toBe(false);
    await asGet();
    const counts = board.boards.alarmCounts as { total: number; byLevel: Record<string, number> };
    const level = Object.keys(counts.byLevel)[0]!;
    await step("bulk acknowledge a level", async () => {
      const res = await call(t.url, "POST", "/alarms/acknowledge", { token: big.manager.token, body: { level } });
      expect(res.body.acknowledged).toBe(counts.byLevel[level]);
    });
    expect((board.boards.alarmCounts as { byLevel: Record<string, number> }).byLevel[level]).toBeUndefined();
    expect(latest().some((a) => a.level === level)).toBe(false);
    await asGet();

    console.log(
      `board deltas, 600 reps: first snapshot ${snapshotBytes} B; bytes per write to a delta board / a board without deltas:\n${perWrite
        .map((w) => `  ${w.step}: ${w.bytes} B / ${w.legacyBytes} B`)
        .join("\n")}`,
    );
    // A bulk acknowledgement empties much of the alarm panel's live list, which refills with the
    // next 50 newest (one row each, ~350 B); every other write stays under 5 KB.
    for (const w of perWrite) expect(w.bytes, w.step).toBeLessThan(w.step === "bulk acknowledge a level" ? 5_000 + 50 * 400 : 5_000);
    // Without the opt-in, SPEC §10's leaderboard:update still carries every row, and the delta board got none of it.
    expect(of(legacy, "leaderboard:update").length).toBeGreaterThan(0);
    expect(of(board, "leaderboard:update")).toHaveLength(0);
    expect(of(board, "board:snapshot")).toHaveLength(1);
    expect(board.syncs).toBe(0);
    // Another club's board heard nothing of this one.
    expect(of(stranger, "board:delta")).toHaveLength(0);
    const heard = JSON.stringify(stranger.events);
    for (const id of [last.repId, calm.repId, newRep, big.tenantId]) expect(heard).not.toContain(id);
  });

  it("a delta from a version the client does not hold makes it sync, and the board is right again", async () => {
    await clubQuiet();
    const c = boardClient(t.url, big.manager.token);
    clients.push(c);
    await openBoard(c, 20_000);
    // Pretend a delta was missed: the next one's `from` is not the version held.
    c.version = c.version! - 1;
    const rep = big.reps[5]!;
    expect(
      (await call(t.url, "PUT", `/targets/${rep.id}/${big.month}`, { token: big.manager.token, body: { amount: 123_456 } })).status,
    ).toBe(200);
    await eventually(() => expect(c.syncs).toBe(1), 15_000);
    const fresh = await c.sync();
    await eventually(() => expect(c.version).toBe(fresh.ok ? fresh.version : -1));
    expect(c.boards).toEqual(fresh.ok ? fresh.boards : null);
  });
});
