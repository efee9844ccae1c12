/**
 * Live push: boards (socket.io clients in their own process, bench/boards-client.ts)
 * connected as managers across many clubs, while reps write revenue at a fixed rate
 * through the API. For every write, the time from its commit (the HTTP response
 * reaching the writer) to each board of its club receiving `revenue:recorded`, and to each
 * board receiving the first board event after it (the board that shows the write); the
 * bytes of board events each board received per write; the server's resident memory.
 */

import type { ReadyMessage, ResultsMessage, StartMessage } from "./boards-client.ts";
import { type CpuMeter, type CpuUse, treeRss } from "./cpu.ts";
import { percentile } from "./load.ts";
import { spawnTsx } from "./procs.ts";
import type { SeededClub } from "./seed.ts";

export interface LiveOptions {
  writeUrl: string;
  boardUrl: string;
  clubs: SeededClub[];
  sockets: number;
  ratePerS: number;
  durationS: number;
  /** processes the boards are spread over (default 4) */
  clientProcs?: number;
  /** boards opt in to deltas, as the web app does (default true) */
  deltas?: boolean;
  /** sockets connecting at once, over all processes (default 25) */
  connectConcurrency?: number;
  /** the pid of the server the boards connect to: its resident memory is reported */
  boardServerPid?: number;
  /** CPU of the servers and PostgreSQL from the first write until the last pushes arrived, per write (cpu.ts) */
  cpu?: () => Promise<CpuMeter>;
  log?: (line: string) => void;
}

export interface LiveStats {
  sockets: number;
  socketsFailed: number;
  firstError: string | null;
  connectMs: number;
  clubs: number;
  writes: number;
  writesOk: number;
  writeP50: number;
  writeP99: number;
  /** receipts of revenue:recorded / (writes × sockets of the write's club) */
  delivered: number;
  expected: number;
  /** from the write's HTTP response (commit) to the board */
  p50: number;
  p99: number;
  max: number;
  /** from the write's request start (an upper bound: includes the write itself) */
  fromSendP50: number;
  fromSendP99: number;
  /** from the write's HTTP response (commit) to each board's first board event after the write's revenue:recorded */
  boardP50: number;
  boardP99: number;
  boardMax: number;
  /** the board figures of the writes to the first club (the big one), and of the writes to every other club */
  boardBigClub: { writes: number; p50: number; p99: number };
  boardOtherClubs: { writes: number; p50: number; p99: number };
  /** board p99 (ms) of the writes sent in each quarter of the run, in order: a cold start shows as a high first quarter */
  boardP99ByQuarter: number[];
  /** (write, board) pairs that received such a board event, of `expected` */
  boardDelivered: number;
  boardEvents: number;
  /** board events (delta, snapshot, leaderboard:update) received: how many and their bytes */
  boardBytes: Record<string, { n: number; bytes: number }>;
  /** all board bytes received / (writes × boards of the write's club) */
  bytesPerWriteBoard: number;
  /** boards opted in to deltas */
  deltas: boolean;
  /** sockets that had their connect snapshot before the writes began */
  snapshotted: number;
  /** the boards' server: resident memory (MB) of its largest process before the boards connected, once connected, after the writes; per 1,000 sockets */
  serverRssMB?: { before: number; connected: number; after: number; per1000Sockets: number };
  /** CPU per write sent, writes and pushes together (servers, PostgreSQL's client backends) */
  cpu?: CpuUse;
  leaderboardUpdates: number;
  disconnects: number;
  clientProcs: number;
  /** the boards processes' own event-loop delay (worst p99, worst max): receipts can be this late on the measuring side */
  clientLoopP99: number;
  clientLoopMax: number;
}

const nowMs = () => performance.timeOrigin + performance.now();
const r2 = (x: number) => Math.round(x * 100) / 100;

/** One write of the live phases: revenue on the writer's customer, as a rep's phone sends it. */
function postRevenue(writeUrl: string, w: { token: string; customer: string }, amount: number, at: number) {
  return fetch(`${writeUrl}/api/v1/revenue`, {
    method: "POST",
    headers: { authorization: `Bearer ${w.token}`, "content-type": "application/json" },
    body: JSON.stringify({ customerId: w.customer, amount, businessLine: "catering", occurredAt: new Date(at).toISOString() }),
    signal: AbortSignal.timeout(10_000),
  });
}

