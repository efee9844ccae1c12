/**
 * The live boards, in their own process: many socket.io clients (managers' boards)
 * that record when each event arrives. Driven by the bench over IPC:
 *   → {type: "start", url, clubs: [{tenantId, tokens}], connectConcurrency}
 *   ← {type: "ready", connected, failed, firstError}
 *   → {type: "reset"}   (forget what was recorded so far: the bench's warm-up writes)
 *   ← {type: "reset"}
 *   → {type: "stop"}
 *   ← {type: "results", revenue: [id, clubIdx, recvMs][], boards: [clubIdx, socketIdx, recvMs, event][],
 *      boardFor: [id, clubIdx, recvMs][], bytes, …}
 * Times are epoch milliseconds with sub-millisecond precision (timeOrigin + now()).
 *
 * The boards opt in to deltas as the web app does (`auth: {deltas: true}`), unless the
 * start message says `deltas: false`. Each board event's size is the length of the
 * socket.io packet that carried it (the engine's `packet` event, just before the event
 * is decoded), so what a board receives per write is counted, not estimated.
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
  /** opt in to board deltas, as the web app does (default true) */
  deltas?: boolean;
}
export interface ReadyMessage {
  type: "ready";
  connected: number;
  failed: number;
  firstError: string | null;
  connectMs: number;
  /** sockets that received their connect snapshot before recording began */
  snapshotted: number;
  /** connected sockets per club index (of the whole run) */
  perClub: Record<number, number>;
}
export interface ResultsMessage {
  type: "results";
  /** revenue:recorded receipts: entry id, club index, receive time */
  revenue: [string, number, number][];
  /** leaderboard:update or board:snapshot receipts: club index, socket index, receive time, event */
  boards: [number, number, number, string][];
  /**
   * Per write and board: the first board event (delta, snapshot or leaderboard:update) that
   * socket received after that write's revenue:recorded — entry id, club index, receive time.
   * A socket's events arrive in the order they were sent, and a write asks for its boards'
   * recompute only after it published the event, so this is the board that shows the write
   * (unless a recompute already running when it committed came out first: then the next one does).
   */
  boardFor: [string, number, number][];
  /** bytes of board packets received while recording, by event, and how many */
  bytes: Record<string, { n: number; bytes: number }>;
  disconnects: number;
  /** this process's event-loop delay while recording (ms): a late receipt may be this process's own lateness */
  loopDelay: { p50: number; p99: number; max: number };
}

const nowMs = () => performance.timeOrigin + performance.now();
const sockets: Socket[] = [];
const revenue: [string, number, number][] = [];
const boards: [number, number, number, string][] = [];
const boardFor: [string, number, number][] = [];
const bytes: Record<string, { n: number; bytes: number }> = {};
const BOARD_EVENTS = ["board:delta", "board:snapshot", "leaderboard:update"] as const;
let disconnects = 0;
/** sockets that received their connect snapshot */
let snapshotted = 0;
let recording = false;
const loop = monitorEventLoopDelay({ resolution: 10 });

function send(msg: ReadyMessage | ResultsMessage | { type: "reset" }, then?: () => void) {
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
        auth: { token: job.token, deltas: m.deltas !== false },
        forceNew: true,
        reconnection: false,
        timeout: 10_000,
      });
      // The size of the packet being decoded: the engine reports it just before the event fires.
      let packetBytes = 0;
      socket.io.on("open", () =>
        socket.io.engine.on("packet", (p: { data?: unknown }) => {
          packetBytes = typeof p.data === "string" ? Buffer.byteLength(p.data) : 0;
        }),
      );
      // revenue:recorded ids this socket received since its last board event
      let waiting: string[] = [];
      socket.on("revenue:recorded", (p: { id: string }) => {
        if (!recording) return;
        revenue.push([p.id, job.club, nowMs()]);
        waiting.push(p.id);
      });
      for (const event of BOARD_EVENTS) {
        socket.on(event as "board:delta", () => {
          if (!recording) return;
          const at = nowMs();
          boards.push([job.club, job.sock, at, event]);
          const b = bytes[event] ?? { n: 0, bytes: 0 };
          b.n++;
          b.bytes += packetBytes;
          bytes[event] = b;
          for (const id of waiting) boardFor.push([id, job.club, at]);
          waiting = [];
        });
      }
      socket.once("board:snapshot", () => {
        snapshotted++;
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
  // The snapshot each socket gets on connect is not part of the measurement: wait for
  // every one of them (at most a minute and a half), then a moment more.
  const until = performance.now() + 90_000;
  while (snapshotted < connected && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  disconnects = 0;
  recording = true;
  loop.enable();
  send({ type: "ready", connected, failed, firstError, connectMs: Math.round(performance.now() - t0), snapshotted, perClub });
}

function reset() {
  revenue.length = 0;
  boards.length = 0;
  boardFor.length = 0;
  for (const k of Object.keys(bytes)) delete bytes[k];
  disconnects = 0;
  loop.reset();
  send({ type: "reset" });
}

function stop() {
  recording = false;
  loop.disable();
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  const loopDelay = { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) };
  for (const s of sockets) s.close();
  // No exit of its own: a big club's receipts make a message of megabytes, which an
  // exit soon after sending cut off (the bench stops this process once it has them).
  send({ type: "results", revenue, boards, boardFor, bytes, disconnects, loopDelay });
}

process.on("message", (m: StartMessage | { type: "stop" } | { type: "reset" }) => {
  if (m.type === "start") void start(m);
  else if (m.type === "reset") reset();
  else if (m.type === "stop") stop();
});
process.on("disconnect", () => process.exit(0));
// Never outlive the bench by much: a hard stop after 10 minutes.
setTimeout(() => process.exit(2), 10 * 60_000).unref();
