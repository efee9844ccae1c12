import { REDIS_PREFIX } from "@clubhouse/server";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boardClient, matchesFullRead, openBoard } from "../support/board-client.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { signupClub, TEST_DB } from "../support/harness.ts";
import { connected, eventually, type ServerProcess, sleep } from "../support/live.ts";
import { type TwoProcesses, twoProcesses } from "../support/two-processes.ts";

// Two `pnpm start` processes on one Redis: each club's boards are recomputed by one of
// them, the club's owner (server/src/realtime/owners.ts), whichever process took the write.
// A private redis-server: this test kills a process, which other processes on the same
// Redis would keep counting for seconds (their adapter's list of servers).
const METRICS_TOKEN = "owners-test-metrics-token-0123456789";
const CLUBS = 12;
let procs: TwoProcesses;
let a: ServerProcess;
let b: ServerProcess;
let redis: Redis;

beforeAll(async () => {
  if (TEST_DB !== "postgres") throw new Error("the live project runs on PostgreSQL (TEST_DB=postgres)");
  procs = await twoProcesses({ METRICS_TOKEN, SIGNUP_PER_HOUR: "100" });
  ({ a, b, redis } = procs);
});
afterAll(async () => {
  await procs?.stop();
});

/** The process's board reads of one kind (its metrics). */
async function reads(p: ServerProcess, kind: "full" | "partial"): Promise<number> {
  const text = await (await fetch(`${p.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return Number(new RegExp(`clubhouse_live_board_reads_total\\{kind="${kind}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
}

/** Neither process recomputing any more (their counts still for 300 ms). */
async function quiet() {
  await eventually(async () => {
    const then = (await recomputes(a)) + (await recomputes(b));
    await sleep(300);
    expect((await recomputes(a)) + (await recomputes(b))).toBe(then);
  }, 10_000);
}

/** The process's finished board recomputes (its metrics). */
async function recomputes(p: ServerProcess): Promise<number> {
  const text = await (await fetch(`${p.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return Number(/clubhouse_live_board_recomputes_total\{result="ok"\} (\d+)/.exec(text)?.[1] ?? 0);
}

describe("each club's boards are recomputed by one process, its owner", () => {
  let clubs: Awaited<ReturnType<typeof signupClub>>[];
  let boards: Awaited<ReturnType<typeof connected>>[];
  let versions: number[];

  it("spreads the clubs over the processes though every change comes through A, and every board gets every change", async () => {
    clubs = await Promise.all(Array.from({ length: CLUBS }, () => signupClub(a.url)));
    // Every board on A, taking full snapshots.
    boards = await Promise.all(clubs.map((c) => connected(a.url, c.token)));
    versions = (await Promise.all(boards.map((x) => x.rec.next("board:snapshot")))).map((s) => s.version);
    // Both processes registered, and each has read the other (they read the set every 2 s).
    await eventually(async () => expect(await redis.zcount(`${REDIS_PREFIX}board-owners`, Date.now(), "+inf")).toBe(2));
    await sleep(2_500);
    // the signups' own recomputes over
    await eventually(async () => {
      const then = (await recomputes(a)) + (await recomputes(b));
      await sleep(300);
      expect((await recomputes(a)) + (await recomputes(b))).toBe(then);
    }, 10_000);

    // A round: every club changed through A; each change recomputed exactly once, on
    // one process or the other. (A process reads the set every 2 s: if one has not read
    // the other yet it owns everything for that round, so rounds repeat until both
    // worked — with the old code B never recomputed anything.)
    const done = { a: 0, b: 0 };
    for (let round = 0; round < 5 && (done.a === 0 || done.b === 0); round++) {
      const before = { a: await recomputes(a), b: await recomputes(b) };
      for (const x of boards) expect(await x.socket.emitWithAck("board:refresh")).toEqual({ ok: true });
      const next = await Promise.all(boards.map((x, i) => x.rec.next("board:snapshot", (s) => s.version > versions[i]!)));
      expect(next.map((s, i) => s.version - versions[i]!)).toEqual(clubs.map(() => 1));
      versions = next.map((s) => s.version);
      // (a recompute is counted when its broadcasts are over, just after the boards got them)
      const counted = async () => ({ a: (await recomputes(a)) - before.a, b: (await recomputes(b)) - before.b });
      await eventually(async () => {
        const n = await counted();
        expect(n.a + n.b).toBe(CLUBS);
      });
      await sleep(300);
      const thisRound = await counted();
      expect(thisRound.a + thisRound.b).toBe(CLUBS);
      done.a += thisRound.a;
      done.b += thisRound.b;
    }
    // some on each process (all twelve of a round on one, with both registered: 1 in 2,048)
    expect(done.a).toBeGreaterThan(0);
    expect(done.b).toBeGreaterThan(0);
  });

  it("hands a write's reps to the owner: it re-reads only them, and a board built from deltas equals a full read", async () => {
    // A club owned by B (all writes come through A): found by which process recomputes its first write.
    let club: Club | undefined;
    let customer: { id: string } | undefined;
    for (let i = 0; i < 8 && !club; i++) {
      const c = await makeClub(a.url, `owners-partial-${i}-${Date.now().toString(36)}`);
      const made = await newCustomer(a.url, c.rep1.token, { name: `客户 ${i}`, status: "active" });
      await quiet();
      const before = await recomputes(b);
      await addRevenue(a.url, c.rep1.token, { customerId: made.id, amount: 100, occurredAt: new Date().toISOString() });
      await quiet();
      if ((await recomputes(b)) > before) {
        club = c;
        customer = made;
      }
    }
    if (!club || !customer) throw new Error("no club owned by B in eight");
    const board = boardClient(b.url, club.manager.token);
    await openBoard(board);
    const partial = await reads(b, "partial");
    for (const amount of [1_000, 2_000, 3_000]) {
      await addRevenue(a.url, club.rep1.token, { customerId: customer.id, amount, occurredAt: new Date().toISOString() });
      await quiet();
      await matchesFullRead(board);
    }
    const rows = (board.boards.leaderboard as { month: { repId: string; revenue: number }[] }).month;
    expect(rows.find((r) => r.repId === club.rep1.id)?.revenue).toBe(6_100);
    expect(await reads(b, "partial")).toBeGreaterThanOrEqual(partial + 3);
    board.socket.disconnect();
  }, 60_000);

  it("recomputes a change on the writing process when the owner has gone without a word", async () => {
    // B killed: it is still in the set and in the adapter's list of processes for seconds.
    b.child.kill("SIGKILL");
    await new Promise((resolve) => b.child.once("exit", resolve));
    for (const x of boards) expect(await x.socket.emitWithAck("board:refresh")).toEqual({ ok: true });
    const next = await Promise.all(boards.map((x, i) => x.rec.next("board:snapshot", (s) => s.version > versions[i]!, 15_000)));
    expect(next.every((s, i) => s.version > versions[i]!)).toBe(true);
    for (const x of boards) x.socket.disconnect();
  }, 30_000);
});
