import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";
import { makeTeamClub, type TeamClub } from "../support/teams.ts";

// A team lead's daily jobs on their team (docs/access.md, "A lead's powers"): editing
// their team's customers as a manager may (but not making one active, nor the cards
// held), confirming a record reviewed, logging and resolving their complaints,
// acknowledging their alarms in bulk. Anything of another team is 404, as if absent.
let t: TestServer;
let c: TeamClub;
/** the complaints of the club by owner rep, as the manager lists them */
const complaintOf: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestServer();
  c = await makeTeamClub(t, "lead-powers");
  const list = await call(t.url, "GET", "/complaints?limit=100", { token: c.manager.token });
  for (const x of list.body.items as Json[]) {
    const name = Object.entries(c.reps).find(([, r]) => r.id === x.ownerId)?.[0];
    if (name) complaintOf[name] = x.id;
  }
});
afterAll(() => t?.close());

const patch = (token: string, id: string, body: unknown) => call(t.url, "PATCH", `/customers/${id}`, { token, body });

describe("a lead edits their team's customers", () => {
  it("edits a team rep's customer; the history names the lead", async () => {
    const id = c.customerOf.rep1.id;
    const res = await patch(c.leadA.token, id, {
      name: "Renamed by lead",
      profile: { phone: "13800000001" },
      transaction: { needs: "a quieter room" },
    });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe("Renamed by lead");
    expect(res.body.profile.phone).toBe("13800000001");
    const hist = await call(t.url, "GET", `/customers/${id}/history?limit=20`, { token: c.manager.token });
    const edits = (hist.body.items as Json[]).filter((e) => e.kind === "edited" && e.actorId === c.leadA.id);
    expect(edits.length).toBe(1);
    expect(edits[0].changes.map((x: Json) => x.field).sort()).toEqual(["name", "profile.phone", "transaction.needs"]);
    // and the rep who owns it sees the change
    expect((await call(t.url, "GET", `/customers/${id}`, { token: c.rep1.token })).body.name).toBe("Renamed by lead");
  });

  it("reads a team customer's business mix (the card's 本月消费), not another team's, nor the club's", async () => {
    const month = "2026-03";
    const mine = await call(t.url, "GET", `/analysis/mix?month=${month}&customerId=${c.customerOf.rep1.id}`, { token: c.leadA.token });
    expect(mine.status).toBe(200);
    expect(mine.body.customerId).toBe(c.customerOf.rep1.id);
    expectErrorShape(
      await call(t.url, "GET", `/analysis/mix?month=${month}&customerId=${c.customerOf.rep3.id}`, { token: c.leadA.token }),
      404,
    );
    expectErrorShape(await call(t.url, "GET", `/analysis/mix?month=${month}`, { token: c.leadA.token }), 403);
  });

  it("another team's customer, or one of no team, is 404 and stays as it was", async () => {
    for (const [token, id] of [
      [c.leadA.token, c.customerOf.rep3.id],
      [c.leadA.token, c.customerOf.rep4.id],
      [c.leadB.token, c.customerOf.rep1.id],
    ] as const) {
      expectErrorShape(await patch(token, id, { name: "Not yours" }), 404);
    }
    expect((await call(t.url, "GET", `/customers/${c.customerOf.rep3.id}`, { token: c.manager.token })).body.name).not.toBe("Not yours");
  });

  it("gives a prospect up and reopens it, and moves a customer to another rep of the team only", async () => {
    const p = await newCustomer(t.url, c.rep2.token, { name: "Prospect of rep2" });
    expect((await patch(c.leadA.token, p.id, { status: "dropped" })).body.status).toBe("dropped");
    expect((await patch(c.leadA.token, p.id, { status: "prospect" })).body.status).toBe("prospect");
    expect((await patch(c.leadA.token, p.id, { ownerId: c.rep1.id })).body.ownerId).toBe(c.rep1.id);
    // a rep of another team, of none, or the lead themself: as if absent
    for (const ownerId of [c.rep3.id, c.rep4.id, c.leadA.id]) {
      const res = await patch(c.leadA.token, p.id, { ownerId });
      expect(res.status).toBe(400);
      expect(res.body.error.fieldCodes.ownerId?.code).toBe("not_active_user");
    }
    expect((await call(t.url, "GET", `/customers/${p.id}`, { token: c.manager.token })).body.ownerId).toBe(c.rep1.id);
  });

  it("does not make a customer active nor change the cards held: those stay with managers (第五条 一 1.1)", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "Prospect of rep1" });
    expect((await patch(c.leadA.token, p.id, { status: "active" })).status).toBe(403);
    expect((await patch(c.leadA.token, c.customerOf.rep2.id, { transaction: { cardsHeld: ["gold"] } })).status).toBe(403);
    expect((await call(t.url, "GET", `/customers/${p.id}`, { token: c.manager.token })).body.status).toBe("prospect");
    // an active customer lost (any owner may record it) is the lead's too
    expect((await patch(c.leadA.token, c.customerOf.rep2.id, { status: "churned" })).body.status).toBe("churned");
  });

  it("confirms a team customer's record reviewed, not another team's", async () => {
    expect((await call(t.url, "POST", `/customers/${c.customerOf.rep2.id}/refresh`, { token: c.leadA.token })).status).toBe(200);
    expect((await call(t.url, "POST", `/customers/${c.customerOf.rep3.id}/refresh`, { token: c.leadA.token })).status).toBe(404);
  });
});

