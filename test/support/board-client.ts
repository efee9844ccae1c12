import { io, type Socket } from "socket.io-client";
import { expect } from "vitest";
import { applyDelta, type BoardDelta } from "../../server/src/realtime/board-delta.ts";
import type { BoardSyncReply, ClientToServerEvents, ServerToClientEvents } from "../../server/src/realtime/events.ts";
import { eventually } from "./live.ts";

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;
export type Boards = Record<string, unknown>;

/**
 * A board as the web app keeps one (web/src/live.ts): the connect snapshot, then deltas
 * applied with the same board-delta.ts, a sync when a delta's `from` is not the version
 * held (a snapshot older than the version held is ignored). It counts what it gets: every
 * byte the socket receives (engine packets), every event, the deltas (each with its
 * size), the snapshots and the syncs. `deltas: false` is a client that never opted in
 * (full snapshots and `leaderboard:update`). Not connected until `openBoard`.
 */
export function boardClient(url: string, token: string, opts: { deltas?: boolean } = {}) {
  const socket: Client = io(url, {
    autoConnect: false,
    forceNew: true,
    transports: ["websocket"],
    auth: { token, deltas: opts.deltas ?? true },
    reconnection: false,
  });
  const s = {
    socket,
    version: null as number | null,
    boards: {} as Boards,
    bytes: 0,
    syncs: 0,
    snapshots: 0,
    deltas: [] as { d: BoardDelta; bytes: number }[],
    events: [] as { event: string; payload: unknown }[],
    sync(): Promise<BoardSyncReply> {
      return new Promise((done) => socket.emit("board:sync", done));
    },
  };
  socket.io.on("open", () =>
    socket.io.engine.on("packet", (p: { data?: unknown }) => {
      s.bytes += typeof p.data === "string" ? Buffer.byteLength(p.data) : p.data instanceof ArrayBuffer ? p.data.byteLength : 0;
    }),
  );
  socket.onAny((event: string, payload: unknown) => s.events.push({ event, payload }));
  socket.on("board:snapshot", (e) => {
    s.snapshots++;
    if (s.version !== null && e.version < s.version) return;
    s.version = e.version;
    s.boards = e.boards;
  });
  socket.on("board:delta", async (d: BoardDelta) => {
    s.deltas.push({ d, bytes: Buffer.byteLength(JSON.stringify(d)) });
    if (s.version !== null && d.version <= s.version) return;
    if (d.from !== s.version) {
      s.syncs++;
      const r = await s.sync();
      if (r.ok && (s.version === null || r.version >= s.version)) {
        s.version = r.version;
        s.boards = r.boards;
      }
      return;
    }
    s.boards = applyDelta(s.boards, d);
    s.version = d.version;
  });
  return s;
}
export type BoardClient = ReturnType<typeof boardClient>;

/** Connects the client and waits for its first board. */
export async function openBoard(c: BoardClient, timeoutMs = 5_000) {
  await new Promise<void>((ok, fail) => {
    c.socket.once("connect", () => ok());
    c.socket.once("connect_error", fail);
    c.socket.connect();
  });
  await eventually(() => expect(c.version).not.toBeNull(), timeoutMs);
}

/** The board the client holds is the one a full read gives (`board:sync`), at the same version: waits until it is. */
export async function matchesFullRead(c: BoardClient, timeoutMs = 10_000) {
  await eventually(async () => {
    const fresh = await c.sync();
    if (!fresh.ok) throw new Error("no snapshot");
    expect(c.version).toBe(fresh.version);
    expect(c.boards).toEqual(fresh.boards);
  }, timeoutMs);
}
