import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let c: Club;
let other: Club;
let active: Json;
let prospect: Json;
const DAY = "2026-03-15";
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T18:00:00+08:00");
  c = await makeClub(t.url, "dia");
  other = await makeClub(t.url, "dia-other");
  active = await newCustomer(t.url, c.rep1.token, { name: "Diary Active", status: "active" });
  prospect = await newCustomer(t.url, c.rep1.token, { name: "Diary Prospect" });
});
afterAll(() => t?.close());

async function contact(token: string, customerId: string, channel: string, occurredAt: string) {
  const res = await call(t.url, "POST", "/contacts", {
    token,
    body: { customerId, channel, occurredAt },
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  if (res.status !== 201) throw new Error(`contact: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Json;
}
const diary = (token: string, q = "", day = DAY) => call(t.url, "GET", `/diary/${day}${q}`, { token });

describe("the work diary (SPEC §6, 第四条 1)", () => {
  it("derives its figures from the day's contacts, card sales and revenue", async () => {
    const at = (hm: string) => `${DAY}T${hm}:00+08:00`;
    await contact(c.rep1.token, active.id, "visit", at("09:00"));
    await contact(c.rep1.token, active.id, "visit", at("11:00"));
    await contact(c.rep1.token, prospect.id, "demo", at("14:00"));
    await contact(c.rep1.token, active.id, "phone", at("15:00"));
    await contact(c.rep1.token, prospect.id, "letter", at("16:00"));
    const wrong = await contact(c.rep1.token, active.id, "visit", at("17:00"));
    await call(t.url, "POST", `/contacts/${wrong.id}/void`, { token: c.rep1.token, body: { reason: "logged twice" } });
    // other days and other reps do not count
    await contact(c.rep1.token, active.id, "visit", "2026-03-14T23:59:00+08:00");
    const mine = await newCustomer(t.url, c.rep2.token, { name: "Rep2 Co", status: "active" });
    await contact(c.rep2.token, mine.id, "visit", at("10:00"));
    await addRevenue(t.url, c.rep1.token, { customerId: active.id, amount: 1234.5, occurredAt: at("12:00") });
    await addRevenue(t.url, c.rep1.token, { customerId: active.id, amount: 99, occurredAt: "2026-03-14T12:00:00+08:00" });
    const type = await call(t.url, "POST", "/card-types", { token: c.manager.token, body: { name: "Gold", listPrice: 8000 } });
    const sale = await call(t.url, "POST", "/card-sales", {
      token: c.rep1.token,
      body: { customerId: prospect.id, cardTypeId: type.body.id, occurredAt: at("16:30") },
    });
    expect(sale.status).toBe(201);

    const res = await diary(c.rep1.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      repId: c.rep1.id,
      day: DAY,
      figures: {
        customersContactedInPerson: 2,
        inPersonContacts: 3,
        calls: 1,
        letters: 1,
        demos: 1,
        newCardCustomers: 1,
        revenueCredited: 9234.5,
        prospectsWorkedOn: 1,
      },
      workingTime: null,
      submitted: false,
      submittedAt: null,
      late: false,
      managerComment: null,
    });
    const rep2 = await diary(c.rep2.token);
    expect(rep2.body.figures).toMatchObject({ inPersonContacts: 1, revenueCredited: 0 });
  });

  it("the rep types only their own fields; figures cannot be typed", async () => {
    const put = await call(t.url, "PUT", `/diary/${DAY}`, {
      token: c.rep1.token,
      body: { workingTime: "08:30–18:00", targets: "续约两家", progress: "一家已签", notes: "下周回访" },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ workingTime: "08:30–18:00", targets: "续约两家", progress: "一家已签", notes: "下周回访" });
    expect(put.body.figures.inPersonContacts).toBe(3);
    const partial = await call(t.url, "PUT", `/diary/${DAY}`, { token: c.rep1.token, body: { notes: "下周二回访" } });
    expect(partial.body).toMatchObject({ workingTime: "08:30–18:00", notes: "下周二回访" });
    const typed = await call(t.url, "PUT", `/diary/${DAY}`, { token: c.rep1.token, body: { figures: { calls: 99 } } });
    expectErrorShape(typed, 400, "validation_failed");
    expectErrorShape(await call(t.url, "PUT", `/diary/${DAY}`, { token: c.rep1.token, body: {} }), 400);
    expectErrorShape(await call(t.url, "PUT", `/diary/${DAY}`, { token: c.rep1.token, body: { notes: "x".repeat(2001) } }), 400);
  });

  it("future dates are refused and bad dates are a 400", async () => {
    expectErrorShape(await diary(c.rep1.token, "", "2026-03-16"), 422, "rule_violation");
    expectErrorShape(await call(t.url, "PUT", "/diary/2026-03-16", { token: c.rep1.token, body: { notes: "x" } }), 422);
    expectErrorShape(await call(t.url, "POST", "/diary/2026-03-16/submit", { token: c.rep1.token }), 422);
    expectErrorShape(await diary(c.rep1.token, "", "2026-02-30"), 400, "validation_failed");
    expectErrorShape(await diary(c.rep1.token, "", "yesterday"), 400);
  });

  it("a rep cannot see or touch another rep's diary; other clubs see nothing (404)", async () => {
    expectErrorShape(await diary(c.rep2.token, `?repId=${c.rep1.id}`), 404, "not_found");
    expectErrorShape(await diary(other.admin.token, `?repId=${c.rep1.id}`), 404);
    expectErrorShape(
      await call(t.url, "POST", `/diary/${DAY}/comment?repId=${c.rep1.id}`, { token: other.admin.token, body: { comment: "hi" } }),
      404,
    );
    expectErrorShape(
      await call(t.url, "POST", `/diary/${DAY}/comment?repId=${c.rep1.id}`, { token: c.rep2.token, body: { comment: "hi" } }),
      403,
    );
    expectErrorShape(await call(t.url, "GET", `/diary?date=${DAY}`, { token: c.rep1.token }), 403);
    // rep2 writing is rep2's own diary
    await call(t.url, "PUT", `/diary/${DAY}`, { token: c.rep2.token, body: { notes: "mine" } });
    expect((await diary(c.rep1.token)).body.notes).toBe("下周二回访");
    const mgr = await diary(c.manager.token, `?repId=${c.rep1.id}`);
    expect(mgr.body).toMatchObject({ repId: c.rep1.id, notes: "下周二回访" });
  });

  it("submitting freezes it: later contacts do not change it, edits are refused, a second submit is a 409", async () => {
    t.clock.set("2026-03-15T21:00:00+08:00");
    const sub = await call(t.url, "POST", `/diary/${DAY}/submit`, { token: c.rep1.token });
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({ submitted: true, submittedAt: "2026-03-15T13:00:00.000Z", late: false });
    const { checks: before, ...frozen } = sub.body.figures;
    await contact(c.rep1.token, active.id, "visit", "2026-03-15T20:00:00+08:00");
    const { checks: after, ...still } = (await diary(c.rep1.token)).body.figures;
    expect(still).toEqual(frozen);
    // the day's visit checks are the counters' now (docs/verified-visits.md), not frozen
    expect(after.inPerson).toBe(before.inPerson + 1);
    const edit = await call(t.url, "PUT", `/diary/${DAY}`, { token: c.rep1.token, body: { notes: "改一下" } });
    expectErrorShape(edit, 422, "rule_violation");
    expectErrorShape(await call(t.url, "POST", `/diary/${DAY}/submit`, { token: c.rep1.token }), 409, "conflict");
    expect((await diary(c.rep1.token)).body.notes).toBe("下周二回访");
  });

  it("a manager comments after submit; who and when are kept", async () => {
    t.clock.set("2026-03-16T09:00:00+08:00");
    const res = await call(t.url, "POST", `/diary/${DAY}/comment?repId=${c.rep1.id}`, {
      token: c.manager.token,
      body: { comment: "很好，继续跟进" },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      managerComment: "很好，继续跟进",
      commentedBy: c.manager.id,
      commentedAt: "2026-03-16T01:00:00.000Z",
      submitted: true,
      notes: "下周二回访",
    });
    expect((await diary(c.rep1.token)).body.managerComment).toBe("很好，继续跟进");
    expectErrorShape(await call(t.url, "POST", `/diary/${DAY}/comment`, { token: c.manager.token, body: { comment: "x" } }), 400);
  });

  it("a diary not submitted by 10:00 the next club day is late", async () => {
    t.clock.set("2026-03-16T09:59:59+08:00");
    expect((await diary(c.rep2.token)).body.late).toBe(false);
    const before = await call(t.url, "GET", `/diary?date=${DAY}&late=true`, { token: c.manager.token });
    expect(before.body.items).toEqual([]);
    t.clock.set("2026-03-16T10:00:01+08:00");
    expect((await diary(c.rep2.token)).body.late).toBe(true);
    expect((await diary(c.rep1.token)).body.late).toBe(false);
    const late = await call(t.url, "GET", `/diary?date=${DAY}&late=true`, { token: c.manager.token });
    expect(late.body.items.map((x: Json) => x.repId)).toEqual([c.rep2.id]);
    const all = await call(t.url, "GET", `/diary?date=${DAY}`, { token: c.manager.token });
    const byRep = Object.fromEntries(all.body.items.map((x: Json) => [x.repId, x]));
    expect(byRep[c.rep1.id]).toMatchObject({ submitted: true, late: false, managerComment: "很好，继续跟进" });
    expect(byRep[c.rep1.id].figures.inPersonContacts).toBe(3);
    expect(byRep[c.rep2.id]).toMatchObject({ submitted: false, late: true, figures: null });
    // submitting after the deadline stays late
    const sub = await call(t.url, "POST", `/diary/${DAY}/submit`, { token: c.rep2.token });
    expect(sub.body).toMatchObject({ submitted: true, late: true });
    expect(
      (await call(t.url, "GET", `/diary?date=${DAY}&late=false`, { token: c.manager.token })).body.items.map((x: Json) => x.repId),
    ).toEqual([c.rep1.id]);
    expect(JSON.stringify((await call(t.url, "GET", `/diary?date=${DAY}`, { token: other.admin.token })).body)).not.toContain(c.rep1.id);
  });
});
