import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

// docs/verified-visits.md (第六条: 如实反映…严格统计数字、不得弄虚作假). Club time Asia/Shanghai.
let t: TestServer;
let c: Club;
let other: Club;
beforeAll(async () => {
  t = await startTestServer({}, "2026-05-04T10:00:00+08:00");
  c = await makeClub(t.url, "verify");
  other = await makeClub(t.url, "verify-other");
});
afterAll(() => t?.close());

/** Metres north as degrees of latitude (one degree is 2πR/360 with R = 6,371,008.8 m). */
const north = (m: number) => (m * 360) / (2 * Math.PI * 6_371_008.8);
const SITE = { lat: 31.2304, lng: 121.4737 };
const at = (metresNorth: number, accuracy = 15, takenAt?: string) => ({
  lat: SITE.lat + north(metresNorth),
  lng: SITE.lng,
  accuracy,
  ...(takenAt ? { takenAt } : {}),
});

const log = (token: string, body: Record<string, unknown>, key: string = crypto.randomUUID()) =>
  call(t.url, "POST", "/contacts", { token, body: { channel: "visit", ...body }, headers: { "idempotency-key": key } });
const codeOf = (res: Json, field: string) => res.body.error.fieldCodes?.[field]?.code;
const customerOf = async (token: string, name: string) => newCustomer(t.url, token, { name, status: "prospect" });
const pinned = async (token: string, name: string) => {
  const cu = await customerOf(token, name);
  const res = await call(t.url, "PUT", `/customers/${cu.id}/pin`, { token: c.manager.token, body: SITE });
  expect(res.status).toBe(200);
  return res.body;
};

