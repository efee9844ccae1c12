import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";
import { connected, eventually, type LiveClient, type Recorder } from "../support/live.ts";
import { addPerson, members, teamOf } from "../support/teams.ts";

// docs/verified-visits.md: a contact's position never leaves on the live channel; the boards'
// quota rows (managers' part, the lead's team part) carry the month's checks and move with an acceptance.
let t: TestServer;
let c: Club;
let lead: { id: string; token: string };
const sockets: { socket: LiveClient; rec: Recorder }[] = [];
const SITE = { lat: 22.5431, lng: 114.0579 };
const north = (m: number) => (m * 360) / (2 * Math.PI * 6_371_008.8);

beforeAll(async () => {
  t = await startTestServer({}, "2026-05-04T10:00:00+08:00");
  c = await makeClub(t.url, "live-verify");
  lead = await addPerson(t.url, c.manager.token, c.slug, "lead", "leada");
  const team = await teamOf(t.url, c.manager.token, { name: "深圳组", leadId: lead.id });
  await members(t.url, c.manager.token, team.id, { add: [c.rep1.id] });
});
afterAll(async () => {
  for (const s of sockets) s.socket.disconnect();
  await t?.close();
});

async function listen(token: string) {
  const s = await connected(t.url, token);
  sockets.push(s);
  await s.rec.next("board:snapshot");
  return s;
}

/** The rep's quota row in a fresh socket's first board snapshot. */
async function boardRow(token: string, repId: string) {
  const s = await listen(token);
  const snap = s.rec.of("board:snapshot")[0] as Json;
  s.socket.disconnect();
  return snap.boards.quota?.reps.find((r: Json) => r.repId === repId);
}

describe("verified visits on the live channel", () => {
  it("no event carries a position; the boards' quota rows carry the checks and move when a manager accepts", async () => {
    const manager = await listen(c.manager.token);
    const rep = await listen(c.rep1.token);
    const byLead = await listen(lead.token);
    const customer = await newCustomer(t.url, c.rep1.token, { name: "华强北", status: "prospect" });
    await call(t.url, "PUT", `/customers/${customer.id}/pin`, { token: c.manager.token, body: SITE });
    const away = await call(t.url, "POST", "/contacts", {
      token: c.rep1.token,
      body: { customerId: customer.id, channel: "visit", position: { lat: SITE.lat + north(2000), lng: SITE.lng, accuracy: 12 } },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expect(away.body.position).not.toBeNull();
    await manager.rec.next("contact:logged", (p) => p.id === away.body.id);
    await rep.rec.next("contact:logged", (p) => p.id === away.body.id);
    const row = await eventually(async () => {
      const r = await boardRow(c.manager.token, c.rep1.id);
      if (r?.checks?.offSite !== 1) throw new Error("not yet");
      return r;
    });
    expect(row.checks).toEqual({ inPerson: 1, onSite: 0, accepted: 0, offSite: 1, noPosition: 0, noPin: 0 });
    expect((await boardRow(lead.token, c.rep1.id)).checks).toEqual(row.checks);

    const ok = await call(t.url, "POST", `/contacts/${away.body.id}/accept`, {
      token: c.manager.token,
      body: { reason: "在客户新仓库拜访" },
    });
    expect(ok.status).toBe(200);
    const moved = await eventually(async () => {
      const r = await boardRow(c.manager.token, c.rep1.id);
      if (r?.checks?.accepted !== 1) throw new Error("not yet");
      return r;
    });
    expect(moved.checks).toEqual({ inPerson: 1, onSite: 0, accepted: 1, offSite: 0, noPosition: 0, noPin: 0 });
    expect((await boardRow(lead.token, c.rep1.id)).checks).toEqual(moved.checks);

    // Everything any of the three sockets received: no latitude or longitude anywhere.
    const everything = JSON.stringify([manager, rep, byLead].flatMap((s) => s.rec.events));
    expect(everything).toContain(away.body.id);
    expect(everything).not.toMatch(/"lat"|"lng"|"position"|"accuracy"/);
    expect(everything).not.toContain(String(SITE.lng));
  });
});
