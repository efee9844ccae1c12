import { contactPositions, withTenant } from "@clubhouse/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyContactCounters } from "../../server/src/contacts/service.ts";
import { runJobsOnce } from "../../server/src/jobs/scheduler.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, loginAs, startTestServer, type TestServer } from "../support/harness.ts";
import { addPerson, members, teamOf } from "../support/teams.ts";

// docs/verified-visits.md: a manager accepts an unverified visit; checks in the counters,
// the quota rows, the standing, the diary and the month close; who sees a position; retention.
let t: TestServer;
let c: Club;
let other: Club;
let lead: { id: string; token: string };
let site: Json;
const SITE = { lat: 39.9087, lng: 116.3975 };
const north = (m: number) => (m * 360) / (2 * Math.PI * 6_371_008.8);
const at = (m: number, accuracy = 10) => ({ lat: SITE.lat + north(m), lng: SITE.lng, accuracy });
const contacts: Record<string, Json> = {};

const log = (token: string, body: Record<string, unknown>) =>
  call(t.url, "POST", "/contacts", { token, body: { channel: "visit", ...body }, headers: { "idempotency-key": crypto.randomUUID() } });
const accept = (token: string, id: string, reason = "客户临时改在分店见面", key?: string) =>
  call(t.url, "POST", `/contacts/${id}/accept`, { token, body: { reason }, headers: key ? { "idempotency-key": key } : {} });
const quotaRow = async (token: string, repId: string) =>
  (await call(t.url, "GET", "/quota", { token })).body.reps.find((r: Json) => r.repId === repId);

beforeAll(async () => {
  t = await startTestServer({}, "2026-05-04T10:00:00+08:00");
  c = await makeClub(t.url, "accept");
  other = await makeClub(t.url, "accept-other");
  lead = await addPerson(t.url, c.manager.token, c.slug, "lead", "leada");
  const team = await teamOf(t.url, c.manager.token, { name: "A 组", leadId: lead.id });
  await members(t.url, c.manager.token, team.id, { add: [c.rep1.id] });
  await call(t.url, "PUT", `/targets/${c.rep1.id}/2026-05`, { token: c.manager.token, body: { amount: 10000 } });
  site = await newCustomer(t.url, c.rep1.token, { name: "王府饭店", status: "prospect" });
  await call(t.url, "PUT", `/customers/${site.id}/pin`, { token: c.manager.token, body: SITE });
  contacts.onSite = (await log(c.rep1.token, { customerId: site.id, position: at(30) })).body;
  contacts.away = (await log(c.rep1.token, { customerId: site.id, position: at(2000) })).body;
  contacts.denied = (await log(c.rep1.token, { customerId: site.id, positionError: "denied" })).body;
  contacts.phone = (await log(c.rep1.token, { customerId: site.id, channel: "phone" })).body;
});
afterAll(() => t?.close());

const ZERO = { inPerson: 0, onSite: 0, accepted: 0, offSite: 0, noPosition: 0, noPin: 0 };

