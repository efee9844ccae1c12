import type { Server as HttpServer } from "node:http";
import { type Role, withTenant } from "@clubhouse/db";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { Server, type Socket } from "socket.io";
import { teamOfLead } from "../access/scope.ts";
import type { AuthContext } from "../auth/session.ts";
import type { Deps } from "../deps.ts";
import { type BoardDelta, diffBoards } from "./board-delta.ts";
import { type BoardSnapshot, boardsFor, emptyBoards, isManager } from "./boards.ts";
import { Coalescer } from "./coalesce.ts";
import type {
  BoardSyncReply,
  ClientToServerEvents,
  InterServerEvents,
  LeaderboardPeriod,
  LeaderboardRow,
  LiveEvent,
  LivePublisher,
  ServerToClientEvents,
  SocketData,
} from "./events.ts";
import { roomOf } from "./events.ts";
import { type BoardGenerations, memoryGenerations, redisGenerations } from "./generations.ts";
import { authenticateHandshake, HandshakeRefused } from "./handshake.ts";
import { presentedRecovery, replay, resumable, resume, takeOverRecovery } from "./recovery.ts";
import { connectLiveRedis, type LiveRedis } from "./redis.ts";
import { type BoardVersions, memoryVersions, redisVersions } from "./versions.ts";

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A burst of board changes costs one recompute per club per this window (per process). */
export const BOARD_COALESCE_MS = 200;
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
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface LiveChannel {
  io: LiveServer;
  publisher: LivePublisher;
  mode: "memory" | "redis";
  /** Whether events cross processes right now: always false without Redis. */
  fanningOut(): boolean;
  /** Serve socket.io on the API's HTTP server (same port, path /socket.io). */
  attach(http: HttpServer): void;
  /** Close every socket (their sessions stay recoverable on another process), the adapter and Redis. */
  close(): Promise<void>;
}

/** The room of one login session, so that ending it disconnects exactly its sockets. */
export function sessionRoom(tenantId: string, sessionId: string): string {
  return `club:${tenantId}:session:${sessionId}`;
}

/** The club's sockets that take board deltas, and those that take full snapshots and `leaderboard:update` (SPEC §10). */
export function boardFormRoom(tenantId: string, deltas: boolean): string {
  return `club:${tenantId}:${deltas ? "deltas" : "full"}`;
}

/** Whether a handshake opts in to board deltas. */
export function wantsDeltas(auth: unknown): boolean {
  return typeof auth === "object" && auth !== null && (auth as { deltas?: unknown }).deltas === true;
}

/** How many clubs' last snapshots a process keeps to diff the next one against. */
export const DELTA_BASES = 500;

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
  if (d.role === "lead") {
    if (d.teamId) rooms.push(roomOf(d.tenantId, { to: "team", teamId: d.teamId }));
    return rooms;
  }
  rooms.push(isManager(d.role) ? roomOf(d.tenantId, { to: "managers" }) : roomOf(d.tenantId, { to: "rep", repId: d.userId }));
  return rooms;
}

const CLUB_ROOM = /^club:([0-9a-f-]{36})$/;

