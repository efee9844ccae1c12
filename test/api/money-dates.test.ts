import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

/**
 * When money may be dated (SPEC §3, 第六条 records): revenue (API, CSV import) and
 * card sales refuse a time before 2000-01-01 or in the future beyond 5 minutes
 * (400 naming the field), and nothing new lands in a closed month (422 naming the
 * month); a reversal of a closed month's entry is booked in the current month.
 */
let t: TestServer;
let c: Club;
let k: Club;
let mine: { id: string };
let kept: { id: string };
let cardType: { id: string };
let kCardType: { id: string };
const NOW = "2026-03-15T10:00:00+08:00";

beforeAll(async () => {
  t = await startTestServer({}, NOW);
  c = await makeClub(t.url, "dates");
  k = await makeClub(t.url, "dates-closed");
  mine = await newCustomer(t.url, c.manager.token, { name: "Dated Co", ownerId: c.rep1.id, status: "active" });
  kept = await newCustomer(t.url, k.manager.token, { name: "Closed Co", ownerId: k.rep1.id, status: "active" });
  cardType = (await call(t.url, "POST", "/card-types", { token: c.manager.token, body: { name: "Silver", listPrice: 5000 } })).body;
  kCardType = (await call(t.url, "POST", "/card-types", { token: k.manager.token, body: { name: "Silver", listPrice: 5000 } })).body;
});
afterAll(() => t?.close());

async function upload(token: string, csv: string) {
  const res = await fetch(`${t.url}/api/v1/revenue/import`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    body: csv,
  });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}
const revenue = (club: Club, customerId: string, occurredAt: string, amount = 100) =>
  call(t.url, "POST", "/revenue", { token: club.rep1.token, body: { customerId, amount, businessLine: "spa", occurredAt } });
const ledger = async (club: Club) => (await call(t.url, "GET", "/revenue?limit=200", { token: club.manager.token })).body.items as Json[];
const achieved = async (club: Club, month: string, repId: string) =>
  ((await call(t.url, "GET", `/quota?month=${month}`, { token: club.manager.token })).body.reps as Json[]).find((r) => r.repId === repId)
    ?.achieved;

describe("dates of money are bounded (400 naming occurredAt)", () => {
  const refused: [string, string][] = [
    ["year 1", "0001-01-01T00:00:00Z"],
    ["2099", "2099-01-01T00:00:00+08:00"],
    ["the last second of 1999 in club time", "1999-12-31T23:59:59+08:00"],
    ["six minutes ahead", "2026-03-15T10:06:00+08:00"],
  ];
  for (const [name, at] of refused) {
    it(`revenue dated ${name} → 400`, async () => {
      const res = await revenue(c, mine.id, at);
      expectErrorShape(res, 400, "validation_failed");
      expect(Object.keys(res.body.error.fields)).toEqual(["occurredAt"]);
    });
    it(`a card sale dated ${name} → 400`, async () => {
      const res = await call(t.url, "POST", "/card-sales", {
        token: c.rep1.token,
        body: { customerId: mine.id, cardTypeId: cardType.id, occurredAt: at },
      });
      expectErrorShape(res, 400, "validation_failed");
      expect(Object.keys(res.body.error.fields)).toEqual(["occurredAt"]);
    });
  }

  it("accepts the first instant of 2000 in club time and a phone clock 4 minutes ahead", async () => {
    expect((await revenue(c, mine.id, "2000-01-01T00:00:00+08:00")).status).toBe(201);
    expect((await revenue(c, mine.id, "2026-03-15T10:04:00+08:00")).status).toBe(201);
    const sale = await call(t.url, "POST", "/card-sales", {
      token: c.rep1.token,
      body: { customerId: mine.id, cardTypeId: cardType.id, occurredAt: "2000-01-01T00:00:00+08:00" },
    });
    expect(sale.status).toBe(201);
  });

  it("a CSV import reports each out-of-range row by line and stores nothing", async () => {
    const before = (await ledger(c)).length;
    const csv = `customerId,amount,businessLine,occurredAt\n${mine.id},10,spa,2026-03-01T10:00:00+08:00\n${mine.id},10,spa,0001-01-01T00:00:00Z\n${mine.id},10,spa,2099-01-01T00:00:00+08:00\n`;
    const res = await upload(c.manager.token, csv);
    expectErrorShape(res, 400, "validation_failed");
    expect(res.body.error.fields).toEqual({
      "line 3.occurredAt": "must not be before 2000-01-01",
      "line 4.occurredAt": "is in the future",
    });
    expect((await ledger(c)).length).toBe(before);
  });
});

