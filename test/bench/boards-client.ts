/**
 * The live boards, in their own process: many socket.io clients (managers' boards)
 * that record when each event arrives. Driven by the bench over IPC:
 *   → {type: "start", url, clubs: [{tenantId, tokens}], connectConcurrency}
 *   ← {type: "ready", connected, failed, firstError}
 *   → {type: "stop"}
 *   ← {type: "results", revenue: [id, clubIdx, recvMs][], boards: [clubIdx, socketIdx, recvMs, event][]}
 * Times are epoch milliseconds with sub-millisecond precision (timeOrigin + now()).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";

export interface StartMessage {
  type: "start";
  url: string;
  /** `index`: the club's index in the whole run (results carry it) */
  clubs: { tenantId: string; tokens: string[]; index: number }[];
  /** the first socket's index in the whole run */
  socketBase: number;
  connectConcurrency: number;
}
export interface ReadyMessage {
  type: "ready";
  connected: number;
  failed: number;
  firstError: string | null;
  connectMs: number;
  /** connected sockets per club index (of the whole run) */
  perClub: Record<number, number>;
}
export interface ResultsMessage {
  type: "results";
  /** revenue:recorded receipts: entry id, club index, receive time */
  revenue: [string, number, number][];
  /** leaderboard:update or board:snapshot receipts: club index, socket index, receive time, event */
  boards: [number, number, number, string][];
  disconnects: number;
  /** this process's event-loop delay while recording (ms): a late receipt may be this process's own lateness */
  loopDelay: { p50: number; p99: number; max: number };
}

const nowMs = () => performance.timeOrigin + performance.now();
const sockets: Socket[] = [];
const revenue: [string, number, number][] = [];
const boards: [number, number, number, string][] = [];
let disconnects = 0;
let recording = false;
const loop = monitorEventLoopDelay({ resolution: 10 });

function send(msg: ReadyMessage | ResultsMessage, then?: () => void) {
  process.send?.(msg, undefined, {}, () => then?.());
}

async function start(m: StartMessage) {
  const t0 = performance.now();
  const jobs: { club: number; token: string; sock: number }[] = [];
  for (const c of m.clubs) {
    for (const token of c.tokens) jobs.push({ club: c.index, token, sock: m.socketBase + jobs.length });
  }
  let connected = 0;
  const perClub: Record<number, number> = {};
  let failed = 0;
  let firstError: string | null = null;
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      const socket = io(m.url, {
        transports: ["websocket"],
        auth: { token: job.token },
        forceNew: true,
        reconnection: false,
        timeout: 10_000,
      });
      socket.on("revenue:recorded", (p: { id: string }) => {
        if (recording) revenue.push([p.id, job.club, nowMs()]);
      });
      socket.on("leaderboard:update", () => {
        if (recording) boards.push([job.club, job.sock, nowMs(), "leaderboard:update"]);
      });
      socket.on("board:snapshot", () => {
        if (recording) boards.push([job.club, job.sock, nowMs(), "board:snapshot"]);
      });
      socket.on("disconnect", () => {
        if (recording) disconnects++;
      });
      const ok = await new Promise<boolean>((r) => {
        socket.once("connect", () => r(true));
        socket.once("connect_error", (err) => {
          firstError ??= err.message;
          r(false);
        });
      });
      if (ok) {
        connected++;
        perClub[job.club] = (perClub[job.club] ?? 0) + 1;
        sockets.push(socket);
      } else {
        failed++;
        socket.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, m.connectConcurrency) }, worker));
  // The snapshot each socket gets on connect is not part of the measurement.
  await new Promise((r) => setTimeout(r, 300));
  disconnects = 0;
  recording = true;
  loop.enable();
  send({ type: "ready", connected, failed, firstError, connectMs: Math.round(performance.now() - t0), perClub });
}

function stop() {
  recording = false;
  loop.disable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const loopDelay = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
  for (const s of sockets) s.close();
  // No exit of its own: a big club's receipts make a message of megabytes, which an
  // exit soon after sending cut off (the bench stops this process once it has them).
  send({ type: "results", revenue, boards, disconnects, loopDelay });
}

process.on("message", (m: StartMessage | { type: "stop" }) => {
  if (m.type === "start") void start(m);
  else if (m.type === "stop") stop();
});
process.on("disconnect", () => process.exit(0));
// Never outlive the bench by much: a hard stop after 10 minutes.
setTimeout(() => process.exit(2), 10 * 60_000).unref();
