import type { Server as HttpServer } from "node:http";
import type { Server, Socket } from "socket.io";
import { isLead, isManager } from "../access/actor.ts";
import type { BoardDelta } from "./board-delta.ts";
import type { ClientToServerEvents, InterServerEvents, LivePublisher, ServerToClientEvents, SocketData } from "./events.ts";
import { roomOf } from "./events.ts";

export const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A burst of board changes costs one recompute per club per this window (per process), or longer for a slow club (below). */
export const BOARD_COALESCE_MS = 10;
/** A club whose recompute is slow waits at least this many times its last recompute before the next (coalesce.ts `stretch`). */
export const BOARD_COALESCE_STRETCH = 1;
/** Writes naming more reps than this between two recomputes of a club have them read every rep (leaderboard/boards.ts). */
export const MAX_TOUCHED_REPS = 100;
/** How long a dropped client may be away and still get its missed events replayed. */
export const RECOVERY_WINDOW_MS = 2 * 60_000;
/** A recompute that failed (Redis away, a query failed) is tried again after this. */
export const BOARD_RETRY_MS = 1_000;
/** Every socket's session is looked up again this often, so an expired one does not linger. */
export const SESSION_SWEEP_MS = 5 * 60_000;
/** Redis names: one stream for every process of a deployment, keys under one prefix. */
export const REDIS_STREAM = "clubhouse:live";
export const REDIS_PREFIX = "clubhouse:";

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface LiveChannel {
  io: LiveServer;
  publisher: LivePublisher;
  mode: "memory" | "redis";
  /** Whether events cross processes right now: always false without Redis. */
  fanningOut(): boolean;
  /** Serve socket.io on the API's HTTP server (same port, path /socket.io). */
  attach(http: HttpServer): void;
  /** Whether a club's boards have a recompute running or due, or a coalescing window open on this process (quiet: false). */
  boardsBusy(tenantId: string): boolean;
  /** Whether this process owns the club (owners.ts): recomputes its boards and runs its background jobs. Always true without Redis. */
  ownsClub(tenantId: string): boolean;
  /** Close every socket (their sessions stay recoverable on another process), the adapter and Redis. */
  close(): Promise<void>;
}

/** The room of one login session, so that ending it disconnects exactly its sockets. */
export function sessionRoom(tenantId: string, sessionId: string): string {
  return `club:${tenantId}:session:${sessionId}`;
}

/** The club's sockets that take board deltas, and those that take full snapshots and `leaderboard:update` (docs/realtime.md). */
export function boardFormRoom(tenantId: string, deltas: boolean): string {
  return `club:${tenantId}:${deltas ? "deltas" : "full"}`;
}

/** Whether a handshake opts in to board deltas. */
export function wantsDeltas(auth: unknown): boolean {
  return typeof auth === "object" && auth !== null && (auth as { deltas?: unknown }).deltas === true;
}

/**
 * How many clubs' last snapshots a process keeps to diff the next one against, the least
 * recently changed going first. Above it, a club whose base went gets a full snapshot on
 * its next change: it must stay above the clubs whose boards one process serves (10,000
 * boards over 1,000 clubs with 500 bases sent nearly every change as a full snapshot).
 */
export const DELTA_BASES = 10_000;

/** Sets `key` as the most recent entry of `map` (a Map keeps insertion order); the least recent go beyond `limit`. */
export function keepRecent<K, V>(map: Map<K, V>, key: K, value: V, limit = DELTA_BASES): V {
  map.delete(key);
  map.set(key, value);
  while (map.size > limit) map.delete(map.keys().next().value as K);
  return value;
}

/**
 * Every room a socket belongs to: its club, managers or its rep room (a lead: the room
 * of the team they lead, if any), its user and its session, and how it takes boards.
 */
export function roomsOfSocket(d: SocketData): string[] {
  const rooms = [
    roomOf(d.tenantId, { to: "club" }),
    roomOf(d.tenantId, { to: "user", userId: d.userId }),
    sessionRoom(d.tenantId, d.sessionId),
    boardFormRoom(d.tenantId, d.deltas === true),
  ];
  // A team lead joins neither the managers' room (club-wide data) nor a rep's: the club's
  // rooms, their own, and their team's, where the team's part of the boards goes (docs/access.md).
  if (isLead(d.role)) {
    if (d.teamId) rooms.push(roomOf(d.tenantId, { to: "team", teamId: d.teamId }));
    return rooms;
  }
  rooms.push(isManager(d.role) ? roomOf(d.tenantId, { to: "managers" }) : roomOf(d.tenantId, { to: "rep", repId: d.userId }));
  return rooms;
}

export const CLUB_ROOM = /^club:([0-9a-f-]{36})$/;

/** One delta of the club part and one of a team's part (their paths never meet) as one. */
export function mergeDeltas(a: BoardDelta, b: BoardDelta): BoardDelta {
  const set = { ...a.set, ...b.set };
  const unset = [...(a.unset ?? []), ...(b.unset ?? [])];
  const lists = { ...a.lists, ...b.lists };
  return {
    from: a.from,
    version: a.version,
    ...(Object.keys(set).length ? { set } : {}),
    ...(unset.length ? { unset } : {}),
    ...(Object.keys(lists).length ? { lists } : {}),
  };
}
