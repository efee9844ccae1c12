import { Socket } from "socket.io";
import type { Session } from "socket.io-adapter";
import type { SocketData } from "./events.ts";

/**
 * Connection-state recovery, verified.
 *
 * socket.io (4.8) looks a returning client's session up (`auth.pid`, `auth.offset`)
 * while it builds the socket, before any middleware, and writes the missed packets
 * there and then: a refused handshake had already been sent them, and any holder of a
 * pid got that session's events whatever token it showed. So the lookup is ours:
 * socket.io's own is told there is nothing to recover (`takeOverRecovery`), and the
 * live channel asks the adapter itself once the handshake is authenticated, keeps the
 * stored session only if `resumable` says so, and writes the missed packets after
 * the socket has joined its current rooms (`resume`, `replay`).
 */

type Restore = (pid: string, offset: string) => Promise<Session | null>;

/**
 * The live channel's recovery: `recover` (in the handshake, once authenticated)
 * resumes a presented session only if it is the same club, user and login session,
 * with the same role as when it dropped, and the rooms it had are its rooms now;
 * anything else connects as new (a fresh pid; the client sees `recovered === false`
 * and gets a fresh snapshot). `replayMissed` (once the socket has joined its rooms)
 * writes what it missed, before any live event.
 */
export function verifiedRecovery(
  adapter: { restoreSession(pid: string, offset: string): Promise<Session> },
  logger: { info(o: object, msg: string): void },
) {
  const restoreSession = takeOverRecovery(adapter);
  const missed = new WeakMap<Socket, unknown[][]>();
  return {
    async recover(socket: Socket, rooms: readonly string[]) {
      const presented = presentedRecovery(socket.handshake.auth);
      if (!presented) return;
      // Unknown, expired, already used, or a malformed offset: nothing to recover.
      const stored = await restoreSession(presented.pid, presented.offset).catch(() => null);
      if (!stored) return;
      const verdict = resumable(stored, socket.data, rooms);
      if (verdict === "foreign") {
        logger.info(
          { tenantId: (socket.data as SocketData).tenantId },
          "live: a handshake presented another session's recovery id; connected as new",
        );
      }
      if (verdict !== "same") return;
      resume(socket, presented.pid);
      missed.set(socket, stored.missedPackets);
    },
    replayMissed(socket: Socket) {
      const packets = missed.get(socket);
      if (!packets) return;
      missed.delete(socket);
      replay(socket, packets);
    },
  };
}

/** Make socket.io's own lookup find nothing; returns the adapter's real lookup, for after authentication. */
export function takeOverRecovery(adapter: { restoreSession(pid: string, offset: string): Promise<Session> }): Restore {
  // The two socket.io internals this relies on; checked at start, not found missing at a reconnect.
  if (typeof adapter.restoreSession !== "function" || typeof (Socket.prototype as unknown as { packet?: unknown }).packet !== "function") {
    throw new Error("live: this socket.io version does not recover sessions as recovery.ts expects (restoreSession, Socket#packet)");
  }
  const own = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = () => Promise.resolve(null as unknown as Session);
  // Always a promise: the in-memory adapter answers a miss with a plain null, the streams adapter rejects.
  return async (pid, offset) => (await own(pid, offset)) ?? null;
}

/** The pid and offset a reconnecting client presents (socket.io's client puts them in `auth`). */
export function presentedRecovery(auth: unknown): { pid: string; offset: string } | undefined {
  if (typeof auth !== "object" || auth === null) return undefined;
  const { pid, offset } = auth as { pid?: unknown; offset?: unknown };
  return typeof pid === "string" && typeof offset === "string" && pid && offset ? { pid, offset } : undefined;
}

/**
 * Whether a socket authenticated as `now` may resume a stored session:
 * - `"foreign"`: another club, user or login session (a pid that is not theirs);
 * - `"changed"`: theirs, but what they may see changed since (their role, the team
 *   a lead leads), so the
 *   packets kept for the rooms they had are not all theirs to see now;
 * - `"same"`: theirs, same role, and every room it had is one of `rooms` (the rooms
 *   it joins now) or its own old socket id: every missed packet was addressed to a
 *   room it is in now.
 */
export function resumable(stored: Session, now: SocketData, rooms: readonly string[]): "same" | "changed" | "foreign" {
  const was = (stored.data ?? {}) as Partial<SocketData>;
  if (was.tenantId !== now.tenantId || was.userId !== now.userId || was.sessionId !== now.sessionId) return "foreign";
  if (was.role !== now.role || !Array.isArray(stored.rooms) || !Array.isArray(stored.missedPackets)) return "changed";
  // A lead given a team (or another) meanwhile: the boards they hold lack that team's part.
  if ((was.teamId ?? null) !== (now.teamId ?? null)) return "changed";
  return stored.rooms.every((r) => r === stored.sid || rooms.includes(r)) ? "same" : "changed";
}

/**
 * The socket resumes the session `pid`: its CONNECT packet gives the client its pid
 * back, which is what the client calls `recovered`. (socket.io sets both fields when
 * it recovers by itself; they are readonly in its types only.)
 */
export function resume(socket: Socket, pid: string) {
  const s = socket as unknown as { recovered: boolean; pid: string };
  s.recovered = true;
  s.pid = pid;
}

/** socket.io-parser's PacketType.EVENT. */
const EVENT = 2;

/**
 * Write missed packets to one socket, in order, as socket.io's own recovery does
 * (each packet's data already ends with its offset, so the client's offset follows).
 */
export function replay(socket: Socket, packets: readonly unknown[][]) {
  const s = socket as unknown as { packet(p: { type: number; data: unknown[] }): void };
  for (const data of packets) s.packet({ type: EVENT, data });
}