describe("a lead answers their team's complaints", () => {
  it("resolves a team rep's complaint, once", async () => {
    const res = await call(t.url, "POST", `/complaints/${complaintOf.rep1}/resolve`, {
      token: c.leadA.token,
      body: { resolution: "Called back, sorted" },
    });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("resolved");
    expect(res.body.resolvedBy).toBe(c.leadA.id);
    const again = await call(t.url, "POST", `/complaints/${complaintOf.rep1}/resolve`, {
      token: c.leadA.token,
      body: { resolution: "again" },
    });
    expect(again.status).toBe(422);
  });

  it("another team's complaint, or one of no team, is 404 and stays open", async () => {
    for (const [token, id] of [
      [c.leadA.token, complaintOf.rep3],
      [c.leadA.token, complaintOf.rep4],
      [c.leadB.token, complaintOf.rep2],
    ] as const) {
      const res = await call(t.url, "POST", `/complaints/${id}/resolve`, { token, body: { resolution: "not mine" } });
      expect(res.status).toBe(404);
    }
    const open = await call(t.url, "GET", "/complaints?status=open&limit=100", { token: c.manager.token });
    const openIds = (open.body.items as Json[]).map((x) => x.id);
    for (const id of [complaintOf.rep3, complaintOf.rep4, complaintOf.rep2]) expect(openIds).toContain(id);
  });

  it("logs a complaint for a team customer only", async () => {
    const ok = await call(t.url, "POST", "/complaints", {
      token: c.leadA.token,
      body: { customerId: c.customerOf.rep2.id, channel: "visit", summary: "Told the lead at the desk" },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.openedBy).toBe(c.leadA.id);
    const no = await call(t.url, "POST", "/complaints", {
      token: c.leadA.token,
      body: { customerId: c.customerOf.rep3.id, channel: "visit", summary: "not mine" },
    });
    expect(no.status).toBe(404);
    // a bad body is 400 with its fields, as for anyone
    const bad = await call(t.url, "POST", `/complaints/${complaintOf.rep2}/resolve`, { token: c.leadA.token, body: { resolution: " " } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fieldCodes.resolution?.code).toBeTruthy();
  });
});

describe("a lead acknowledges their team's alarms in bulk", () => {
  const unacked = async (repId: string, level?: string) =>
    (
      (await call(t.url, "GET", `/alarms?status=unacknowledged&repId=${repId}&limit=50`, { token: c.manager.token })).body.items as Json[]
    ).filter((a) => !level || a.level === level).length;

  it("by level: their team's only", async () => {
    const before = { rep1: await unacked(c.rep1.id, "red"), rep2: await unacked(c.rep2.id, "red") };
    expect(before.rep1).toBeGreaterThan(0);
    expect(await unacked(c.rep3.id, "red")).toBeGreaterThan(0);
    const res = await call(t.url, "POST", "/alarms/acknowledge", { token: c.leadA.token, body: { level: "red" } });
    expect(res.status).toBe(200);
    expect(res.body.acknowledged).toBe(before.rep1 + before.rep2);
    expect(await unacked(c.rep1.id, "red")).toBe(0);
    expect(await unacked(c.rep2.id, "red")).toBe(0);
    expect(await unacked(c.rep3.id, "red")).toBeGreaterThan(0);
    expect(await unacked(c.rep4.id, "red")).toBeGreaterThan(0);
  });

  it("by ids or by rep: another team's are left as they are", async () => {
    const theirs = (await call(t.url, "GET", `/alarms?status=unacknowledged&repId=${c.rep3.id}&limit=50`, { token: c.manager.token })).body
      .items as Json[];
    const byIds = await call(t.url, "POST", "/alarms/acknowledge", { token: c.leadA.token, body: { ids: theirs.map((a) => a.id) } });
    expect(byIds.body.acknowledged).toBe(0);
    const byRep = await call(t.url, "POST", "/alarms/acknowledge", { token: c.leadA.token, body: { repId: c.rep3.id } });
    expect(byRep.body.acknowledged).toBe(0);
    expect(await unacked(c.rep3.id)).toBe(theirs.length);
  });
});