/** One delta of the club part and one of a team's part (their paths never meet) as one. */
function mergeDeltas(a: BoardDelta, b: BoardDelta): BoardDelta {
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

export async function startLive(deps: Deps): Promise<LiveChannel> {
  const { logger } = deps;
  const redis: LiveRedis | undefined = deps.config.REDIS_URL ? connectLiveRedis(deps.config.REDIS_URL, logger) : undefined;
  const versions: BoardVersions = redis ? redisVersions(redis.client, REDIS_PREFIX) : memoryVersions();
  const redisGens = redis ? redisGenerations(redis.client, REDIS_PREFIX) : undefined;
  const generations: BoardGenerations = redisGens ?? memoryGenerations();

  const io: LiveServer = new Server({
    serveClient: false,
    maxHttpBufferSize: 64 * 1024,
    // Middlewares run on a recovering connection too: a session that ended while the
    // client was away must not come back through recovery. The recovery itself is
    // ours (see recovery.ts): only after the handshake is authenticated.
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
    // With Redis the streams adapter: it fans out across processes and, unlike the
    // pub/sub adapter, keeps a log that connection-state recovery replays from.
    ...(redis
      ? {
          adapter: createAdapter(redis.forAdapter, {
            streamName: REDIS_STREAM,
            sessionKeyPrefix: `${REDIS_PREFIX}sio-session:`,
            onlyPlaintext: true,
          }),
        }
      : {}),
  });
  // socket.io would restore a session and write its missed packets before the
  // middleware ran; now the middleware does it, verified (`recover`).
  const restoreSession = takeOverRecovery(io.of("/").adapter);

  let closed = false;
  let attached = false;
  const retries = new Set<NodeJS.Timeout>();
  /** Clubs whose next version skips one, so that their clients notice they missed something. */
  const gapClubs = new Set<string>();
  /** Clubs whose recompute keeps failing: warned about once, not at every retry. */
  const failing = new Set<string>();
  const source = () => deps.boards ?? emptyBoards;

  let lastRedisWarning = 0;
  function warnIfRedisAway(what: string) {
    if (!redis || redis.client.status === "ready") return;
    const now = Date.now();
    if (now - lastRedisWarning < 10_000) return;
    lastRedisWarning = now;
    logger.warn(`live: Redis is unavailable; ${what} reached this process's sockets only`);
  }

  /** The team a lead leads now (from the database), or null; null for anyone else. */
  async function teamOfSocket(tenantId: string, userId: string, role: Role): Promise<string | null> {
    if (role !== "lead") return null;
    return withTenant(deps.database, tenantId, (tx) => teamOfLead(tx, userId));
  }

  /**
   * The teams whose rooms a recompute tells: every led team of the snapshot (and of the
   * one before, so that a part that went away is taken off). Alone (no Redis), only the
   * teams with a socket here, and for each which board forms its sockets take; with Redis
   * the sockets may be on any process, so every led team, both forms.
   */
  function teamsToTell(tenantId: string, prev: BoardSnapshot | undefined, s: BoardSnapshot) {
    const ids = new Set([...Object.keys(s.teams ?? {}), ...Object.keys(prev?.teams ?? {})]);
    const out: { teamId: string; room: string; deltas: boolean; full: boolean }[] = [];
    for (const teamId of ids) {
      const room = roomOf(tenantId, { to: "team", teamId });
      if (redis) {
        out.push({ teamId, room, deltas: true, full: true });
        continue;
      }
      const sids = io.of("/").adapter.rooms.get(room);
      if (!sids?.size) continue;
      let deltas = false;
      let full = false;
      for (const sid of sids) {
        if (io.of("/").sockets.get(sid)?.data.deltas === true) deltas = true;
        else full = true;
      }
      out.push({ teamId, room, deltas, full });
    }
    return out;
  }

  /** Per club, the last snapshot this process sent, to diff the next one against. */
  const lastSent = new Map<string, { version: number; s: BoardSnapshot }>();

  /**
   * The broadcasts of one recompute, with a turn of the event loop between them: a big
   * club's boards take milliseconds each to encode, and events of other clubs' writes
   * (revenue:recorded, …) go out in between instead of waiting for all of them. The
   * coalescer never runs one club twice at once, so a club's broadcasts stay in order.
   *
   * Sockets that opted in to deltas get `board:delta` from the previous version when this
   * process sent that one (the usual case), else the full snapshot (first recompute here,
   * a version gap, or another process minted the version in between: a delta from a
   * version the clients may not hold would only make each of them ask `board:sync`).
   * Other sockets get the full snapshot and SPEC §10's `leaderboard:update` per period.
   *
   * A team room (its lead's sockets) gets the club part and that team's part, never
   * another's: the club's emits leave the team rooms out, and each team's delta is the
   * club part's delta (worked out once) with the diff of that team's part.
   */
  async function emitSnapshot(tenantId: string, version: number, s: BoardSnapshot) {
    const club = roomOf(tenantId, { to: "club" });
    const managers = roomOf(tenantId, { to: "managers" });
    const full = boardFormRoom(tenantId, false);
    const deltas = boardFormRoom(tenantId, true);
    const prev = lastSent.get(tenantId);
    lastSent.delete(tenantId);
    lastSent.set(tenantId, { version, s });
    if (lastSent.size > DELTA_BASES) lastSent.delete(lastSent.keys().next().value as string);
    const teamRooms = teamsToTell(tenantId, prev?.s, s);
    const notClub = [managers, ...teamRooms.map((x) => x.room)];
    const teamBoards = (teamId: string) => boardsFor("lead", s, teamId);

    // One process alone with no socket here taking deltas: no diff to work out.
    const anyDeltas = !!redis || io.of("/").adapter.rooms.has(deltas);
    if (prev && prev.version === version - 1 && anyDeltas) {
      io.to(managers)
        .except(full)
        .emit("board:delta", diffBoards(boardsFor("manager", prev.s), boardsFor("manager", s), prev.version, version));
      const clubDelta = diffBoards(prev.s.club, s.club, prev.version, version);
      io.to(club)
        .except([...notClub, full])
        .emit("board:delta", clubDelta);
      for (const x of teamRooms) {
        if (!x.deltas) continue;
        const teamDelta = diffBoards(prev.s.teams?.[x.teamId] ?? {}, s.teams?.[x.teamId] ?? {}, prev.version, version);
        io.to(x.room).except(full).emit("board:delta", mergeDeltas(clubDelta, teamDelta));
      }
    } else {
      io.to(managers)
        .except(full)
        .emit("board:snapshot", { version, boards: boardsFor("manager", s) });
      await yieldTurn();
      if (closed) return;
      io.to(club)
        .except([...notClub, full])
        .emit("board:snapshot", { version, boards: s.club });
      for (const x of teamRooms) {
        if (!x.deltas) continue;
        await yieldTurn();
        if (closed) return;
        io.to(x.room)
          .except(full)
          .emit("board:snapshot", { version, boards: teamBoards(x.teamId) });
      }
    }
    await yieldTurn();
    if (closed) return;
    io.to(managers)
      .except(deltas)
      .emit("board:snapshot", { version, boards: boardsFor("manager", s) });
    await yieldTurn();
    if (closed) return;
    io.to(club)
      .except([...notClub, deltas])
      .emit("board:snapshot", { version, boards: s.club });
    for (const x of teamRooms) {
      if (!x.full) continue;
      await yieldTurn();
      if (closed) return;
      io.to(x.room)
        .except(deltas)
        .emit("board:snapshot", { version, boards: teamBoards(x.teamId) });
    }
    // SPEC §10's leaderboard:update, one per period, from the same versioned snapshot.
    const lb = s.club.leaderboard as Partial<Record<LeaderboardPeriod, LeaderboardRow[]>> | undefined;
    const at = typeof s.club.at === "string" ? s.club.at : "";
    if (lb) {
      for (const period of ["month", "quarter", "year"] as const) {
        const rows = lb[period];
        if (!rows) continue;
        await yieldTurn();
        if (closed) return;
        io.to(full).emit("leaderboard:update", { period, at, rows, version });
      }
    }
  }

  function retryLater(tenantId: string) {
    if (closed) return;
    const t = setTimeout(() => {
      retries.delete(t);
      boards.request(tenantId);
    }, BOARD_RETRY_MS);
    t.unref();
    retries.add(t);
  }

  // Mint first, then read: a snapshot then holds every write committed before its
  // version was minted, so the highest version a client has is never older than a
  // lower one, whichever process computed either.
  const boards = new Coalescer(
    BOARD_COALESCE_MS,
    async (tenantId) => {
      // One process alone and none of the club's boards open here: nobody to tell. A
      // board that opens later asks for a fresh snapshot. (With Redis, boards on other
      // processes may be open: always recompute.)
      if (!redis && !io.of("/").adapter.rooms.has(roomOf(tenantId, { to: "club" }))) return;
      const gap = gapClubs.delete(tenantId);
      let version: number;
      try {
        version = await versions.next(tenantId, { gap });
      } catch (err) {
        if (gap) gapClubs.add(tenantId);
        if (!failing.has(tenantId)) logger.warn({ err: (err as Error).message, tenantId }, "live: cannot version the boards now; retrying");
        failing.add(tenantId);
        retryLater(tenantId);
        return;
      }
      try {
        const s = await source().snapshot(tenantId);
        if (!closed) await emitSnapshot(tenantId, version, s);
        failing.delete(tenantId);
      } catch (err) {
        if (!failing.has(tenantId)) logger.warn({ err, tenantId }, "live: computing the boards failed; retrying");
        failing.add(tenantId);
        retryLater(tenantId);
      }
    },
    deps.metrics?.boards,
  );

  /**
   * Tell one local socket its session ended, then drop it. Not `socket.emit` + `socket.disconnect()`:
   * with recovery on, `socket.emit` goes through the adapter (asynchronously, with Redis) and would
   * arrive after the socket had left its rooms. Both local operations here are synchronous, in order.
   */
  function endSocket(socket: LiveSocket, reason: string) {
    io.local.to(socket.id).emit("session:ended", { reason });
    io.local.in(socket.id).disconnectSockets();
  }

  /** The rooms a socket belongs to now, by its data: any other room (a former role's) is left. */
  function joinRooms(socket: LiveSocket) {
    const want = roomsOfSocket(socket.data);
    for (const r of socket.rooms) if (r !== socket.id && !want.includes(r)) socket.leave(r);
    socket.join(want);
  }

  /**
   * The user's role changed: the socket follows it. `socket.data` is changed in place,
   * since its handlers (board:sync, board:refresh) read that object; the board it shows
   * was the other role's, so the current one replaces it.
   */
  function followRole(socket: LiveSocket, role: Role, teamId: string | null) {
    const changed = socket.data.role !== role;
    socket.data.role = role;
    socket.data.teamId = teamId;
    joinRooms(socket);
    if (changed) socket.emit("role:changed", { role });
    void currentSnapshot(socket.data).then((reply) => {
      if (reply.ok && socket.connected) socket.emit("board:snapshot", { version: reply.version, boards: reply.boards });
    });
  }

  /** Look-ups of a socket's session in flight: only the one started last may act on its answer. */
  const checks = new WeakMap<LiveSocket, number>();
  /** Sockets whose user changed and that have not been looked up since: out of the managers' room meanwhile. */
  const unsettled = new WeakSet<LiveSocket>();

  /**
   * Look a socket's session up again, in the database. Ended or expired: the socket is
   * ended (with `reason`). Its user's role changed, or the team a lead leads: the socket
   * follows it (rooms, a fresh board).
   *
   * `userChanged`: the user is known to have changed (userChanged, here or in another
   * process). The socket leaves the managers' room at once, before the look-up, so a
   * demoted manager hears nothing more meant for managers; the look-up's answer puts
   * it where its role is now, with a fresh board. If the look-up fails (the database
   * away), its transport is closed: the client reconnects through the handshake, and a
   * changed role is not recovered. Otherwise a failed look-up keeps the socket as it is.
   */
  async function recheck(socket: LiveSocket, reason: string, userChanged = false): Promise<void> {
    const n = (checks.get(socket) ?? 0) + 1;
    checks.set(socket, n);
    if (userChanged) {
      unsettled.add(socket);
      socket.leave(roomOf(socket.data.tenantId, { to: "managers" }));
      // a lead who may have lost their team hears nothing more of it meanwhile
      if (socket.data.teamId) socket.leave(roomOf(socket.data.tenantId, { to: "team", teamId: socket.data.teamId }));
    }
    let ctx: AuthContext | undefined;
    let teamId: string | null = null;
    let failed = false;
    try {
      ctx = await authenticateHandshake(deps, socket.request, socket.handshake.auth);
      teamId = await teamOfSocket(ctx.tenant.id, ctx.user.id, ctx.user.role);
    } catch (err) {
      if (!(err instanceof HandshakeRefused)) {
        failed = true;
        logger.warn({ err: (err as Error).message }, "live: could not look a socket's session up");
      }
    }
    if (closed || !socket.connected || checks.get(socket) !== n) return;
    if (failed) {
      if (unsettled.has(socket)) socket.conn.close();
      return;
    }
    if (!ctx || ctx.sessionId !== socket.data.sessionId) endSocket(socket, reason);
    else if (unsettled.delete(socket) || ctx.user.role !== socket.data.role || teamId !== (socket.data.teamId ?? null))
      followRole(socket, ctx.user.role, teamId);
  }

  /** Re-check every socket of one user on this process (their role changed). */
  function recheckUser(tenantId: string, userId: string) {
    if (closed) return;
    const sids = io.of("/").adapter.rooms.get(roomOf(tenantId, { to: "user", userId }));
    for (const sid of [...(sids ?? [])]) {
      const socket = io.of("/").sockets.get(sid);
      if (socket) recheck(socket, "all sessions ended", true).catch((err) => logger.warn({ err }, "live: re-checking a socket failed"));
    }
  }

  /**
   * Re-check this process's sockets: a session that ended or expired since they
   * connected ends them, a role that changed is followed.
   */
  async function sweepSessions() {
    for (const socket of [...io.of("/").sockets.values()]) {
      if (closed) return;
      await recheck(socket, "session ended");
    }
  }
  // Sessions expire (idle, absolute) without anyone calling endSessions.
  const sweeper = setInterval(
    () => void sweepSessions().catch((err) => logger.warn({ err }, "live: session sweep failed")),
    SESSION_SWEEP_MS,
  );
  sweeper.unref();

  /**
   * One snapshot read per club at a time, shared by every socket asking meanwhile (a
   * board wall reconnecting at once costs one read, not one per screen). Sharing is
   * safe: the version is read before the snapshot, and a socket that joined after a
   * shared read began gets any later write by the next coalesced recompute, which
   * carries a higher version.
   */
  const reading = new Map<string, Promise<{ version: number; s: BoardSnapshot }>>();
  function sharedSnapshot(tenantId: string) {
    let p = reading.get(tenantId);
    if (!p) {
      p = (async () => {
        const version = await versions.current(tenantId);
        const s = await source().snapshot(tenantId);
        // The first read of a version is the base the next recompute diffs against, so the
        // first write after boards open sends a delta, not the whole board. Never a later
        // read of a version already kept: a base may be older than what a client holds
        // (the delta's rows are whole, so they still land right), never newer.
        const kept = lastSent.get(tenantId);
        if (!kept || kept.version < version) lastSent.set(tenantId, { version, s });
        return { version, s };
      })().finally(() => reading.delete(tenantId));
      reading.set(tenantId, p);
    }
    return p;
  }

  async function currentSnapshot(d: SocketData): Promise<BoardSyncReply> {
    try {
      const { version, s } = await sharedSnapshot(d.tenantId);
      return { ok: true, version, boards: boardsFor(d.role, s, d.teamId) };
    } catch (err) {
      logger.warn({ err: (err as Error).message, tenantId: d.tenantId }, "live: no snapshot for a client now");
      // The club is refreshed for everyone as soon as a version can be minted again.
      gapClubs.add(d.tenantId);
      boards.request(d.tenantId);
      return { ok: false, error: "unavailable" };
    }
  }

  const publisher: LivePublisher = {
    publish(events: LiveEvent[]) {
      for (const e of events) {
        try {
          if (closed || !e.tenantId) continue;
          // Audiences are exact: `{to: "rep"}` reaches that rep only. Which rooms an event
          // goes to is the table of events' to say (event-table.ts, `recipientsOf`): the
          // outbox (outbox.ts, `publishCommitted`) hands one event per room named there.
          const op = io.to(roomOf(e.tenantId, e.audience));
          // The payload was checked against the table's schema where the event was announced.
          (op.emit as (ev: string, payload: unknown) => boolean)(e.event, e.payload);
        } catch (err) {
          logger.warn({ err, event: e.event }, "live: publishing an event failed");
        }
      }
      if (events.length > 0) warnIfRedisAway("events");
    },
    async boardChanged(tenantId: string) {
      if (typeof tenantId !== "string" || !tenantId) return;
      boards.request(tenantId);
      await generations.bump(tenantId);
    },
    boardGeneration(tenantId: string) {
      return generations.current(tenantId);
    },
    userChanged(tenantId: string, userId: string) {
      if (typeof tenantId !== "string" || !tenantId || closed) return;
      deps.sessionCache?.evict(tenantId, userId);
      // Other processes forget the cached sessions and re-check their sockets too.
      if (redis) {
        try {
          io.serverSideEmit("user:changed", tenantId, userId);
        } catch (err) {
          logger.warn({ err }, "live: could not tell other processes about a changed user");
        }
        warnIfRedisAway("a role change");
      }
      recheckUser(tenantId, userId);
    },
    endSessions(tenantId: string, userId: string, sessionId?: string) {
      deps.sessionCache?.evict(tenantId, userId, sessionId);
      // Other processes forget the session too (only they share an adapter with us).
      if (redis && !closed) {
        try {
          io.serverSideEmit("sessions:ended", tenantId, userId, sessionId);
        } catch (err) {
          logger.warn({ err }, "live: could not tell other processes about ended sessions");
        }
      }
      try {
        if (closed) return;
        const room = sessionId ? sessionRoom(tenantId, sessionId) : roomOf(tenantId, { to: "user", userId });
        // Same stream, same order everywhere: the notice arrives, then the disconnect.
        io.to(room).emit("session:ended", { reason: sessionId ? "signed out" : "all sessions ended" });
        io.in(room).disconnectSockets();
        warnIfRedisAway("a session end");
      } catch (err) {
        logger.warn({ err }, "live: ending sessions failed");
      }
    },
  };

  io.on("sessions:ended", (tenantId, userId, sessionId) => deps.sessionCache?.evict(tenantId, userId, sessionId));
  io.on("user:changed", (tenantId, userId) => {
    deps.sessionCache?.evict(tenantId, userId);
    recheckUser(tenantId, userId);
  });

  /** Missed packets of a verified recovery, written once the socket has joined its rooms. */
  const missed = new WeakMap<LiveSocket, unknown[][]>();

  /**
   * An authenticated handshake that presents a pid and offset resumes that session
   * only if it is the same club, user and login session, with the same role as when
   * it dropped. Anything else connects as new (a fresh pid; the client sees
   * `recovered === false` and gets a fresh snapshot). The adapter's look-up keeps only
   * packets addressed to the rooms the session had, which are its rooms now.
   */
  async function recover(socket: LiveSocket) {
    const presented = presentedRecovery(socket.handshake.auth);
    if (!presented) return;
    // Unknown, expired, already used, or a malformed offset: nothing to recover.
    const stored = await restoreSession(presented.pid, presented.offset).catch(() => null);
    if (!stored) return;
    const verdict = resumable(stored, socket.data, roomsOfSocket(socket.data));
    if (verdict === "foreign") {
      logger.info({ tenantId: socket.data.tenantId }, "live: a handshake presented another session's recovery id; connected as new");
    }
    if (verdict !== "same") return;
    resume(socket, presented.pid);
    missed.set(socket, stored.missedPackets);
  }

  io.use((socket, next) => {
    authenticateHandshake(deps, socket.request, socket.handshake.auth)
      .then(async (ctx) => {
        socket.data = {
          tenantId: ctx.tenant.id,
          userId: ctx.user.id,
          role: ctx.user.role,
          sessionId: ctx.sessionId,
          deltas: wantsDeltas(socket.handshake.auth),
          teamId: await teamOfSocket(ctx.tenant.id, ctx.user.id, ctx.user.role),
        };
        await recover(socket);
      })
      .then(
        () => next(),
        (err: unknown) => {
          if (err instanceof HandshakeRefused) return next(new Error(err.reason));
          logger.warn({ err }, "live: handshake failed");
          next(new Error("unavailable"));
        },
      );
  });

  io.on("connection", (socket: LiveSocket) => {
    // `d` is the object role changes update in place (followRole).
    const d = socket.data;
    joinRooms(socket);
    // A verified recovery: what it missed, now that it is in its rooms (and before any live event).
    const packets = missed.get(socket);
    if (packets) {
      missed.delete(socket);
      replay(socket, packets);
    }

    // One snapshot read per socket at a time: a client repeating board:sync shares it.
    let syncing: Promise<BoardSyncReply> | undefined;
    socket.on("board:sync", (ack) => {
      if (typeof ack !== "function") return;
      syncing ??= currentSnapshot(d).finally(() => {
        syncing = undefined;
      });
      void syncing.then(ack);
    });
    socket.on("board:refresh", (ack) => {
      const ok = isManager(d.role);
      if (ok) boards.request(d.tenantId);
      if (typeof ack === "function") ack({ ok });
    });

    void (async () => {
      // The session may have ended, or the user's role changed, between the handshake and
      // joining its rooms, when endSessions / userChanged could not reach this socket yet:
      // look once more now that they can. (A failed look-up is not an ended session.)
      await recheck(socket, "signed out");
      if (!socket.connected) return;
      // Without recovery the client may have missed anything: it gets the boards as they are now.
      if (!socket.recovered) {
        const reply = await currentSnapshot(d);
        if (reply.ok && socket.connected) socket.emit("board:snapshot", { version: reply.version, boards: reply.boards });
      }
    })();
  });

  if (redis) {
    // When Redis comes back, every club with sockets here gets fresh boards, one
    // version skipped: whatever was published elsewhere meanwhile did not reach them.
    let wasDown = false;
    redis.client.on("close", () => {
      wasDown = true;
    });
    redis.client.on("ready", () => {
      if (!wasDown || closed) return;
      wasDown = false;
      // Writes made here while Redis was away: other processes' caches must hear of them.
      void redisGens?.retryPending();
      // A sign-out on another process while Redis was away never reached our sockets.
      void sweepSessions().catch((err) => logger.warn({ err }, "live: session sweep failed"));
      for (const room of io.of("/").adapter.rooms.keys()) {
        const m = CLUB_ROOM.exec(room);
        if (!m?.[1]) continue;
        gapClubs.add(m[1]);
        boards.request(m[1]);
      }
    });
    if (!(await redis.ready(3_000))) logger.warn("live: Redis is not reachable yet; starting anyway");
  }

  return {
    io,
    publisher,
    mode: redis ? "redis" : "memory",
    fanningOut: () => redis?.client.status === "ready",
    attach(http) {
      io.attach(http);
      attached = true;
    },
    async close() {
      if (closed) return;
      closed = true;
      boards.close();
      clearInterval(sweeper);
      for (const t of retries) clearTimeout(t);
      // Closing the transports is a recoverable disconnect: with Redis, a client that
      // reconnects to another process gets its missed events from the stream.
      if (attached) io.engine.close();
      await Promise.resolve(io.of("/").adapter.close()).catch(() => {});
      await redis?.close();
    },
  };
}
