import type { Role } from "@clubhouse/db";
import type { z } from "zod";
import type { BoardDelta } from "./board-delta.ts";
import type { LiveEventName, LivePayload, leaderboardPeriod, leaderboardRow } from "./event-table.ts";

export type { BoardDelta } from "./board-delta.ts";

/**
 * The live channel's events (docs/realtime.md), derived from the one table of events
 * (event-table.ts: each event's payload schema and audience) and shared with the web
 * client. Services announce them only after the write's transaction commits (see
 * `publishAfterCommit` / `publishCommitted` in outbox.ts).
 */
export type LeaderboardPeriod = z.infer<typeof leaderboardPeriod>;

export type LeaderboardRow = z.infer<typeof leaderboardRow>;

export type ServerToClientEvents = { [K in LiveEventName]: (e: LivePayload<K>) => void };

// The table's delta schema and board-delta.ts's type describe one thing: each must fit the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type DeltaMatchesTable = Holds<Same<BoardDelta, LivePayload<"board:delta">>>;

/**
 * Rooms inside one club (`roomOf`). A rep gets only what concerns them. Which of them
 * an event goes to is the table's to say (event-table.ts, `recipientsOf`).
 */
export type Audience = { to: "club" } | { to: "managers" } | { to: "rep"; repId: string };

export type LiveEvent = {
  [K in keyof ServerToClientEvents]: {
    tenantId: string;
    audience: Audience;
    event: K;
    payload: Parameters<ServerToClientEvents[K]>[0];
  };
}[keyof ServerToClientEvents];

export interface LivePublisher {
  /**
   * Emit events that are already committed, each to the room its `audience` names.
   * Never throws: the live channel must not fail a write. Services never call it: they
   * announce through outbox.ts (`publishAfterCommit`, `publishCommitted`), which takes
   * the rooms from the table of events and checks the payloads against it.
   */
  publish(events: LiveEvent[]): void;
  /**
   * The club's boards changed (a committed write touched revenue, targets, contacts,
   * reps or alarms). Moves the club's data generation on (see generations.ts) and
   * schedules a coalesced recompute of the live boards. Never rejects; a request
   * handler awaits it before answering, so a read after the answer sees the write.
   * `reps`: the write changed only these reps' revenue and contact counters (and perhaps
   * the club's alarms; realtime/boards.ts `BoardChange`), so only they need reading
   * again; leave it out for anything else.
   */
  boardChanged(tenantId: string, reps?: readonly string[]): Promise<void>;
  /** The club's data generation now, or null when it cannot be known (then cache nothing). */
  boardGeneration(tenantId: string): Promise<string | null>;
  /** Disconnect the sockets of a user's ended sessions (one session, or all of them). */
  endSessions(tenantId: string, userId: string, sessionId?: string): void;
  /**
   * What a user may see changed (their role): every process forgets their cached
   * sessions, and their open sockets everywhere follow the new role (rooms,
   * `board:sync`, a fresh board). Never throws, never waits on Redis.
   */
  userChanged(tenantId: string, userId: string): void;
}

export const noLive: LivePublisher = {
  publish() {},
  async boardChanged() {},
  async boardGeneration() {
    return null;
  },
  endSessions() {},
  userChanged() {},
};

/** What `board:sync` answers: the club's current snapshot, or why there is none right now. */
export type BoardSyncReply = { ok: true; version: number; boards: Record<string, unknown> } | { ok: false; error: "unavailable" };

/** What a client may send. Every handler answers through its acknowledgement. */
export interface ClientToServerEvents {
  /** The current snapshot of the caller's boards (after a version gap, or at will). Does not bump the version. */
  "board:sync": (ack: (reply: BoardSyncReply) => void) => void;
  /** Managers and admins: recompute and push the club's boards now (the wall TV's refresh). Coalesced like any change. */
  "board:refresh": (ack: (reply: { ok: boolean }) => void) => void;
}

/** Server-to-server events, through the adapter (Redis): what every process must hear of at once. */
export interface InterServerEvents {
  /** Ended sessions: every process forgets them from its session cache. */
  "sessions:ended": (tenantId: string, userId: string, sessionId?: string) => void;
  /** A user's role changed: every process forgets their cached sessions and re-checks their sockets. */
  "user:changed": (tenantId: string, userId: string) => void;
  /** A club's boards changed on a process that does not own the club: its owner recomputes them (owners.ts) and answers whether it took the change. */
  "boards:changed": (tenantId: string, owner: string, reps: string[] | null, ack: (taken: boolean) => void) => void;
}

/** What the handshake learnt, kept on the socket (and in a recovered session). */
export interface SocketData {
  tenantId: string;
  userId: string;
  role: Role;
  sessionId: string;
  /** The client takes board deltas (`auth.deltas === true`) instead of full snapshots and `leaderboard:update`. */
  deltas?: boolean;
  /** A team lead's: the team they lead (looked up at the handshake and whenever the user changes), or null. */
  teamId?: string | null;
}

/** A team's room: the sockets of the team's lead, which get the team's part of the boards. */
export type TeamRoom = { to: "team"; teamId: string };

export function roomOf(tenantId: string, audience: Audience | { to: "user"; userId: string } | TeamRoom, _role?: Role): string {
  switch (audience.to) {
    case "club":
      return `club:${tenantId}`;
    case "managers":
      return `club:${tenantId}:managers`;
    case "rep":
      return `club:${tenantId}:rep:${audience.repId}`;
    case "user":
      return `club:${tenantId}:user:${audience.userId}`;
    case "team":
      return `club:${tenantId}:team:${audience.teamId}`;
  }
}
