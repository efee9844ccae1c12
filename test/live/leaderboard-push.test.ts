import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";
import { connected, eventually } from "../support/live.ts";

/** Polls until `find` returns something. */
function found<T>(find: () => T | undefined): Promise<T> {
  return eventually(() => {
    const v = find();
    if (v === undefined) throw new Error("not yet");
    return v;
  });
}

let t: TestServer;
let c: Club;
let other: Club;
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "board-push");
  other = await makeClub(t.url, "board-push-other");
});
afterAll(() => t?.close());

describe("the leaderboard on the live channel", () => {
  it("a committed revenue entry moves the board: leaderboard:update and a newer snapshot, to this club only", async () => {
    await call(t.url, "PUT", `/targets/${c.rep1.id}/2026-03`, { token: c.manager.token, body: { amount: 10000 } });
    const mgr = await connected(t.url, c.manager.token);
    const rep = await connected(t.url, c.rep2.token);
    const stranger = await connected(t.url, other.manager.token);
    const first = await found(() => mgr.rec.of("board:snapshot").at(-1));
    const cu = await newCustomer(t.url, c.rep1.token, { name: "Board Co", status: "active" });
    await addRevenue(t.url, c.rep1.token, { customerId: cu.id, amount: 2500, occurredAt: "2026-03-15T09:00:00+08:00" });
    const update = await found(() =>
      mgr.rec.of("leaderboard:update").find((u) => u.period === "month" && u.rows.some((r) => r.repId === c.rep1.id && r.revenue === 2500)),
    );
    expect(update.at).toBe("2026-03");
    expect(update.rows.find((r) => r.repId === c.rep1.id)).toMatchObject({ rank: 1, target: 10000, attainment: 0.25 });
    expect(update.version).toBeGreaterThan(first.version);
    // reps see the board too (a sales floor board), managers also get the quota board
    await found(() => rep.rec.of("leaderboard:update").find((u) => u.rows.some((r) => r.revenue === 2500)));
    const snap = mgr.rec.of("board:snapshot").at(-1)!;
    expect(Object.keys(snap.boards).sort()).toEqual([
      "alarmCounts",
      "alarms",
      "at",
      "elapsed",
      "leaderboard",
      "quota",
      "teams",
      "today",
      "unowned",
    ]);
    expect(snap.boards.unowned).toBe(0);
    expect(Object.keys(rep.rec.of("board:snapshot").at(-1)!.boards)).not.toContain("quota");
    expect(Object.keys(rep.rec.of("board:snapshot").at(-1)!.boards)).not.toContain("unowned");
    expect(JSON.stringify(stranger.rec.events)).not.toContain(c.rep1.id);
    for (const s of [mgr, rep, stranger]) s.socket.disconnect();
  });
});