export async function measureLive(o: LiveOptions): Promise<LiveStats> {
  const log = o.log ?? (() => {});
  // Boards: the clubs' manager sessions, round-robin across clubs up to `sockets`.
  const clubs = o.clubs.filter((c) => c.boardTokens.length > 0);
  const tokens: string[][] = clubs.map(() => []);
  let total = 0;
  for (let round = 0; total < o.sockets; round++) {
    let added = false;
    clubs.forEach((c, i) => {
      if (total < o.sockets && round < c.boardTokens.length) {
        tokens[i]!.push(c.boardTokens[round]!);
        total++;
        added = true;
      }
    });
    if (!added) break;
  }
  // The boards live in several processes (clubs dealt round-robin), as they would in
  // many browsers: one process decoding a big club's boards would otherwise hold up
  // the receipt (and so the measured time) of every other club's events.
  const procs = Math.max(1, Math.min(o.clientProcs ?? 4, clubs.length));
  const rss = () => (o.boardServerPid ? (treeRss(o.boardServerPid)?.largest ?? 0) / 2 ** 20 : 0);
  const rssBefore = rss();
  const children = Array.from({ length: procs }, () => boardsProcess());
  try {
    const starts: StartMessage[] = children.map(() => ({
      type: "start",
      url: o.boardUrl,
      clubs: [],
      socketBase: 0,
      // 25 connecting at once in all (by default), as with one process
      connectConcurrency: Math.max(1, Math.round((o.connectConcurrency ?? 25) / procs)),
      deltas: o.deltas !== false,
    }));
    clubs.forEach((c, i) => {
      starts[i % procs]!.clubs.push({ tenantId: c.tenantId, tokens: tokens[i]!, index: i });
    });
    let base = 0;
    for (const st of starts) {
      st.socketBase = base;
      base += st.clubs.reduce((n, c) => n + c.tokens.length, 0);
    }
    children.forEach((ch, i) => {
      ch.proc.send(starts[i]!);
    });
    // Connecting takes a handshake (a session look-up) and a snapshot per board: allow for many.
    const readies = await Promise.all(children.map((ch) => ch.waitFor<ReadyMessage>("ready", 120_000 + 40 * o.sockets)));
    const ready = {
      connected: readies.reduce((n, r) => n + r.connected, 0),
      failed: readies.reduce((n, r) => n + r.failed, 0),
      firstError: readies.find((r) => r.firstError)?.firstError ?? null,
      connectMs: Math.max(...readies.map((r) => r.connectMs)),
      snapshotted: readies.reduce((n, r) => n + r.snapshotted, 0),
      perClub: Object.assign({}, ...readies.map((r) => r.perClub)) as Record<number, number>,
    };
    const rssConnected = rss();
    log(
      `  live: ${ready.connected} boards connected in ${ready.connectMs} ms (${ready.failed} failed, ${ready.snapshotted} snapshots)${o.boardServerPid ? `; server RSS ${Math.round(rssBefore)} → ${Math.round(rssConnected)} MB` : ""}`,
    );

    // Writers: every club's reps with active customers, rotating across clubs.
    const writers: { club: number; token: string; customer: string }[] = [];
    const maxPer = Math.max(...clubs.map((c) => c.writers.length));
    for (let k = 0; k < maxPer; k++) {
      clubs.forEach((c, i) => {
        const w = c.writers[k];
        if (w) writers.push({ club: i, token: w.token, customer: w.active[k % w.active.length]! });
      });
    }
    if (writers.length === 0) throw new Error("no writers seeded");
    // Warm-up, not counted: one write per club at the same rate, then a pause. A server
    // process just started (the two-process pair is) otherwise spends its first second
    // opening its database connections and doing each club's first recompute on its
    // owner (every rep read, a whole snapshot where it holds no base): measured, that put
    // 40–70 of the first writes at 40–250 ms and every club's board tail with them.
    const warm = clubs.map((_, i) => writers.find((w) => w.club === i)).filter((w) => w !== undefined);
    for (const [i, w] of warm.entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, 1000 / o.ratePerS));
      await postRevenue(o.writeUrl, w, 100, Date.now()).catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 1_000));
    for (const ch of children) ch.proc.send({ type: "reset" });
    await Promise.all(children.map((ch) => ch.waitFor<{ type: "reset" }>("reset", 30_000)));
    const meter = o.cpu ? await o.cpu() : undefined;
    const n = Math.round(o.ratePerS * o.durationS);
    const interval = 1000 / o.ratePerS;
    const writes: { id: string | null; club: number; send: number; resp: number; status: number }[] = [];
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    const sendStart = nowMs();
    const deadline = t0 + (o.durationS + 10) * 1000;
    for (let i = 0; i < n && performance.now() < deadline; i++) {
      const wait = t0 + i * interval - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const w = writers[i % writers.length]!;
      const send = nowMs();
      pending.push(
        postRevenue(o.writeUrl, w, 100 + (i % 50) * 10, send).then(
          async (res) => {
            const resp = nowMs();
            const json = (await res.json().catch(() => ({}))) as { id?: string };
            writes.push({ id: res.status === 201 ? (json.id ?? null) : null, club: w.club, send, resp, status: res.status });
          },
          () => {
            writes.push({ id: null, club: w.club, send, resp: nowMs(), status: 0 });
          },
        ),
      );
    }
    await Promise.all(pending);
    // Let the last pushes (and a coalesced board recompute) arrive.
    await new Promise((r) => setTimeout(r, Math.min(1500, 300 + 200 * o.durationS)));
    const rssAfter = rss();
    // per write sent: a write that timed out at the client still did its work at the server
    const cpu = meter ? await meter.stop(writes.length) : undefined;
    for (const ch of children) ch.proc.send({ type: "stop" });
    const all = await Promise.all(children.map((ch) => ch.waitFor<ResultsMessage>("results", 30_000)));
    const results = {
      revenue: all.flatMap((r) => r.revenue),
      boards: all.flatMap((r) => r.boards),
      boardFor: all.flatMap((r) => r.boardFor),
      disconnects: all.reduce((n, r) => n + r.disconnects, 0),
    };
    const boardBytes: Record<string, { n: number; bytes: number }> = {};
    for (const r of all)
      for (const [event, b] of Object.entries(r.bytes)) {
        const t = boardBytes[event] ?? { n: 0, bytes: 0 };
        t.n += b.n;
        t.bytes += b.bytes;
        boardBytes[event] = t;
      }

    const byId = new Map(writes.filter((w) => w.id).map((w) => [w.id!, w]));
    const fromResp: number[] = [];
    const fromSend: number[] = [];
    for (const [id, , recv] of results.revenue) {
      const w = byId.get(id);
      if (!w) continue;
      fromResp.push(recv - w.resp);
      fromSend.push(recv - w.send);
    }
    const expected = writes.filter((w) => w.id).reduce((s, w) => s + (ready.perClub[w.club] ?? 0), 0);
    // Board refreshes: per write and board, the first board event after the write's event.
    const boardLat: number[] = [];
    // split by the club written to: the first club is the big one (500 reps at scale 1),
    // whose boards take the longest to recompute and whose writes come in bursts
    const boardLatBig: number[] = [];
    const boardLatOthers: number[] = [];
    const boardLatByQuarter: number[][] = [[], [], [], []];
    const span = Math.max(1, o.durationS * 1000);
    for (const [id, , recv] of results.boardFor) {
      const w = byId.get(id);
      if (!w) continue;
      boardLat.push(recv - w.resp);
      (w.club === 0 ? boardLatBig : boardLatOthers).push(recv - w.resp);
      boardLatByQuarter[Math.min(3, Math.floor(((w.send - sendStart) / span) * 4))]!.push(recv - w.resp);
    }
    const sorted = (xs: number[]) => Float64Array.from(xs).sort();
    const a = sorted(fromResp);
    const b = sorted(fromSend);
    const c = sorted(boardLat);
    const wl = sorted(writes.filter((w) => w.id).map((w) => w.resp - w.send));
    return {
      sockets: ready.connected,
      socketsFailed: ready.failed,
      firstError: ready.firstError,
      connectMs: ready.connectMs,
      clubs: Object.values(ready.perClub).filter((x) => x > 0).length,
      writes: writes.length,
      writesOk: byId.size,
      writeP50: r2(percentile(wl, 50)),
      writeP99: r2(percentile(wl, 99)),
      delivered: fromResp.length,
      expected,
      p50: r2(percentile(a, 50)),
      p99: r2(percentile(a, 99)),
      max: r2(a.length ? a[a.length - 1]! : Number.NaN),
      fromSendP50: r2(percentile(b, 50)),
      fromSendP99: r2(percentile(b, 99)),
      boardP50: r2(percentile(c, 50)),
      boardP99: r2(percentile(c, 99)),
      boardMax: r2(c.length ? c[c.length - 1]! : Number.NaN),
      boardBigClub: {
        writes: writes.filter((w) => w.id && w.club === 0).length,
        p50: r2(percentile(sorted(boardLatBig), 50)),
        p99: r2(percentile(sorted(boardLatBig), 99)),
      },
      boardOtherClubs: {
        writes: writes.filter((w) => w.id && w.club !== 0).length,
        p50: r2(percentile(sorted(boardLatOthers), 50)),
        p99: r2(percentile(sorted(boardLatOthers), 99)),
      },
      boardP99ByQuarter: boardLatByQuarter.map((q) => r2(percentile(sorted(q), 99))),
      boardDelivered: boardLat.length,
      boardEvents: results.boards.length,
      boardBytes,
      bytesPerWriteBoard: expected > 0 ? Math.round(Object.values(boardBytes).reduce((n, b) => n + b.bytes, 0) / expected) : 0,
      deltas: o.deltas !== false,
      snapshotted: ready.snapshotted,
      ...(cpu ? { cpu } : {}),
      ...(o.boardServerPid
        ? {
            serverRssMB: {
              before: Math.round(rssBefore),
              connected: Math.round(rssConnected),
              after: Math.round(rssAfter),
              per1000Sockets: ready.connected > 0 ? Math.round(((rssConnected - rssBefore) / ready.connected) * 1000 * 10) / 10 : 0,
            },
          }
        : {}),
      leaderboardUpdates: results.boards.filter((x) => x[3] === "leaderboard:update").length,
      disconnects: results.disconnects,
      clientProcs: procs,
      clientLoopP99: Math.max(...all.map((r) => r.loopDelay.p99)),
      clientLoopMax: Math.max(...all.map((r) => r.loopDelay.max)),
    };
  } finally {
    await Promise.all(children.map((ch) => ch.stop()));
  }
}

/** One boards process and a way to wait for its messages. */
function boardsProcess() {
  const child = spawnTsx("test/bench/boards-client.ts", { NODE_ENV: "production" }, { ipc: true });
  const messages: (ReadyMessage | ResultsMessage)[] = [];
  const waiters: (() => void)[] = [];
  child.proc.on("message", (m: ReadyMessage | ResultsMessage) => {
    messages.push(m);
    for (const w of waiters.splice(0)) w();
  });
  let exitedAt: number | undefined;
  const waitFor = async <T extends ReadyMessage | ResultsMessage | { type: "reset" }>(type: T["type"], timeoutMs: number): Promise<T> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find((m) => m.type === type);
      if (found) return found as T;
      // An exit may be seen just before its last message: give the channel a moment.
      if (child.proc.exitCode !== null) {
        exitedAt ??= Date.now();
        if (Date.now() - exitedAt > 2_000)
          throw new Error(`boards process exited (${child.proc.exitCode}) without ${type}: ${child.output()}`);
      }
      if (Date.now() > until) throw new Error(`boards process: no ${type} within ${timeoutMs} ms: ${child.output()}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 200);
      });
    }
  };
  return { ...child, waitFor };
}
