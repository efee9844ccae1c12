import { auditEvents, withTenant } from "@clubhouse/db";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, loginAs, startTestServer, type TestServer } from "../support/harness.ts";
import { addPerson, members, teamOf } from "../support/teams.ts";

// 第五条 1.2 未经部门主管核准同意，不得以任何形式在公众地点展示、推销和销售.
// Starts on Monday 2025-12-15 09:00, club time Asia/Shanghai.
let t: TestServer;
let c: Club;
let other: Club;
let gold: Json;
let otherGold: Json;
beforeAll(async () => {
  t = await startTestServer({}, "2025-12-15T09:00:00+08:00");
  c = await makeClub(t.url, "promo");
  other = await makeClub(t.url, "promo-other");
  gold = (await call(t.url, "POST", "/card-types", { token: c.manager.token, body: { name: "Gold 金卡", listPrice: 38000 } })).body;
  otherGold = (await call(t.url, "POST", "/card-types", { token: other.manager.token, body: { name: "Gold", listPrice: 100 } })).body;
});
afterAll(() => t?.close());

const ask = (token: string, body: Record<string, unknown>) => call(t.url, "POST", "/promotions", { token, body });
const saturdayMall = (over: Record<string, unknown> = {}) => ({
  place: "万达广场一楼中庭",
  startsAt: "2025-12-15T10:00:00+08:00",
  endsAt: "2025-12-15T18:00:00+08:00",
  cardTypeIds: [gold.id],
  expectedContacts: 40,
  ...over,
});
const contact = (token: string, body: Record<string, unknown>) =>
  call(t.url, "POST", "/contacts", { token, body: { channel: "visit", ...body }, headers: { "idempotency-key": crypto.randomUUID() } });
const sell = (token: string, body: Record<string, unknown>) => call(t.url, "POST", "/card-sales", { token, body });
const codeOf = (res: Json, field: string) => res.body.error.fieldCodes?.[field]?.code;

let approved: Json;
let refused: Json;

