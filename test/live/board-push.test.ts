import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDelta, type BoardDelta } from "../../server/src/realtime/board-delta.ts";
import type { BoardSyncReply, ClientToServerEvents, ServerToClientEvents } from "../../server/src/realtime/events.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";
import { eventually } from "../support/live.ts";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
type Boards = Record<string, unknown>;

/**
 * Push at once, then coalesce (docs/realtime.md, "Coalescing"). The coalescing window
 * is an hour and its timer is the test's: a window ends only when the test ends it. So
 * nothing here depends on how fast the machine is: a first change that reached the
 * board went out without waiting for the window, and a change inside the window that
 * has not reached it waits for the window's end.
 */
const WINDOW_MS = 3_600_000;

/** The coalescer's timers, held by the test: `fire()` ends every window now due. */
function heldTimers() {
  const pending: { fn: () => void; ms: number }[] = [];
  return {
    pending,
    setTimeout(fn: () => void, ms: number) {
      const t = { fn, ms };
      pending.push(t);
      return t;
    },
    clearTimeout(h: unknown) {
      const i = pending.indexOf(h as (typeof pending)[number]);
      if (i >= 0) pending.splice(i, 1);
    },
    fire() {
      for (const t of pending.splice(0)) t.fn();
    },
  };
}

/** A manager's board as the web app keeps one: snapshot, then deltas (board-delta.ts); every event in order. */
function board(url: string, token: string) {
  const socket: Client = io(url, {
    autoConnect: false,
    forceNew: true,
    transports: ["websocket"],
    auth: { token, deltas: true },
    reconnection: false,
  });
  const b = {
    socket,
    version: null as number | null,
    boards: {} as Boards,
    /** every event, in the order it arrived: [event, version of a board event, id of a revenue event] */
    log: [] as [string, number | null, string | null][],
    sync(): Promise<BoardSyncReply> {
      return new Promise((done) => socket.emit("board:sync", done));
    },
  };
  socket.onAny((event: string, p: { version?: number; id?: string }) => {
    b.log.push([event, typeof p?.version === "number" ? p.version : null, typeof p?.id === "string" ? p.id : null]);
  });
  socket.on("board:snapshot", (e) => {
    if (b.version !== null && e.version < b.version) return;
    b.version = e.version;
    b.boards = e.boards;
  });
  socket.on("board:delta", (d: BoardDelta) => {
    // The test's board never misses a version: a delta from any other one is a failure, not a sync.
    if (d.from !== b.version) throw new Error(`delta from ${d.from}, board at ${b.version}`);
    b.boards = applyDelta(b.boards, d);
    b.version = d.version;
  });
  return b;
}

let t: TestServer;
let club: Club;
const timers = heldTimers();

/** End windows until the club is quiet: no recompute running or due, no window open. */
async function quiet(tenantId: string) {
  for (let i = 0; i < 20 && t.server.live.boardsBusy(tenantId); i++) {
    timers.fire();
    // What the fired window did: nothing more (quiet), or one more run, which ends by opening a window.
    await eventually(() => expect(!t.server.live.boardsBusy(tenantId) || timers.pending.length > 0).toBe(true), 15_000);
  }
  expect(t.server.live.boardsBusy(tenantId)).toBe(false);
}

const revenue = async (token: string, customerId: string, amount: number) => {
  const res = await call(t.url, "POST", "/revenue", {
    token,
    body: { customerId, amount, businessLine: "catering", occurredAt: t.clock.now().toISOString() },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

beforeAll(async () => {
  t = await startTestServer({ BOARD_COALESCE_MS: WINDOW_MS }, new Date().toISOString(), "postgres", { boardTimers: timers });
  club = await makeClub(t.url, "push-at-once");
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("board pushes: at once, then coalesced", () => {
  it("pushes a quiet club's first change without waiting for the window, and the window's changes once at its end, in version order", async () => {
    const customer = await newCustomer(t.url, club.rep1.token, { name: "即时推送客户", status: "active" });
    const b = board(t.url, club.manager.token);
    await new Promise<void>((ok, fail) => {
      b.socket.once("connect", () => ok());
      b.socket.once("connect_error", fail);
      b.socket.connect();
    });
    await eventually(() => expect(b.version).not.toBeNull(), 15_000);
    // The club's setup (sign-up, users, the customer) opened windows: end them.
    await quiet(club.tenantId);
    const v0 = (await b.sync()) as BoardSyncReply & { ok: true };
    expect(v0.ok).toBe(true);
    expect(b.version).toBe(v0.version);
    const monthRow = (repId: string) =>
      ((b.boards.leaderboard as { month: { repId: string; revenue: number }[] }).month ?? []).find((r) => r.repId === repId);
    const before = monthRow(club.rep1.id)?.revenue ?? 0;

    // One write to the quiet club: its delta comes with no window ended (an hour-long window
    // that only the test can end), holding the write.
    const first = await revenue(club.rep1.token, customer.id, 1_000);
    await eventually(() => expect(b.version).toBe(v0.version + 1), 15_000);
    expect(monthRow(club.rep1.id)?.revenue).toBe(before + 1_000);
    // Then the window opens: one timer of the configured length.
    await eventually(() => expect(timers.pending.map((p) => p.ms)).toEqual([WINDOW_MS]), 15_000);

    // A second write inside the window: announced at once (revenue:recorded), but no new
    // board version is minted until the window ends.
    const second = await revenue(club.rep1.token, customer.id, 2_000);
    await eventually(() => expect(b.log.some(([e, , id]) => e === "revenue:recorded" && id === second)).toBe(true), 15_000);
    const during = (await b.sync()) as BoardSyncReply & { ok: true };
    expect(during.version).toBe(v0.version + 1);
    expect(b.log.filter(([e, v]) => e.startsWith("board:") && v !== null && v > v0.version + 1)).toEqual([]);
    // A third, still inside the window: folded into the same trailing push.
    const third = await revenue(club.rep1.token, customer.id, 4_000);
    await eventually(() => expect(b.log.some(([e, , id]) => e === "revenue:recorded" && id === third)).toBe(true), 15_000);
    expect(((await b.sync()) as BoardSyncReply & { ok: true }).version).toBe(v0.version + 1);

    // The window ends: one delta, the next version, holding both writes.
    timers.fire();
    await eventually(() => expect(b.version).toBe(v0.version + 2), 15_000);
    expect(monthRow(club.rep1.id)?.revenue).toBe(before + 7_000);
    const fresh = (await b.sync()) as BoardSyncReply & { ok: true };
    expect(fresh.version).toBe(v0.version + 2);
    expect(b.boards).toEqual(fresh.boards);
    // In order on the board: each write's event, then the board holding it; versions one by one.
    const order = b.log.filter(([e, v]) => (e === "board:delta" && v !== null && v > v0.version) || e === "revenue:recorded");
    expect(order.map(([e, v, id]) => (e === "revenue:recorded" ? id : v))).toEqual([first, v0.version + 1, second, third, v0.version + 2]);
    // The trailing push opened a window of its own; with nothing in it, the club is quiet again.
    await quiet(club.tenantId);
    expect(b.version).toBe(v0.version + 2);
    b.socket.disconnect();
  });
});