describe("accepting an unverified visit (manager)", () => {
  it("the month's checks are on the quota row, the standing and the diary", async () => {
    const want = { ...ZERO, inPerson: 3, onSite: 1, offSite: 1, noPosition: 1 };
    expect((await quotaRow(c.manager.token, c.rep1.id)).checks).toEqual(want);
    expect((await quotaRow(lead.token, c.rep1.id)).checks).toEqual(want);
    expect((await quotaRow(c.rep1.token, c.rep1.id)).checks).toEqual(want);
    const standing = await call(t.url, "GET", `/reps/${c.rep1.id}/standing`, { token: c.manager.token });
    expect(standing.body.current.checks).toEqual(want);
    const diary = await call(t.url, "GET", `/diary/2026-05-04?repId=${c.rep1.id}`, { token: c.manager.token });
    expect(diary.body.figures.checks).toEqual(want);
  });

  it("a rep or a lead may not accept (403); phone 422, on site 422", async () => {
    expectErrorShape(await accept(c.rep1.token, contacts.away.id), 403);
    expectErrorShape(await accept(lead.token, contacts.away.id), 403);
    const phone = await accept(c.manager.token, contacts.phone.id);
    expectErrorShape(phone, 422);
    expect(phone.body.error.fieldCodes.id.code).toBe("not_in_person");
    const onSite = await accept(c.manager.token, contacts.onSite.id);
    expectErrorShape(onSite, 422);
    expect(onSite.body.error.fieldCodes.id.code).toBe("on_site");
    const short = await accept(c.manager.token, contacts.away.id, "好");
    expectErrorShape(short, 400);
    expect(short.body.error.fieldCodes.reason.code).toBe("too_short");
    expectErrorShape(await accept(other.manager.token, contacts.away.id), 404);
  });

  it("the manager accepts once (a replayed key answers the same), a second time is 409; the counters move", async () => {
    const key = crypto.randomUUID();
    const res = await accept(c.manager.token, contacts.away.id, "客户临时改在分店见面", key);
    expect(res.status).toBe(200);
    expect(res.body.check).toEqual({
      state: "off_site",
      distanceM: 2000,
      accepted: { by: c.manager.id, byName: "mgr", at: "2026-05-04T02:00:00.000Z", reason: "客户临时改在分店见面" },
    });
    const replay = await accept(c.manager.token, contacts.away.id, "客户临时改在分店见面", key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(res.body);
    const twice = await accept(c.admin.token, contacts.away.id);
    expectErrorShape(twice, 409);
    expect(twice.body.error.fieldCodes.id.code).toBe("already_accepted");

    const want = { ...ZERO, inPerson: 3, onSite: 1, accepted: 1, noPosition: 1 };
    expect((await quotaRow(c.manager.token, c.rep1.id)).checks).toEqual(want);
    const diary = await call(t.url, "GET", `/diary/2026-05-04?repId=${c.rep1.id}`, { token: c.manager.token });
    expect(diary.body.figures.checks).toEqual(want);
    // the accepted one is verified now: no longer in the unverified list
    const unverified = await call(t.url, "GET", `/contacts?check=unverified&repId=${c.rep1.id}`, { token: c.manager.token });
    expect(unverified.body.items.map((x: Json) => x.id)).toEqual([contacts.denied.id]);
    const offSite = await call(t.url, "GET", "/contacts?check=off_site", { token: c.manager.token });
    expect(offSite.body.items.map((x: Json) => x.id)).toEqual([contacts.away.id]);
    const bad = await call(t.url, "GET", "/contacts?check=somewhere", { token: c.manager.token });
    expectErrorShape(bad, 400);
  });

  it("a void takes the contact off the column it sits in; a voided one cannot be accepted", async () => {
    const v = await call(t.url, "POST", `/contacts/${contacts.away.id}/void`, { token: c.manager.token, body: { reason: "录入重复了" } });
    expect(v.status).toBe(200);
    expect(v.body.check.accepted.reason).toBe("客户临时改在分店见面");
    await call(t.url, "POST", `/contacts/${contacts.denied.id}/void`, { token: c.rep1.token, body: { reason: "录入重复了" } });
    const voided = await accept(c.manager.token, contacts.denied.id);
    expectErrorShape(voided, 422);
    expect(voided.body.error.fieldCodes.id.code).toBe("voided");
    expect((await quotaRow(c.manager.token, c.rep1.id)).checks).toEqual({ ...ZERO, inPerson: 1, onSite: 1 });
    // the day and month counters agree with the contacts, their acceptances and voids recounted
    expect(await withTenant(t.db.database, c.tenantId, (tx) => verifyContactCounters(tx))).toEqual([]);
  });
});

describe("who sees a contact's position", () => {
  it("its rep and managers see it; a lead of its team gets null; another rep and another club 404", async () => {
    const id = contacts.onSite.id;
    for (const token of [c.rep1.token, c.manager.token, c.admin.token]) {
      const res = await call(t.url, "GET", `/contacts/${id}`, { token });
      expect(res.body.position).toMatchObject({ lat: at(30).lat, lng: SITE.lng, accuracy: 10 });
    }
    const byLead = await call(t.url, "GET", `/contacts/${id}`, { token: lead.token });
    expect(byLead.status).toBe(200);
    expect(byLead.body.check.state).toBe("on_site");
    expect(byLead.body.position).toBeNull();
    const leadList = await call(t.url, "GET", `/contacts?repId=${c.rep1.id}`, { token: lead.token });
    expect(leadList.body.items.length).toBeGreaterThan(0);
    expect(leadList.body.items.every((x: Json) => x.position === null)).toBe(true);
    expectErrorShape(await call(t.url, "GET", `/contacts/${id}`, { token: c.rep2.token }), 404);
    expectErrorShape(await call(t.url, "GET", `/contacts/${id}`, { token: other.manager.token }), 404);
    expectErrorShape(await call(t.url, "GET", `/customers/${site.id}`, { token: other.manager.token }), 404);
  });
});

/** After the clock jumps past the sessions' lifetime: signed in again. */
async function signInAgain() {
  c.manager.token = await loginAs(t.url, c.slug, `mgr@${c.slug}.test`, "manager pass 1");
  c.admin.token = await loginAs(t.url, c.slug, `admin@${c.slug}.test`, "correct horse battery");
  c.rep1.token = await loginAs(t.url, c.slug, `rep1@${c.slug}.test`, "rep one pass 1");
  other.rep1.token = await loginAs(t.url, other.slug, `rep1@${other.slug}.test`, "rep one pass 1");
}

describe("the month close and the retention job", () => {
  it("month-close result rows carry the month's checks", async () => {
    t.clock.set("2026-06-01T09:00:00+08:00");
    await signInAgain();
    const closed = await call(t.url, "POST", "/months/2026-05/close", { token: c.manager.token });
    expect(closed.status).toBe(200);
    const row = closed.body.results.find((r: Json) => r.repId === c.rep1.id);
    expect(row.checks).toEqual({ ...ZERO, inPerson: 1, onSite: 1 });
    const read = await call(t.url, "GET", "/months/2026-05/results", { token: c.manager.token });
    expect(read.body.results.find((r: Json) => r.repId === c.rep1.id).checks).toEqual(row.checks);
  });

  it("deletes positions older than the club's retention days; the contact keeps its check and distance", async () => {
    await call(t.url, "PATCH", "/settings", { token: c.admin.token, body: { positionRetentionDays: 30 } });
    const fresh = (await log(c.rep1.token, { customerId: site.id, position: at(40) })).body;
    const count = () =>
      withTenant(
        t.db.database,
        c.tenantId,
        async (tx) => (await tx.select({ id: contactPositions.contactId }).from(contactPositions)).length,
      );
    expect(await count()).toBe(3); // on site, away, and today's
    t.clock.set("2026-06-03T10:00:01+08:00"); // 30 days and a second after the May visits
    await runJobsOnce(t.server.deps, ["position-retention"]);
    await signInAgain();
    expect(await count()).toBe(1);
    const old = await call(t.url, "GET", `/contacts/${contacts.onSite.id}`, { token: c.rep1.token });
    expect(old.body.position).toBeNull();
    expect(old.body.check).toEqual({ state: "on_site", distanceM: 30, accepted: null });
    expect((await call(t.url, "GET", `/contacts/${fresh.id}`, { token: c.rep1.token })).body.position).not.toBeNull();
    // the other club's setting is its own: its positions are not touched by ours
    const otherCustomer = await newCustomer(t.url, other.rep1.token, { name: "other", status: "prospect" });
    await log(other.rep1.token, { customerId: otherCustomer.id, position: at(0) });
    await runJobsOnce(t.server.deps, ["position-retention"]);
    const otherCount = await withTenant(t.db.database, other.tenantId, async (tx) => (await tx.select().from(contactPositions)).length);
    expect(otherCount).toBe(1);
  });
});
