import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { askPromotion, type Club, makeClub } from "../support/club.ts";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";
import { connected, type LiveClient, nothingWithin, type Recorder } from "../support/live.ts";

// 第五条 1.2: each step of a promotion is announced after commit, to its rep and the
// managers of its club only; a refused step announces nothing.
let t: TestServer;
let c: Club;
let other: Club;
let gold: Json;
type Member = { socket: LiveClient; rec: Recorder };
let rep1: Member;
let rep2: Member;
let manager: Member;
let otherManager: Member;

beforeAll(async () => {
  t = await startTestServer({}, "2026-03-16T09:00:00+08:00");
  c = await makeClub(t.url, "live-promo");
  other = await makeClub(t.url, "live-promo-other");
  gold = (await call(t.url, "POST", "/card-types", { token: c.manager.token, body: { name: "Gold", listPrice: 100 } })).body;
  [rep1, rep2, manager, otherManager] = await Promise.all([
    connected(t.url, c.rep1.token),
    connected(t.url, c.rep2.token),
    connected(t.url, c.manager.token),
    connected(t.url, other.manager.token),
  ]);
});
afterAll(async () => {
  for (const m of [rep1, rep2, manager, otherManager]) m?.socket.disconnect();
  await t?.close();
});

describe("promotion:changed", () => {
  it("reaches the rep and the managers after each committed step, and no one else", async () => {
    const asked = await askPromotion(t.url, c.rep1.token, gold.id, "2026-03-16");
    expect(asked.status).toBe(201);
    const id = asked.body.id as string;
    for (const m of [rep1, manager])
      expect(await m.rec.next("promotion:changed", (p) => p.id === id && p.status === "requested")).toMatchObject({
        repId: c.rep1.id,
        place: "万达广场",
        startsAt: "2026-03-16T02:00:00.000Z",
      });

    expect((await call(t.url, "POST", `/promotions/${id}/approve`, { token: c.manager.token })).status).toBe(200);
    for (const m of [rep1, manager]) await m.rec.next("promotion:changed", (p) => p.id === id && p.status === "approved");

    // a second decision is refused: nothing announced
    expect((await call(t.url, "POST", `/promotions/${id}/refuse`, { token: c.manager.token, body: { reason: "too late" } })).status).toBe(
      422,
    );
    await nothingWithin(rep1.rec, 300, "promotion:changed");
    expect(rep1.rec.of("promotion:changed").map((p) => p.status)).toEqual(["requested", "approved"]);
    expect(manager.rec.of("promotion:changed").map((p) => p.status)).toEqual(["requested", "approved"]);
    expect(rep2.rec.of("promotion:changed")).toEqual([]);
    expect(otherManager.rec.of("promotion:changed")).toEqual([]);
  });
});