describe("a closed month takes no new money (422 naming the month)", () => {
  let february: Json;
  beforeAll(async () => {
    february = (await revenue(k, kept.id, "2026-02-05T12:00:00+08:00", 300)).body;
    expect(february.month).toBe("2026-02");
    // a month without targets has nothing to judge and is not closed
    const target = await call(t.url, "PUT", `/targets/${k.rep1.id}/2026-02`, { token: k.manager.token, body: { amount: 1000 } });
    expect(target.status).toBe(200);
    const closed = await call(t.url, "POST", "/months/2026-02/close", { token: k.manager.token });
    expect(closed.status).toBe(200);
  });

  it("refuses revenue back-dated into the closed month, or before it", async () => {
    for (const [at, month] of [
      ["2026-02-28T23:59:00+08:00", "2026-02"],
      ["2025-11-03T09:00:00+08:00", "2025-11"],
    ]) {
      const res = await revenue(k, kept.id, at!);
      expectErrorShape(res, 422, "rule_violation");
      expect(res.body.error.fields).toEqual({ occurredAt: `is in ${month}, a closed month` });
      expect(res.body.error.message).toMatch(/closed/);
    }
    const feb = await revenue(k, kept.id, "2026-02-10T12:00:00+08:00");
    expect(feb.body.error.fields).toEqual({ occurredAt: "is in 2026-02, a closed month" });
    // a manager is refused too: the ladder was decided on those figures
    const byManager = await call(t.url, "POST", "/revenue", {
      token: k.manager.token,
      body: { customerId: kept.id, amount: 5, businessLine: "spa", occurredAt: "2026-02-10T12:00:00+08:00" },
    });
    expectErrorShape(byManager, 422, "rule_violation");
    expect(await achieved(k, "2026-02", k.rep1.id)).toBe(300);
  });

  it("takes revenue in the open month (the first instant of March in club time)", async () => {
    const res = await revenue(k, kept.id, "2026-03-01T00:00:00+08:00", 50);
    expect(res.status).toBe(201);
    expect(res.body.month).toBe("2026-03");
  });

  it("refuses a card sale back-dated into the closed month", async () => {
    const res = await call(t.url, "POST", "/card-sales", {
      token: k.rep1.token,
      body: { customerId: kept.id, cardTypeId: kCardType.id, occurredAt: "2026-02-20T12:00:00+08:00" },
    });
    expectErrorShape(res, 422, "rule_violation");
    expect(res.body.error.fields).toEqual({ occurredAt: "is in 2026-02, a closed month" });
  });

  it("refuses a CSV file with a row in the closed month: the row by its line, nothing of the file stored", async () => {
    const before = (await ledger(k)).length;
    const csv = `customerId,amount,businessLine,occurredAt\n${kept.id},10,spa,2026-03-02T10:00:00+08:00\n${kept.id},10,spa,2026-02-27T10:00:00+08:00\n`;
    const res = await upload(k.manager.token, csv);
    expectErrorShape(res, 422, "rule_violation");
    expect(res.body.error.fields).toEqual({ "line 3.occurredAt": "is in 2026-02, a closed month" });
    expect((await ledger(k)).length).toBe(before);
    // the same file without that row goes in
    const ok = await upload(k.manager.token, csv.split("\n").slice(0, 2).join("\n"));
    expect(ok.status).toBe(201);
  });

  it("reverses a closed month's entry in the current month: the closed month's figures stay as decided", async () => {
    const marchBefore = await achieved(k, "2026-03", k.rep1.id);
    const res = await call(t.url, "POST", `/revenue/${february.id}/reverse`, {
      token: k.manager.token,
      body: { reason: "wrong customer" },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ amount: -300, month: "2026-03", occurredAt: new Date(NOW).toISOString(), reversesId: february.id });
    expect(await achieved(k, "2026-02", k.rep1.id)).toBe(300);
    expect(await achieved(k, "2026-03", k.rep1.id)).toBe(marchBefore - 300);
    const results = await call(t.url, "GET", "/months/2026-02/results", { token: k.manager.token });
    expect(results.status).toBe(200);
  });

  it("an open month's entry is still reversed in its own month", async () => {
    const march = (await revenue(k, kept.id, "2026-03-03T12:00:00+08:00", 70)).body;
    const res = await call(t.url, "POST", `/revenue/${march.id}/reverse`, { token: k.rep1.token, body: { reason: "typed twice" } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ amount: -70, month: "2026-03", occurredAt: march.occurredAt });
  });

  it("another club's close does not touch this club", async () => {
    expect((await revenue(c, mine.id, "2026-02-10T12:00:00+08:00")).status).toBe(201);
  });
});