describe("public promotions need a manager's yes (第五条 1.2)", () => {
  it("a rep asks: where, when, which cards, expected contacts", async () => {
    const res = await ask(c.rep1.token, saturdayMall({ note: "周末路演" }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      repId: c.rep1.id,
      place: "万达广场一楼中庭",
      startsAt: "2025-12-15T02:00:00.000Z",
      endsAt: "2025-12-15T10:00:00.000Z",
      cardTypeIds: [gold.id],
      expectedContacts: 40,
      note: "周末路演",
      status: "requested",
      decidedBy: null,
      contacts: 0,
      cardSales: 0,
      revenue: 0,
    });
    approved = res.body;
    refused = (await ask(c.rep1.token, saturdayMall({ place: "地铁站出口" }))).body;
  });

  it("bad requests are 400 with their fields and codes", async () => {
    const shape = await ask(c.rep1.token, { place: " ", startsAt: "tomorrow", cardTypeIds: [], expectedContacts: -1, extra: 1 });
    expectErrorShape(shape, 400, "validation_failed");
    expect(Object.keys(shape.body.error.fieldCodes).sort()).toEqual([
      "body",
      "cardTypeIds",
      "endsAt",
      "expectedContacts",
      "place",
      "startsAt",
    ]);
    expect(codeOf(shape, "cardTypeIds")).toBe("too_few_items");

    const backwards = await ask(c.rep1.token, saturdayMall({ endsAt: "2025-12-15T09:30:00+08:00" }));
    expectErrorShape(backwards, 400);
    expect(codeOf(backwards, "endsAt")).toBe("before_from");
    const past = await ask(c.rep1.token, saturdayMall({ startsAt: "2025-12-14T10:00:00+08:00" }));
    expect(codeOf(past, "startsAt")).toBe("in_past");
    const long = await ask(c.rep1.token, saturdayMall({ endsAt: "2026-01-15T10:00:00+08:00" }));
    expect(codeOf(long, "endsAt")).toBe("period_too_long");
    const foreignCard = await ask(c.rep1.token, saturdayMall({ cardTypeIds: [gold.id, otherGold.id] }));
    expectErrorShape(foreignCard, 400);
    expect(codeOf(foreignCard, "cardTypeIds.1")).toBe("not_in_club");
    // a manager does not ask for themself
    expectErrorShape(await ask(c.manager.token, saturdayMall()), 403);
  });

  it("a rep cannot approve; a manager approves or refuses with a reason, once", async () => {
    expectErrorShape(await call(t.url, "POST", `/promotions/${approved.id}/approve`, { token: c.rep1.token }), 403);
    expectErrorShape(await call(t.url, "POST", `/promotions/${approved.id}/approve`, { token: other.manager.token }), 404);
    const yes = await call(t.url, "POST", `/promotions/${approved.id}/approve`, { token: c.manager.token });
    expect(yes.status).toBe(200);
    expect(yes.body).toMatchObject({ status: "approved", decidedBy: c.manager.id, reason: null });
    const again = await call(t.url, "POST", `/promotions/${approved.id}/refuse`, {
      token: c.manager.token,
      body: { reason: "changed my mind" },
    });
    expectErrorShape(again, 422, "rule_violation");
    expect(codeOf(again, "status")).toBe("already_decided");

    const noReason = await call(t.url, "POST", `/promotions/${refused.id}/refuse`, { token: c.manager.token, body: {} });
    expectErrorShape(noReason, 400);
    expect(codeOf(noReason, "reason")).toBe("required");
    const no = await call(t.url, "POST", `/promotions/${refused.id}/refuse`, {
      token: c.manager.token,
      body: { reason: "地铁站不允许摆摊" },
    });
    expect(no.body).toMatchObject({ status: "refused", reason: "地铁站不允许摆摊" });
    expectErrorShape(await call(t.url, "POST", `/promotions/${refused.id}/approve`, { token: c.manager.token }), 422);

    const audited = await withTenant(t.server.deps.database, c.tenantId, (tx) =>
      tx.select().from(auditEvents).where(eq(auditEvents.entity, "promotion")).orderBy(asc(auditEvents.at)),
    );
    expect(audited.filter((a) => a.entityId === approved.id).map((a) => [a.action, a.actorId])).toEqual([
      ["promotion.requested", c.rep1.id],
      ["promotion.approved", c.manager.id],
    ]);
    expect(audited.find((a) => a.action === "promotion.refused")?.data).toEqual({ reason: "地铁站不允许摆摊" });
  });

  it("a rep sees their own, a manager all; filtered by status and paged", async () => {
    const mine = await call(t.url, "GET", "/promotions", { token: c.rep1.token });
    expect(mine.body.items.map((p: Json) => p.id).sort()).toEqual([approved.id, refused.id].sort());
    expect((await call(t.url, "GET", "/promotions", { token: c.rep2.token })).body.items).toEqual([]);
    expectErrorShape(await call(t.url, "GET", `/promotions/${approved.id}`, { token: c.rep2.token }), 404);
    expectErrorShape(await call(t.url, "GET", `/promotions?repId=${c.rep1.id}`, { token: c.rep2.token }), 404);
    expect((await call(t.url, "GET", "/promotions", { token: other.manager.token })).body.items).toEqual([]);
    expectErrorShape(await call(t.url, "GET", `/promotions/${approved.id}`, { token: other.manager.token }), 404);
    const onlyApproved = await call(t.url, "GET", "/promotions?status=approved", { token: c.manager.token });
    expect(onlyApproved.body.items.map((p: Json) => p.id)).toEqual([approved.id]);
    const first = await call(t.url, "GET", "/promotions?limit=1", { token: c.manager.token });
    expect(first.body.items.length).toBe(1);
    const rest = await call(t.url, "GET", `/promotions?limit=1&cursor=${first.body.nextCursor}`, { token: c.manager.token });
    expect(rest.body.items.length).toBe(1);
    expect(rest.body.nextCursor).toBeNull();
    expect([first.body.items[0].id, rest.body.items[0].id].sort()).toEqual([approved.id, refused.id].sort());
    // before it opens, nothing is usable now
    expect((await call(t.url, "GET", "/promotions?usableNow=true", { token: c.rep1.token })).body.items).toEqual([]);
  });

  it("a team lead sees their team's promotions only, and decides none", async () => {
    const lead = await addPerson(t.url, c.manager.token, c.slug, "lead", "lead");
    const team = await teamOf(t.url, c.manager.token, { name: "推广组", leadId: lead.id });
    await members(t.url, c.manager.token, team.id, { add: [c.rep1.id] });
    const theirs = (await ask(c.rep2.token, saturdayMall({ place: "Rep2 的摊位" }))).body;
    const seen = await call(t.url, "GET", "/promotions", { token: lead.token });
    expect(seen.status).toBe(200);
    expect(seen.body.items.map((p: Json) => p.id).sort()).toEqual([approved.id, refused.id].sort());
    expect((await call(t.url, "GET", `/promotions/${approved.id}`, { token: lead.token })).status).toBe(200);
    expectErrorShape(await call(t.url, "GET", `/promotions/${theirs.id}`, { token: lead.token }), 404);
    expectErrorShape(await call(t.url, "POST", `/promotions/${theirs.id}/approve`, { token: lead.token }), 403);
    expect((await call(t.url, "POST", `/promotions/${theirs.id}/cancel`, { token: c.rep2.token })).body.status).toBe("cancelled");
  });

  it("contacts and card sales made during an approved promotion name it and are counted", async () => {
    t.clock.set("2025-12-15T12:00:00+08:00");
    expect((await call(t.url, "GET", "/promotions?usableNow=true", { token: c.rep1.token })).body.items.map((p: Json) => p.id)).toEqual([
      approved.id,
    ]);
    const walkIn = await newCustomer(t.url, c.rep1.token, { name: "路人甲" });
    const buyer = await newCustomer(t.url, c.rep1.token, { name: "路人乙" });
    const logged = await contact(c.rep1.token, { customerId: walkIn.id, channel: "demo", promotionId: approved.id });
    expect(logged.status).toBe(201);
    expect(logged.body.promotionId).toBe(approved.id);
    expect((await contact(c.rep1.token, { customerId: buyer.id, promotionId: approved.id })).status).toBe(201);
    expect((await contact(c.rep1.token, { customerId: buyer.id })).status).toBe(201); // not at the promotion
    const sale = await sell(c.rep1.token, { customerId: buyer.id, cardTypeId: gold.id, promotionId: approved.id });
    expect(sale.status).toBe(201);
    expect(sale.body.promotionId).toBe(approved.id);

    const got = await call(t.url, "GET", `/promotions/${approved.id}`, { token: c.manager.token });
    expect(got.body).toMatchObject({ contacts: 2, cardSales: 1, revenue: 38000, repName: expect.any(String) });
    // a voided contact counts nowhere
    await call(t.url, "POST", `/contacts/${logged.body.id}/void`, { token: c.rep1.token, body: { reason: "logged twice" } });
    const listed = await call(t.url, "GET", "/promotions", { token: c.rep1.token });
    expect(listed.body.items.find((p: Json) => p.id === approved.id)).toMatchObject({ contacts: 1, cardSales: 1, revenue: 38000 });
  });

  it("naming a refused, another rep's or another club's promotion is refused, and nothing is written", async () => {
    const walkIn = await newCustomer(t.url, c.rep1.token, { name: "路人丙" });
    const before = (await call(t.url, "GET", `/contacts?customerId=${walkIn.id}`, { token: c.rep1.token })).body.items.length;

    const toRefused = await contact(c.rep1.token, { customerId: walkIn.id, promotionId: refused.id });
    expectErrorShape(toRefused, 422, "rule_violation");
    expect(codeOf(toRefused, "promotionId")).toBe("promotion_not_approved");

    const rep2Customer = await newCustomer(t.url, c.rep2.token, { name: "Rep2 walk-in" });
    const notOwn = await contact(c.rep2.token, { customerId: rep2Customer.id, promotionId: approved.id });
    expectErrorShape(notOwn, 422);
    expect(codeOf(notOwn, "promotionId")).toBe("promotion_not_own");
    const notOwnSale = await sell(c.rep2.token, { customerId: rep2Customer.id, cardTypeId: gold.id, promotionId: approved.id });
    expect(codeOf(notOwnSale, "promotionId")).toBe("promotion_not_own");

    // another club's approved promotion, open now: invisible here
    const theirs = (await ask(other.rep1.token, { ...saturdayMall(), cardTypeIds: [otherGold.id] })).body;
    expect((await call(t.url, "POST", `/promotions/${theirs.id}/approve`, { token: other.manager.token })).status).toBe(200);
    const foreign = await contact(c.rep1.token, { customerId: walkIn.id, promotionId: theirs.id });
    expectErrorShape(foreign, 422);
    expect(codeOf(foreign, "promotionId")).toBe("not_in_club");
    const foreignSale = await sell(c.rep1.token, { customerId: walkIn.id, cardTypeId: gold.id, promotionId: theirs.id });
    expectErrorShape(foreignSale, 422);
    expect(codeOf(foreignSale, "promotionId")).toBe("not_in_club");
    expectErrorShape(await call(t.url, "POST", `/promotions/${theirs.id}/approve`, { token: c.manager.token }), 404);
    expectErrorShape(await call(t.url, "POST", `/promotions/${theirs.id}/cancel`, { token: c.rep1.token }), 404);

    // nothing was written: no contact, no sale, the prospect still a prospect; their figures untouched
    expect((await call(t.url, "GET", `/contacts?customerId=${walkIn.id}`, { token: c.rep1.token })).body.items.length).toBe(before);
    expect((await call(t.url, "GET", `/card-sales?customerId=${walkIn.id}`, { token: c.rep1.token })).body.items).toEqual([]);
    expect((await call(t.url, "GET", `/customers/${walkIn.id}`, { token: c.rep1.token })).body.status).toBe("prospect");
    expect((await call(t.url, "GET", `/promotions/${theirs.id}`, { token: other.manager.token })).body).toMatchObject({
      contacts: 0,
      cardSales: 0,
      revenue: 0,
    });
  });

  it("after its window an approved promotion can no longer be named", async () => {
    t.clock.set("2025-12-15T18:00:30+08:00");
    for (const club of [c]) {
      club.rep1.token = await loginAs(t.url, club.slug, `rep1@${club.slug}.test`, "rep one pass 1");
      club.manager.token = await loginAs(t.url, club.slug, `mgr@${club.slug}.test`, "manager pass 1");
    }
    const late = await newCustomer(t.url, c.rep1.token, { name: "路人丁" });
    const expired = await contact(c.rep1.token, { customerId: late.id, promotionId: approved.id });
    expectErrorShape(expired, 422);
    expect(codeOf(expired, "promotionId")).toBe("promotion_outside_window");
    const expiredSale = await sell(c.rep1.token, { customerId: late.id, cardTypeId: gold.id, promotionId: approved.id });
    expect(codeOf(expiredSale, "promotionId")).toBe("promotion_outside_window");
    // a contact that happened inside the window, logged a little later, still names it
    const backdated = await contact(c.rep1.token, {
      customerId: late.id,
      promotionId: approved.id,
      occurredAt: "2025-12-15T17:45:00+08:00",
    });
    expect(backdated.status).toBe(201);
    expect((await call(t.url, "GET", `/promotions/${approved.id}`, { token: c.manager.token })).body).toMatchObject({
      contacts: 2,
      cardSales: 1,
    });
    expect((await call(t.url, "GET", "/promotions?usableNow=true", { token: c.rep1.token })).body.items).toEqual([]);
  });

  it("its rep cancels one before it starts, not after; a request whose time has passed cannot be approved", async () => {
    const later = (await ask(c.rep1.token, saturdayMall({ startsAt: "2025-12-16T10:00:00+08:00", endsAt: "2025-12-16T16:00:00+08:00" })))
      .body;
    expectErrorShape(await call(t.url, "POST", `/promotions/${later.id}/cancel`, { token: c.rep2.token }), 404);
    const cancelled = await call(t.url, "POST", `/promotions/${later.id}/cancel`, { token: c.rep1.token });
    expect(cancelled.body.status).toBe("cancelled");
    expectErrorShape(await call(t.url, "POST", `/promotions/${later.id}/approve`, { token: c.manager.token }), 422);

    const started = (await ask(c.rep1.token, saturdayMall({ startsAt: "2025-12-15T18:05:00+08:00", endsAt: "2025-12-15T20:00:00+08:00" })))
      .body;
    t.clock.set("2025-12-15T18:10:00+08:00");
    const tooLate = await call(t.url, "POST", `/promotions/${started.id}/cancel`, { token: c.rep1.token });
    expectErrorShape(tooLate, 422);
    expect(codeOf(tooLate, "startsAt")).toBe("already_started");
    t.clock.set("2025-12-15T20:10:00+08:00");
    const over = await call(t.url, "POST", `/promotions/${started.id}/approve`, { token: c.manager.token });
    expectErrorShape(over, 422);
    expect(codeOf(over, "endsAt")).toBe("in_past");
  });
});
