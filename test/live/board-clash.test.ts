import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BoardSource } from "../../server/src/realtime/boards.ts";
import { boardClient, openBoard } from "../support/board-client.ts";
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
      await Promise.all([openBoard(manager), openBoard(lead)]);
      // the club's own recomputes over (a connect racing one may sync once; not what this is about)
      await eventually(() => expect(t.server.live.boardsBusy(c.tenantId)).toBe(false));
      const [syncs0, deltas0] = [manager.syncs + lead.syncs, [manager.deltas.length, lead.deltas.length]];
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
      expect(manager.deltas.length - deltas0[0]!).toBeGreaterThanOrEqual(3);
      expect(lead.deltas.length - deltas0[1]!).toBeGreaterThanOrEqual(3);
      expect(manager.syncs + lead.syncs - syncs0).toBe(0);
    } finally {
      manager.socket.disconnect();
      lead.socket.disconnect();
    }
  });
});
