import type { Role } from "@clubhouse/db";
import type { AuthContext } from "../auth/session.ts";
import type { Deps } from "../deps.ts";
import type { BoardSyncReply, SocketData } from "./events.ts";
import { roomOf } from "./events.ts";
import { authenticateHandshake, HandshakeRefused } from "./handshake.ts";
import { type LiveServer, type LiveSocket, roomsOfSocket, SESSION_SWEEP_MS } from "./rooms.ts";

/** What the session checks need of the live channel they serve (live.ts). */
export interface SessionCheckHost {
  io: LiveServer;
  deps: Deps;
  /** true once the channel is closing: nothing more is done */
  closed: () => boolean;
  /** the team a lead leads (null for anyone else) */
  teamOfSocket: (tenantId: string, userId: string, role: Role) => Promise<string | null>;
  /** the board a socket of these data is shown now */
  currentSnapshot: (d: SocketData) => Promise<BoardSyncReply>;
}

/**
 * The live channel's watch over its sockets' sessions: a socket whose session ended or
 * expired is ended; one whose user's role (or a lead's team) changed follows it, to the
 * rooms and the board of the role it has now. Sessions are looked up again on a timer
 * (SESSION_SWEEP_MS) and when told a user changed.
 */
export function sessionChecks(host: SessionCheckHost) {
  const { io, deps, closed, teamOfSocket, currentSnapshot } = host;
  const { logger } = deps;

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
    void sendBoardAsItIs(socket);
  }

  /** Per socket, the highest board version sent to it (by any process: broadcasts are counted where they are delivered). */
  const boardVersionSent = new WeakMap<LiveSocket, number>();
  /** Count the board versions a socket is sent, from its connection on (`boardVersionSent`). */
  function watchBoardVersions(socket: LiveSocket) {
    socket.onAnyOutgoing((event: string, payload: unknown) => {
      if (event !== "board:snapshot" && event !== "board:delta") return;
      const v = (payload as { version?: unknown }).version;
      if (typeof v === "number" && v > (boardVersionSent.get(socket) ?? Number.NEGATIVE_INFINITY)) boardVersionSent.set(socket, v);
    });
  }

  /**
   * The board of the socket's role as it is now, after a role or team change. A client keeps
   * the highest version it holds and drops a snapshot older than it, so the new role's board
   * must not be older than anything the socket was sent: a recompute elsewhere may have sent
   * it a newer version (still of its former role's rooms) while this one was read. Such a
   * read is done again; the one that is not older goes out at once, locally, so no other
   * broadcast can come between the check and the send.
   */
  async function sendBoardAsItIs(socket: LiveSocket, tries = 5): Promise<void> {
    const reply = await currentSnapshot(socket.data);
    if (!reply.ok || !socket.connected || closed()) return;
    if (reply.version < (boardVersionSent.get(socket) ?? Number.NEGATIVE_INFINITY) && tries > 1) return sendBoardAsItIs(socket, tries - 1);
    io.local.to(socket.id).emit("board:snapshot", { version: reply.version, boards: reply.boards });
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
    if (closed() || !socket.connected || checks.get(socket) !== n) return;
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
    if (closed()) return;
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
      if (closed()) return;
      await recheck(socket, "session ended");
    }
  }
  // Sessions expire (idle, absolute) without anyone calling endSessions.
  const sweeper = setInterval(
    () => void sweepSessions().catch((err) => logger.warn({ err }, "live: session sweep failed")),
    SESSION_SWEEP_MS,
  );
  sweeper.unref();

  return { endSocket, joinRooms, recheck, recheckUser, sweepSessions, watchBoardVersions, stop: () => clearInterval(sweeper) };
}
