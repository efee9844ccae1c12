import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Announced, type Listener, liveEvents, payloadProblem, reaches } from "../../server/src/realtime/event-table.ts";
import { BOARD_COALESCE_MS } from "../../server/src/realtime/rooms.ts";
import { askPromotion, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";
import { connect, type LiveClient, liveClient, nothingWithin, Recorder } from "../support/live.ts";
import { makeTeamClub, type TeamClub } from "../support/teams.ts";

// The table of events (server/src/realtime/event-table.ts) against real writes and
// real sockets: every event a client receives parses with its schema, and each event a
// write announced reached exactly the members the table says — managers and admins,
// the rep it concerns, the whole club — and no one else: not another rep, not a team
// lead (unless it is the club's), never another club.

let t: TestServer;
let a: TeamClub;
let b: Club;
let gold: Json;

type Member = Listener & { name: string; club: "a" | "b"; socket: LiveClient; rec: Recorder };
const members: Member[] = [];

/** A member's socket; `deltas`: it takes board deltas, as the web app does. */
async function join(name: string, club: "a" | "b", role: Listener["role"], who: { id: string; token: string }, deltas = false) {
  const socket = liveClient(t.url, { token: who.token });
  if (deltas) socket.auth = { token: who.token, deltas: true };
  const rec = new Recorder(socket);
  await connect(socket);
  const m: Member = { name, club, role, userId: who.id, socket, rec };
  members.push(m);
  return m;
}

beforeAll(async () => {
  t = await startTestServer({}, "2026-03-16T09:00:00+08:00");
  a = await makeTeamClub(t, "live-table-a");
  b = await makeClub(t.url, "live-table-b");
  gold = (await call(t.url, "POST", "/card-types", { token: a.manager.token, body: { name: "Gold", listPrice: 100 } })).body;
  await join("a admin", "a", "admin", a.admin, true);
  await join("a manager", "a", "manager", a.manager);
  await join("a rep1", "a", "rep", a.rep1, true);
  await join("a rep2 (rep1's team)", "a", "rep", a.rep2);
  await join("a rep3 (another team)", "a", "rep", a.rep3);
  await join("a lead of rep1's team", "a", "lead", a.leadA, true);
  await join("a lead of another team", "a", "lead", a.leadB);
  await join("b manager", "b", "manager", b.manager);
  await join("b rep1", "b", "rep", b.rep1);
  for (const m of members) await m.rec.next("board:snapshot");
  // what setting the clubs up scheduled has gone out
  await new Promise((r) => setTimeout(r, 3 * BOARD_COALESCE_MS));
  for (const m of members) m.rec.clear();
});
afterAll(async () => {
  for (const m of members) m.socket.disconnect();
  await t?.close();
});

const manager = () => members.find((m) => m.name === "a manager")!;

describe("the table of events, end to end", () => {
  it("real writes: every payload matches its schema and reaches exactly the table's audience", async () => {
    const customer = a.customerOf.rep1;
    // a contact
    const contact = await call(t.url, "POST", "/contacts", {
      token: a.rep1.token,
      headers: { "idempotency-key": crypto.randomUUID() },
      body: { customerId: customer.id, channel: "phone" },
    });
    expect(contact.status).toBe(201);
    // revenue
    const revenue = await call(t.url, "POST", "/revenue", {
      token: a.rep1.token,
      body: { customerId: customer.id, amount: 320, businessLine: "membership", occurredAt: "2026-03-16T08:30:00+08:00" },
    });
    expect(revenue.status).toBe(201);
    // a card sale (its revenue too)
    const prospect = await newCustomer(t.url, a.rep1.token, { name: "王女士", status: "prospect" });
    const sale = await call(t.url, "POST", "/card-sales", {
      token: a.rep1.token,
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: { customerId: prospect.id, cardTypeId: gold.id },
    });
    expect(sale.status).toBe(201);
    // an alarm acknowledged, and a rep's alarms acknowledged at once
    const open = (await call(t.url, "GET", `/alarms?status=unacknowledged&repId=${a.rep1.id}`, { token: a.manager.token })).body;
    const alarm = open.items.find((x: Json) => x.repId === a.rep1.id);
    expect((await call(t.url, "POST", `/alarms/${alarm.id}/acknowledge`, { token: a.manager.token })).status).toBe(200);
    const bulk = await call(t.url, "POST", "/alarms/acknowledge", { token: a.manager.token, body: { repId: a.rep3.id } });
    expect(bulk.status).toBe(200);
    // a promotion asked for, then approved
    const asked = await askPromotion(t.url, a.rep1.token, gold.id, "2026-03-16");
    expect(asked.status).toBe(201);
    expect((await call(t.url, "POST", `/promotions/${asked.body.id}/approve`, { token: a.manager.token })).status).toBe(200);

    // Managers hear every one of them; then whatever else is on its way arrives.
    const m = manager().rec;
    await m.next("contact:logged", (p) => p.id === contact.body.id);
    await m.next("revenue:recorded", (p) => p.id === revenue.body.id);
    await m.next("card:sold", (p) => p.id === sale.body.id);
    await m.next("quota:alarm", (p) => p.kind === "acknowledged" && p.id === alarm.id);
    await m.next("quota:alarm", (p) => p.kind === "acknowledged" && p.bulk === true);
    await m.next("promotion:changed", (p) => p.id === asked.body.id && p.status === "approved");
    await nothingWithin(m, 4 * BOARD_COALESCE_MS);

    // 1. Everything anyone received parses with the table's schema (boards included).
    const kinds = new Set<string>();
    for (const x of members)
      for (const e of x.rec.events) {
        kinds.add(e.event);
        expect(payloadProblem(e.event, e.payload), `${x.name}: ${e.event} ${JSON.stringify(e.payload)}`).toBeNull();
      }
    expect([...kinds]).toEqual(expect.arrayContaining(["board:delta", "board:snapshot", "leaderboard:update"]));

    // 2. Each event a write announced (told apart by its payload) reached exactly its audience, once.
    const announced = new Map<string, Announced>();
    for (const x of members)
      for (const e of x.rec.events)
        if (liveEvents[e.event].kind === "published") announced.set(`${e.event} ${JSON.stringify(e.payload)}`, e as Announced);
    expect(new Set([...announced.values()].map((e) => e.event))).toEqual(
      new Set(["contact:logged", "revenue:recorded", "card:sold", "quota:alarm", "promotion:changed"]),
    );
    for (const [key, e] of announced) {
      const expected = members.filter((x) => x.club === "a" && reaches(e, x)).map((x) => x.name);
      const got = members.filter((x) => x.rec.events.some((r) => `${r.event} ${JSON.stringify(r.payload)}` === key)).map((x) => x.name);
      expect(got, key).toEqual(expected);
      for (const x of members)
        expect(x.rec.events.filter((r) => `${r.event} ${JSON.stringify(r.payload)}` === key).length).toBeLessThanOrEqual(1);
    }

    // 3. In words: the rep-only events of rep1 reached rep1 but no other rep, no lead, no one of club B.
    const byName = (n: string) => members.find((x) => x.name === n)!;
    expect(byName("a rep1").rec.of("contact:logged")).toHaveLength(1);
    for (const n of ["a rep2 (rep1's team)", "a rep3 (another team)", "a lead of rep1's team", "b manager", "b rep1"])
      for (const ev of ["contact:logged", "revenue:recorded", "promotion:changed"] as const)
        expect(byName(n).rec.of(ev), `${n} ${ev}`).toEqual([]);
    // the acknowledgements are the managers' alone, even for the rep they concern
    expect(
      byName("a rep1")
        .rec.of("quota:alarm")
        .filter((p) => p.kind === "acknowledged"),
    ).toEqual([]);
    expect(
      byName("a rep3 (another team)")
        .rec.of("quota:alarm")
        .filter((p) => p.kind === "acknowledged"),
    ).toEqual([]);
    // the sale, the whole club's: leads and other reps too, club B never
    for (const n of ["a rep3 (another team)", "a lead of another team", "a admin"]) expect(byName(n).rec.of("card:sold")).toHaveLength(1);
    for (const n of ["b manager", "b rep1"])
      expect(byName(n).rec.events.filter((e) => !e.event.startsWith("board:") && e.event !== "leaderboard:update")).toEqual([]);
  });
});
