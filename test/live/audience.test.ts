import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LiveEvent } from "../../server/src/realtime/events.ts";
import { addUser, loginAs, signupClub, startTestServer, type TestServer } from "../support/harness.ts";
import { connected, type LiveClient, nothingWithin, type Recorder, SETTLE_MS, userBoards } from "../support/live.ts";

let t: TestServer;
type Member = { socket: LiveClient; rec: Recorder; userId: string };
type Club = { tenantId: string; admin: Member; manager: Member; rep: Member; otherRep: Member };
let a: Club;
let b: Club;

async function club(): Promise<Club> {
  const c = await signupClub(t.url);
  const slug = c.tenant.slug;
  const member = async (role: "manager" | "rep", name: string): Promise<Member> => {
    const u = await addUser(t.url, c.token, role, `${name}@${slug}.test`);
    return { ...(await connected(t.url, await loginAs(t.url, slug, `${name}@${slug}.test`, "rep password 1"))), userId: u.id };
  };
  return {
    tenantId: c.tenant.id,
    admin: { ...(await connected(t.url, c.token)), userId: c.user.id },
    manager: await member("manager", "manager"),
    rep: await member("rep", "rep"),
    otherRep: await member("rep", "rep2"),
  };
}

const everyone = (c: Club) => [c.admin, c.manager, c.rep, c.otherRep];

/** As the services announce a rep's write: to that rep, and to the club's managers. */
const contact = (tenantId: string, repId: string, id: string): LiveEvent[] => {
  const payload = { id, repId, customerId: "c1", channel: "visit", target: "prospect" as const, occurredAt: "2026-03-15T10:00:00+08:00" };
  return [
    { tenantId, audience: { to: "rep", repId }, event: "contact:logged", payload },
    { tenantId, audience: { to: "managers" }, event: "contact:logged", payload },
  ];
};

beforeAll(async () => {
  t = await startTestServer();
  t.server.deps.boards = userBoards(t.server.deps.database);
  a = await club();
  b = await club();
  // Every socket has had its first snapshot before the tests publish anything, and the
  // snapshots that adding the members scheduled (a new rep joins the boards) are out.
  for (const m of [...everyone(a), ...everyone(b)]) await m.rec.next("board:snapshot");
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  for (const m of [...everyone(a), ...everyone(b)]) m.rec.clear();
});
afterAll(async () => {
  for (const m of [...everyone(a), ...everyone(b)]) m.socket.disconnect();
  await t?.close();
});

describe("who receives what", () => {
  it("a club never receives another club's events or boards", async () => {
    t.server.deps.live.publish([
      { tenantId: a.tenantId, audience: { to: "club" }, event: "standing:changed", payload: { repId: a.rep.userId, note: "a only" } },
      { tenantId: a.tenantId, audience: { to: "managers" }, event: "quota:alarm", payload: alarm(a.rep.userId) },
      ...contact(a.tenantId, a.rep.userId, "k-a"),
    ]);
    t.server.deps.live.boardChanged(a.tenantId);
    for (const m of everyone(a)) await m.rec.next("board:snapshot");
    for (const m of everyone(a)) expect(m.rec.of("standing:changed")).toEqual([{ repId: a.rep.userId, note: "a only" }]);
    const seenByB = [];
    for (const m of everyone(b)) seenByB.push(...(await nothingWithin(m.rec, 300)));
    expect(seenByB).toEqual([]);
    for (const m of everyone(a)) m.rec.clear();
  });

  it("a rep gets the club's events and their own, never managers-only ones or another rep's", async () => {
    t.server.deps.live.publish([
      { tenantId: a.tenantId, audience: { to: "managers" }, event: "quota:alarm", payload: alarm(a.rep.userId) },
      ...contact(a.tenantId, a.rep.userId, "k-1"),
      ...contact(a.tenantId, a.otherRep.userId, "k-2"),
    ]);
    // Managers and admins see every rep's events (once each) and the managers-only ones.
    for (const m of [a.admin, a.manager]) {
      await m.rec.next("contact:logged", (p) => p.id === "k-2");
      expect(m.rec.of("quota:alarm")).toHaveLength(1);
      expect(m.rec.of("contact:logged").map((p) => p.id)).toEqual(["k-1", "k-2"]);
    }
    await a.rep.rec.next("contact:logged", (p) => p.id === "k-1");
    await a.otherRep.rec.next("contact:logged", (p) => p.id === "k-2");
    await nothingWithin(a.rep.rec, 200);
    expect(a.rep.rec.events.map((e) => e.event)).toEqual(["contact:logged"]);
    expect(a.otherRep.rec.events.map((e) => e.event)).toEqual(["contact:logged"]);
    for (const m of everyone(a)) m.rec.clear();
  });

  it("a rep's board snapshot leaves out the managers' part; everyone gets the same version", async () => {
    t.server.deps.live.boardChanged(a.tenantId);
    const snaps = await Promise.all(everyone(a).map((m) => m.rec.next("board:snapshot")));
    expect(new Set(snaps.map((s) => s.version)).size).toBe(1);
    const members = ["Admin", "manager", "rep", "rep2"].sort();
    expect(snaps[0]!.boards).toEqual({ members, managersOnly: true });
    expect(snaps[1]!.boards).toEqual({ members, managersOnly: true });
    expect(snaps[2]!.boards).toEqual({ members });
    expect(snaps[3]!.boards).toEqual({ members });
    for (const m of everyone(a)) m.rec.clear();
  });

  it("a burst of changes is coalesced: the first goes out at once, the rest in one snapshot after the window", async () => {
    // From a quiet club: the previous test's recompute and the window after it are over
    // (a burst that falls inside an open window is folded into that window's one run,
    // so it would show one snapshot, not two).
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const before = (await a.admin.socket.emitWithAck("board:sync")) as { version: number };
    a.admin.rec.clear();
    for (let i = 0; i < 50; i++) t.server.deps.live.boardChanged(a.tenantId);
    const first = await a.admin.rec.next("board:snapshot");
    expect(first.version).toBeGreaterThan(before.version);
    await nothingWithin(a.admin.rec, 400);
    // the leading run took the first change; the 49 that came during it, one more run
    const versions = a.admin.rec.of("board:snapshot").map((s) => s.version);
    expect(versions).toHaveLength(2);
    expect(versions[1]).toBeGreaterThan(versions[0]!);
    a.admin.rec.clear();
  });
});

function alarm(repId: string) {
  return { id: "al-1", repId, level: "60", kind: "raised" as const, at: "2026-03-15T10:00:00+08:00" };
}
