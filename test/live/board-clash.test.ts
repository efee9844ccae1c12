import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyDelta, type BoardDelta } from "../../server/src/realtime/board-delta.ts";
import type { BoardSource } from "../../server/src/realtime/boards.ts";
import type { BoardSyncReply, ClientToServerEvents, ServerToClientEvents } from "../../server/src/realtime/events.ts";
import { startTestServer, type TestServer } from "../support/harness.ts";
import { eventually } from "../support/live.ts";
import { makeTeamClub, type TeamClub } from "../support/teams.ts";

// A manager's board is the club part with the managers' part over it, a lead's the club
// part with their team's part over it (boardsFor). When a part has a top-level key of the
// club part, the part's value wins; a delta made by merging the club part's delta with the
// part's own would then write the club's leaves into the manager's or lead's view. The
// broadcaster checks for a shared key and diffs the whole view instead
// (realtime/broadcast.ts): this board source makes every part share `shared` with the
// club, and the club's leaves under it change at every recompute.
let t: TestServer;
let c: TeamClub;
/** The club's data, as far as this source is concerned: the test changes it before each refresh. */
let n = 0;

function clashingBoards(teamIds: () => string[]): BoardSource {
  return {
    async snapshot() {
      return {
        club: { shared: { club: `club ${n}` }, count: n },
        managers: { shared: { managers: "fixed" }, seen: n },
        teams: Object.fromEntries(teamIds().map((id) => [id, { shared: { team: "fixed" } }])),
      };
    },
  };
}

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A board as the web app keeps one: the connect snapshot, then deltas applied (a sync when `from` is not the version held). */
function boardClient(url: string, token: string) {
  const socket: Client = io(url, { forceNew: true, transports: ["websocket"], auth: { token, deltas: true }, reconnection: false });
  const s = {
    socket,
    version: null as number | null,
    boards: {} as Record<string, unknown>,
    deltas: 0,
    syncs: 0,
    sync: () => new Promise<BoardSyncReply>((done) => socket.emit("board:sync", done)),
  };
  socket.on("board:snapshot", (e) => {
    if (s.version !== null && e.version < s.version) return;
    s.version = e.version;
    s.boards = e.boards;
  });
  socket.on("board:delta", async (d: BoardDelta) => {
    if (s.version !== null && d.version <= s.version) return;
    if (d.from !== s.version) {
      s.syncs++;
      const r = await s.sync();
      if (r.ok) [s.version, s.boards] = [r.version, r.boards];
      return;
    }
    s.deltas++;
    s.boards = applyDelta(s.boards, d);
    s.version = d.version;
  });
  return s;
}

beforeAll(async () => {
  t = await startTestServer();
  let teamIds: string[] = [];
  t.server.deps.boards = clashingBoards(() => teamIds);
  c = await makeTeamClub(t, "live-clash");
  teamIds = [c.teamA.id];
});
afterAll(async () => {
  await t?.close();
});

describe("boards whose parts share a key with the club part", () => {
  it("reach a manager and a lead taking deltas exactly as their own view, change after change", async () => {
    const manager = boardClient(t.url, c.manager.token);
    const lead = boardClient(t.url, c.leadA.token);
    try {
      await eventually(() => expect(manager.version !== null && lead.version !== null).toBe(true));
      for (let round = 0; round < 3; round++) {
        const [m0, l0] = [manager.version!, lead.version!];
        n++;
        expect(await manager.socket.emitWithAck("board:refresh")).toEqual({ ok: true });
        await eventually(() => expect(manager.version! > m0 && lead.version! > l0).toBe(true));
        for (const x of [manager, lead]) {
          const fresh = await x.sync();
          expect(fresh.ok && fresh.version).toBe(x.version);
          expect(x.boards).toEqual(fresh.ok ? fresh.boards : undefined);
        }
      }
      // the part wins: the club's leaves under `shared` never reach either view
      expect(manager.boards.shared).toEqual({ managers: "fixed" });
      expect(lead.boards.shared).toEqual({ team: "fixed" });
      // and they came as deltas, not snapshots or syncs
      expect(manager.deltas).toBeGreaterThanOrEqual(3);
      expect(lead.deltas).toBeGreaterThanOrEqual(3);
      expect(manager.syncs + lead.syncs).toBe(0);
    } finally {
      manager.socket.disconnect();
      lead.socket.disconnect();
    }
  });
});
