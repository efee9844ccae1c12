import { type Role, withTenant } from "@clubhouse/db";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { Server } from "socket.io";
import { isLead, isManager } from "../access/actor.ts";
import { teamOfLead } from "../access/scope.ts";
import type { Deps } from "../deps.ts";
import { type BoardSnapshot, boardsFor, emptyBoards } from "./boards.ts";
import { broadcaster } from "./broadcast.ts";
import { Coalescer } from "./coalesce.ts";
import type { BoardSyncReply, LiveEvent, LivePublisher, SocketData } from "./events.ts";
import { roomOf } from "./events.ts";
import { type BoardGenerations, memoryGenerations, redisGenerations } from "./generations.ts";
import { authenticateHandshake, HandshakeRefused } from "./handshake.ts";
import { boardHandOff } from "./owners.ts";
import { verifiedRecovery } from "./recovery.ts";
import { connectLiveRedis, type LiveRedis } from "./redis.ts";
import {
  BOARD_COALESCE_MS,
  BOARD_COALESCE_STRETCH,
  BOARD_RETRY_MS,
  CLUB_ROOM,
  type LiveChannel,
  type LiveServer,
  type LiveSocket,
  RECOVERY_WINDOW_MS,
  REDIS_PREFIX,
  REDIS_STREAM,
  roomsOfSocket,
  sessionRoom,
  wantsDeltas,
} from "./rooms.ts";
import { sessionChecks } from "./sessions.ts";
import { TouchedReps } from "./touched.ts";
import { type BoardVersions, memoryVersions, redisVersions } from "./versions.ts";

export type { LiveChannel } from "./rooms.ts";

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
  const recovery = verifiedRecovery(io.of("/").adapter, logger);

  let closed = false;
  let attached = false;
  const retries = new Set<NodeJS.Timeout>();
  /** Clubs whose next version skips one, so that their clients notice they missed something. */
  const gapClubs = new Set<string>();
  /** Clubs whose recompute keeps failing: warned about once, not at every retry. */
  const failing = new Set<string>();
  const source = () => deps.boards ?? emptyBoards;
  /** What changed per club since its last recompute (touched.ts): the recompute may re-read only those reps. */
  const touched = new TouchedReps();
  function changed(tenantId: string, reps?: readonly string[] | null) {
    touched.add(tenantId, reps);
    boards.request(tenantId);
  }

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
    if (!isLead(role)) return null;
    return withTenant(deps.database, tenantId, (tx) => teamOfLead(tx, userId));
  }

  const { lastSent, keepBase, emitSnapshot, markUnsent, unsentWithin, fullForms } = broadcaster(io, redis, () => closed);

  function retryLater(tenantId: string) {
    if (closed) return;
    // whatever the failed recompute was for, and any write meanwhile: every rep is read again
    touched.all(tenantId);
    const t = setTimeout(() => {
      retries.delete(t);
      changed(tenantId);
    }, BOARD_RETRY_MS);
    t.unref();
    retries.add(t);
  }

  // Mint first, then read: a snapshot then holds every write committed before its
  // version was minted, so the highest version a client has is never older than a
  // lower one, whichever process computed either. Leading edge: a quiet club's first
  // change is recomputed at once; the changes inside the window after it, once at its end.
  const boards = new Coalescer(
    deps.config.BOARD_COALESCE_MS ?? BOARD_COALESCE_MS,
    async (tenantId) => {
      const reps = touched.take(tenantId);
      // One process alone and none of the club's boards open here: nobody to tell. A
      // board that opens later asks for a fresh snapshot. (With Redis, boards on other
      // processes may be open: always recompute.) What changed is not forgotten: the next
      // recompute reads every rep.
      if (!redis && !io.of("/").adapter.rooms.has(roomOf(tenantId, { to: "club" }))) {
        touched.all(tenantId);
        return markUnsent(tenantId);
      }
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
        const s = await source().snapshot(tenantId, { version, ...(reps ? { reps } : {}) });
        if (!closed) await emitSnapshot(tenantId, version, s);
        failing.delete(tenantId);
      } catch (err) {
        if (!failing.has(tenantId)) logger.warn({ err, tenantId }, "live: computing the boards failed; retrying");
        failing.add(tenantId);
        retryLater(tenantId);
      }
    },
    deps.metrics?.boards,
    { leading: true, stretch: BOARD_COALESCE_STRETCH, ...(deps.boardTimers ? { timers: deps.boardTimers } : {}) },
  );
  // With Redis each club's boards are recomputed by one process, the club's owner (owners.ts).
  const handOff = boardHandOff(io, redis, changed);

  const {
    joinRooms,
    recheck,
    recheckUser,
    sweepSessions,
    watchBoardVersions,
    stop: stopSweeper,
  } = sessionChecks({ io, deps, closed: () => closed, teamOfSocket, currentSnapshot });

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
        if (!kept || kept.version < version) keepBase(tenantId, version, s);
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
      changed(d.tenantId);
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
    async boardChanged(tenantId: string, reps?: readonly string[]) {
      if (typeof tenantId !== "string" || !tenantId) return;
      handOff.changed(tenantId, reps);
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
        await recovery.recover(socket, roomsOfSocket(socket.data));
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
    watchBoardVersions(socket);
    joinRooms(socket);
    // A verified recovery: what it missed, now that it is in its rooms (and before any live event).
    recovery.replayMissed(socket);

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
      if (ok) handOff.changed(d.tenantId);
      if (typeof ack === "function") ack({ ok });
    });

    void (async () => {
      // A socket taking full snapshots is known to every process before its first snapshot is read.
      if (fullForms && d.deltas !== true) await fullForms.joined(d.tenantId);
      // The session may have ended, or the user's role changed, between the handshake and
      // joining its rooms, when endSessions / userChanged could not reach this socket yet:
      // look once more now that they can. (A failed look-up is not an ended session.)
      await recheck(socket, "signed out");
      if (!socket.connected) return;
      // Without recovery the client may have missed anything: it gets the boards as they are now
      // (so does a recovered one whose club had a change no socket here was sent meanwhile).
      if (!socket.recovered || unsentWithin(d.tenantId, RECOVERY_WINDOW_MS)) {
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
        changed(m[1]);
      }
    });
    if (!(await redis.ready(3_000))) logger.warn("live: Redis is not reachable yet; starting anyway");
  }

  return {
    io,
    publisher,
    mode: redis ? "redis" : "memory",
    fanningOut: () => redis?.client.status === "ready",
    boardsBusy: (tenantId) => boards.has(tenantId),
    ownsClub: (tenantId) => handOff.owns(tenantId),
    attach(http) {
      io.attach(http);
      attached = true;
    },
    async close() {
      if (closed) return;
      closed = true;
      boards.close();
      stopSweeper();
      for (const t of retries) clearTimeout(t);
      // Closing the transports is a recoverable disconnect: with Redis, a client that
      // reconnects to another process gets its missed events from the stream.
      if (attached) io.engine.close();
      await Promise.resolve(io.of("/").adapter.close()).catch(() => {});
      await Promise.all([fullForms?.stop(), handOff.stop()]);
      await redis?.close();
    },
  };
}
