/**
 * Live push: boards (socket.io clients in their own process, bench/boards-client.ts)
 * connected as managers across many clubs, while reps write revenue at a fixed rate
 * through the API. For every write, the time from its commit (the HTTP response
 * reaching the writer) to each board of its club receiving `revenue:recorded`.
 */
import type { ReadyMessage, ResultsMessage, StartMessage } from "./boards-client.ts";
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
  /** first board:snapshot / leaderboard:update at each board after the write (coalesced per club) */
  boardP50: number;
  boardP99: number;
  boardEvents: number;
  leaderboardUpdates: number;
  disconnects: number;
  clientProcs: number;
  /** the boards processes' own event-loop delay (worst p99, worst max): receipts can be this late on the measuring side */
  clientLoopP99: number;
  clientLoopMax: number;
}

const nowMs = () => performance.timeOrigin + performance.now();
const r2 = (x: number) => Math.round(x * 100) / 100;

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
  const children = Array.from({ length: procs }, () => boardsProcess());
  try {
    const starts: StartMessage[] = children.map(() => ({
      type: "start",
      url: o.boardUrl,
      clubs: [],
      socketBase: 0,
      // 25 connecting at once in all, as with one process
      connectConcurrency: Math.max(1, Math.round(25 / procs)),
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
    const readies = await Promise.all(children.map((ch) => ch.waitFor<ReadyMessage>("ready", 120_000)));
    const ready = {
      connected: readies.reduce((n, r) => n + r.connected, 0),
      failed: readies.reduce((n, r) => n + r.failed, 0),
      firstError: readies.find((r) => r.firstError)?.firstError ?? null,
      connectMs: Math.max(...readies.map((r) => r.connectMs)),
      perClub: Object.assign({}, ...readies.map((r) => r.perClub)) as Record<number, number>,
    };
    log(`  live: ${ready.connected} boards connected in ${ready.connectMs} ms (${ready.failed} failed)`);

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
    const n = Math.round(o.ratePerS * o.durationS);
    const interval = 1000 / o.ratePerS;
    const writes: { id: string | null; club: number; send: number; resp: number; status: number }[] = [];
    const pending: Promise<void>[] = [];
    const t0 = performance.now();
    const deadline = t0 + (o.durationS + 10) * 1000;
    for (let i = 0; i < n && performance.now() < deadline; i++) {
      const wait = t0 + i * interval - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const w = writers[i % writers.length]!;
      const send = nowMs();
      const body = JSON.stringify({
        customerId: w.customer,
        amount: 100 + (i % 50) * 10,
        businessLine: "catering",
        occurredAt: new Date(send).toISOString(),
      });
      pending.push(
        fetch(`${o.writeUrl}/api/v1/revenue`, {
          method: "POST",
          headers: { authorization: `Bearer ${w.token}`, "content-type": "application/json" },
          body,
          signal: AbortSignal.timeout(10_000),
        }).then(
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
    for (const ch of children) ch.proc.send({ type: "stop" });
    const all = await Promise.all(children.map((ch) => ch.waitFor<ResultsMessage>("results", 30_000)));
    const results = {
      revenue: all.flatMap((r) => r.revenue),
      boards: all.flatMap((r) => r.boards),
      disconnects: all.reduce((n, r) => n + r.disconnects, 0),
    };

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
    // Board refreshes: per socket, the first board event after each write of its club.
    const perSocket = new Map<number, { club: number; times: number[] }>();
    for (const [club, sock, recv] of results.boards) {
      const e = perSocket.get(sock) ?? { club, times: [] };
      e.times.push(recv);
      perSocket.set(sock, e);
    }
    const boardLat: number[] = [];
    const writesByClub = new Map<number, number[]>();
    for (const w of writes) if (w.id) writesByClub.set(w.club, [...(writesByClub.get(w.club) ?? []), w.resp]);
    for (const { club, times } of perSocket.values()) {
      times.sort((a, b) => a - b);
      for (const resp of writesByClub.get(club) ?? []) {
        let lo = 0;
        let hi = times.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (times[mid]! <= resp) lo = mid + 1;
          else hi = mid;
        }
        if (lo < times.length) boardLat.push(times[lo]! - resp);
      }
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
      boardEvents: results.boards.length,
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
  const waitFor = async <T extends ReadyMessage | ResultsMessage>(type: T["type"], timeoutMs: number): Promise<T> => {
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