describe("logging a visit checks it against the customer's pin", () => {
  it("a manager pins a customer; the customer answers with its pin and its history records it", async () => {
    const cu = await pinned(c.rep1.token, "上海金茂");
    expect(cu.pin).toMatchObject({ lat: SITE.lat, lng: SITE.lng, source: "manager", by: c.manager.id, byName: "mgr" });
    expect(cu.pin.at).toBe("2026-05-04T02:00:00.000Z");
    const history = await call(t.url, "GET", `/customers/${cu.id}/history`, { token: c.manager.token });
    expect(history.body.items.find((h: Json) => h.kind === "pin")).toMatchObject({
      actorId: c.manager.id,
      changes: [{ field: "pin", old: null, new: { ...SITE, source: "manager" } }],
    });
    const fresh = await customerOf(c.rep1.token, "无位置客户");
    expect(fresh.pin).toBeNull();
  });

  it("on site, off site (2 km), no position, no pin; the answer has the check and the position", async () => {
    const cu = await pinned(c.rep1.token, "on-off");
    const onSite = await log(c.rep1.token, { customerId: cu.id, position: at(120, 20) });
    expect(onSite.status).toBe(201);
    expect(onSite.body.check).toEqual({ state: "on_site", distanceM: 120, accepted: null });
    expect(onSite.body.position).toEqual({ ...at(120, 20), takenAt: null });

    const away = await log(c.rep1.token, { customerId: cu.id, channel: "demo", position: at(2000, 20) });
    expect(away.body.check).toEqual({ state: "off_site", distanceM: 2000, accepted: null });

    const denied = await log(c.rep1.token, { customerId: cu.id, positionError: "denied" });
    expect(denied.body.check).toEqual({ state: "no_position", distanceM: null, accepted: null });
    expect(denied.body.position).toBeNull();
    const silent = await log(c.rep1.token, { customerId: cu.id });
    expect(silent.body.check.state).toBe("no_position");

    const bare = await customerOf(c.rep1.token, "no pin yet");
    const noPin = await log(c.rep1.token, { customerId: bare.id, position: at(0) });
    expect(noPin.body.check).toEqual({ state: "no_pin", distanceM: null, accepted: null });

    const phone = await log(c.rep1.token, { customerId: cu.id, channel: "phone" });
    expect(phone.status).toBe(201);
    expect(phone.body.check).toBeNull();
    expect(phone.body.position).toBeNull();
  });

  it("a position taken more than 15 minutes from the contact is no position; 15 minutes exactly is one", async () => {
    const cu = await pinned(c.rep1.token, "stale");
    const stale = await log(c.rep1.token, {
      customerId: cu.id,
      occurredAt: "2026-05-04T09:30:00+08:00",
      position: at(10, 10, "2026-05-04T09:14:59+08:00"),
    });
    expect(stale.body.check).toEqual({ state: "no_position", distanceM: null, accepted: null });
    expect(stale.body.position.takenAt).toBe("2026-05-04T01:14:59.000Z");
    const edge = await log(c.rep1.token, {
      customerId: cu.id,
      occurredAt: "2026-05-04T09:30:00+08:00",
      position: at(10, 10, "2026-05-04T09:15:00+08:00"),
    });
    expect(edge.body.check.state).toBe("on_site");
  });

  it("pinHere pins a customer without one: that visit is no_pin, the next is checked against it; a second pinHere is 422", async () => {
    const cu = await customerOf(c.rep1.token, "pin-here");
    const first = await log(c.rep1.token, { customerId: cu.id, position: at(0, 8), pinHere: true });
    expect(first.status).toBe(201);
    expect(first.body.check).toEqual({ state: "no_pin", distanceM: null, accepted: null });
    const got = (await call(t.url, "GET", `/customers/${cu.id}`, { token: c.rep1.token })).body;
    expect(got.pin).toMatchObject({ lat: at(0).lat, lng: SITE.lng, source: "visit", by: c.rep1.id, byName: "rep1" });
    const history = await call(t.url, "GET", `/customers/${cu.id}/history`, { token: c.rep1.token });
    expect(history.body.items.some((h: Json) => h.kind === "pin")).toBe(true);

    const next = await log(c.rep1.token, { customerId: cu.id, position: at(50, 8) });
    expect(next.body.check).toEqual({ state: "on_site", distanceM: 50, accepted: null });

    const again = await log(c.rep1.token, { customerId: cu.id, position: at(0, 8), pinHere: true });
    expectErrorShape(again, 422, "rule_violation");
    expect(codeOf(again, "pinHere")).toBe("already_pinned");
  });

  it("two visits pinning one customer at once (one group or two): one pins it, the other is 422 already_pinned", async () => {
    const cu = await customerOf(c.rep1.token, "race");
    const both = await Promise.all([
      log(c.rep1.token, { customerId: cu.id, position: at(0, 8), pinHere: true }),
      log(c.rep1.token, { customerId: cu.id, position: at(900, 8), pinHere: true }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 422]);
    const won = both.find((r) => r.status === 201)!;
    const got = (await call(t.url, "GET", `/customers/${cu.id}`, { token: c.rep1.token })).body;
    expect(got.pin.lat).toBe(won.body.position.lat);
  });

  it("bad positions are 400 with their field paths", async () => {
    const cu = await pinned(c.rep1.token, "bad input");
    const cases: [Record<string, unknown>, string, string][] = [
      [{ position: { ...at(0), lat: 91 } }, "position.lat", "too_large"],
      [{ position: { ...at(0), lng: -181 } }, "position.lng", "too_small"],
      [{ position: at(0, 0) }, "position.accuracy", "too_small"],
      [{ position: at(0, 6000) }, "position.accuracy", "too_large"],
      [{ position: { ...at(0), takenAt: "yesterday" } }, "position.takenAt", "invalid_format"],
      [{ channel: "phone", position: at(0) }, "position", "in_person_only"],
      [{ channel: "letter", positionError: "denied" }, "positionError", "in_person_only"],
      [{ position: at(0), positionError: "timeout" }, "positionError", "one_or_other"],
      [{ positionError: "broken" }, "positionError", "invalid_choice"],
      [{ pinHere: true }, "pinHere", "needs_position"],
      [{ channel: "phone", pinHere: true }, "pinHere", "in_person_only"],
    ];
    for (const [body, field, code] of cases) {
      const res = await log(c.rep1.token, { customerId: cu.id, ...body });
      expectErrorShape(res, 400, "validation_failed");
      expect(codeOf(res, field), `${field} of ${JSON.stringify(body)}`).toBe(code);
    }
  });

  it("a replayed Idempotency-Key answers the same; the same key with another position is a conflict", async () => {
    const cu = await pinned(c.rep1.token, "replay");
    const key = crypto.randomUUID();
    const first = await log(c.rep1.token, { customerId: cu.id, position: at(2000) }, key);
    const again = await log(c.rep1.token, { customerId: cu.id, position: at(2000) }, key);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    const moved = await log(c.rep1.token, { customerId: cu.id, position: at(10) }, key);
    expect(moved.status).toBe(409);
  });

  it("pins: only managers set or clear them; another club's customer is 404; bad pins 400", async () => {
    const cu = await customerOf(c.rep1.token, "pin rights");
    const byRep = await call(t.url, "PUT", `/customers/${cu.id}/pin`, { token: c.rep1.token, body: SITE });
    expectErrorShape(byRep, 403);
    const bad = await call(t.url, "PUT", `/customers/${cu.id}/pin`, { token: c.manager.token, body: { lat: 91, lng: 200 } });
    expectErrorShape(bad, 400);
    expect(Object.keys(bad.body.error.fieldCodes).sort()).toEqual(["lat", "lng"]);
    const foreign = await call(t.url, "PUT", `/customers/${cu.id}/pin`, { token: other.manager.token, body: SITE });
    expectErrorShape(foreign, 404);
    const foreignClear = await call(t.url, "DELETE", `/customers/${cu.id}/pin`, { token: other.manager.token });
    expectErrorShape(foreignClear, 404);
    const set = await call(t.url, "PUT", `/customers/${cu.id}/pin`, { token: c.admin.token, body: SITE });
    expect(set.body.pin.source).toBe("manager");
    t.clock.advance(60_000);
    const byRepClear = await call(t.url, "DELETE", `/customers/${cu.id}/pin`, { token: c.rep1.token });
    expectErrorShape(byRepClear, 403);
    const cleared = await call(t.url, "DELETE", `/customers/${cu.id}/pin`, { token: c.manager.token });
    expect(cleared.status).toBe(200);
    expect(cleared.body.pin).toBeNull();
    const history = (await call(t.url, "GET", `/customers/${cu.id}/history`, { token: c.manager.token })).body.items;
    expect(history.filter((h: Json) => h.kind === "pin").map((h: Json) => h.changes[0].new)).toEqual([
      null,
      { ...SITE, source: "manager" },
    ]);
    // another club's customer cannot be visited either
    const foreignVisit = await log(other.rep1.token, { customerId: cu.id, position: at(0) });
    expectErrorShape(foreignVisit, 404);
  });

  it("settings: visitRadiusM and positionRetentionDays, validated", async () => {
    const got = await call(t.url, "GET", "/settings", { token: c.rep1.token });
    expect(got.body).toMatchObject({ visitRadiusM: 300, positionRetentionDays: 90 });
    const bad = await call(t.url, "PATCH", "/settings", { token: c.admin.token, body: { visitRadiusM: 49, positionRetentionDays: 3651 } });
    expectErrorShape(bad, 400);
    expect(codeOf(bad, "visitRadiusM")).toBe("too_small");
    expect(codeOf(bad, "positionRetentionDays")).toBe("too_large");
    const wide = await call(t.url, "PATCH", "/settings", { token: c.admin.token, body: { visitRadiusM: 2500 } });
    expect(wide.body.visitRadiusM).toBe(2500);
    // the wider radius holds for visits logged from now on
    const cu = await pinned(c.rep1.token, "wide radius");
    expect((await log(c.rep1.token, { customerId: cu.id, position: at(2000) })).body.check.state).toBe("on_site");
    await call(t.url, "PATCH", "/settings", { token: c.admin.token, body: { visitRadiusM: 300 } });
  });
});
