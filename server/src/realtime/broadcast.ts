import { diffBoards } from "./board-delta.ts";
import { type BoardSnapshot, boardsFor } from "./boards.ts";
import type { LeaderboardPeriod, LeaderboardRow } from "./events.ts";
import { roomOf } from "./events.ts";
import { fullFormPresence } from "./full-forms.ts";
import type { LiveRedis } from "./redis.ts";
import { boardFormRoom, keepRecent, type LiveServer, mergeDeltas, REDIS_PREFIX, yieldTurn } from "./rooms.ts";

type Row = Record<string, unknown>;

/** Whether two parts of a board have a top-level key in common. */
const sharesKey = (a: Row, b: Row) => Object.keys(b).some((k) => k in a);

/**
 * The boards' broadcasts of one process: each recompute's snapshot (or delta) to the
 * rooms that may see it, and the last snapshot sent per club to diff the next one
 * against. `isClosed` stops a broadcast in flight when the channel closes.
 */
export function broadcaster(io: LiveServer, redis: LiveRedis | undefined, isClosed: () => boolean) {
  /** With Redis: which clubs have a socket taking full snapshots on some process (full-forms.ts). */
  const fullForms = redis
    ? fullFormPresence(redis.client, REDIS_PREFIX, (tenantId) => io.of("/").adapter.rooms.has(boardFormRoom(tenantId, false)))
    : undefined;
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

  /**
   * Per club, when a change last went unsent in a form (or at all) because no socket here
   * took it (one process alone): a socket that recovers its session soon after missed a
   * board the log never held, so it is sent the current one (`unsentSince`).
   */
  const unsent = new Map<string, number>();
  const markUnsent = (tenantId: string) => {
    keepRecent(unsent, tenantId, Date.now());
  };
  /** Whether a change of the club went unsent within the last `ms`. */
  const unsentWithin = (tenantId: string, ms: number) => Date.now() - (unsent.get(tenantId) ?? Number.NEGATIVE_INFINITY) <= ms;

  /** Per club, the last snapshot this process sent, to diff the next one against. */
  const lastSent = new Map<string, { version: number; s: BoardSnapshot }>();
  /** Keep a club's base as the most recent one; the least recently kept go beyond DELTA_BASES. */
  function keepBase(tenantId: string, version: number, s: BoardSnapshot) {
    keepRecent(lastSent, tenantId, { version, s });
  }

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
   * Other sockets get the full snapshot and docs/realtime.md's `leaderboard:update` per period.
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
    keepBase(tenantId, version, s);
    const teamRooms = teamsToTell(tenantId, prev?.s, s);
    const notClub = [managers, ...teamRooms.map((x) => x.room)];
    const teamBoards = (teamId: string) => boardsFor("lead", s, teamId);

    // One process alone: only the forms some socket here takes. socket.io encodes (and keeps
    // for recovery) every broadcast before it looks for its recipients, so an emit to nobody
    // still costs a big club's megabyte. With Redis the sockets may be on any process: deltas
    // always (small), the full forms when some process has a socket taking them.
    const anyDeltas = !!redis || io.of("/").adapter.rooms.has(deltas);
    const anyFull = fullForms ? await fullForms.anywhere(tenantId) : io.of("/").adapter.rooms.has(full);
    if (isClosed()) return;
    if (!anyDeltas || !anyFull) markUnsent(tenantId);
    if (anyDeltas && prev && prev.version === version - 1) {
      // The club part is diffed once: a managers' or a lead's delta is it with their own
      // part's diff, when the two share no key (boardsFor lets the part win a clash: then
      // their whole board is diffed instead).
      const clubDelta = diffBoards(prev.s.club, s.club, prev.version, version);
      const clubKeys = { ...prev.s.club, ...s.club };
      const withPart = (before: Row, after: Row, whole: (snapshot: BoardSnapshot) => Row) =>
        sharesKey(clubKeys, { ...before, ...after })
          ? diffBoards(whole(prev.s), whole(s), prev.version, version)
          : mergeDeltas(clubDelta, diffBoards(before, after, prev.version, version));
      io.to(managers)
        .except(full)
        .emit(
          "board:delta",
          withPart(prev.s.managers, s.managers, (x) => boardsFor("manager", x)),
        );
      io.to(club)
        .except([...notClub, full])
        .emit("board:delta", clubDelta);
      for (const x of teamRooms) {
        if (!x.deltas) continue;
        const part = (snapshot: BoardSnapshot) => snapshot.teams?.[x.teamId] ?? {};
        const delta = withPart(part(prev.s), part(s), (snapshot) => boardsFor("lead", snapshot, x.teamId));
        io.to(x.room).except(full).emit("board:delta", delta);
      }
    } else if (anyDeltas) {
      io.to(managers)
        .except(full)
        .emit("board:snapshot", { version, boards: boardsFor("manager", s) });
      await yieldTurn();
      if (isClosed()) return;
      io.to(club)
        .except([...notClub, full])
        .emit("board:snapshot", { version, boards: s.club });
      for (const x of teamRooms) {
        if (!x.deltas) continue;
        await yieldTurn();
        if (isClosed()) return;
        io.to(x.room)
          .except(full)
          .emit("board:snapshot", { version, boards: teamBoards(x.teamId) });
      }
    }
    if (!anyFull) return;
    await yieldTurn();
    if (isClosed()) return;
    io.to(managers)
      .except(deltas)
      .emit("board:snapshot", { version, boards: boardsFor("manager", s) });
    await yieldTurn();
    if (isClosed()) return;
    io.to(club)
      .except([...notClub, deltas])
      .emit("board:snapshot", { version, boards: s.club });
    for (const x of teamRooms) {
      if (!x.full) continue;
      await yieldTurn();
      if (isClosed()) return;
      io.to(x.room)
        .except(deltas)
        .emit("board:snapshot", { version, boards: teamBoards(x.teamId) });
    }
    // docs/realtime.md's leaderboard:update, one per period, from the same versioned snapshot.
    const lb = s.club.leaderboard as Partial<Record<LeaderboardPeriod, LeaderboardRow[]>> | undefined;
    const at = typeof s.club.at === "string" ? s.club.at : "";
    if (lb) {
      for (const period of ["month", "quarter", "year"] as const) {
        const rows = lb[period];
        if (!rows) continue;
        await yieldTurn();
        if (isClosed()) return;
        io.to(full).emit("leaderboard:update", { period, at, rows, version });
      }
    }
  }

  return { lastSent, keepBase, emitSnapshot, markUnsent, unsentWithin, fullForms };
}
