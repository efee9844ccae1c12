import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

/**
 * 第五条 一 1.1 (list price): a prospect becomes an active card customer only by a
 * card sale (at the list price, or with a manager's recorded approval) or by a
 * manager. Every other door a rep could use for the same effect is closed:
 * status by PATCH or on create or by CSV, cards held by PATCH or on create, and
 * membership money for a prospect outside a card sale.
 */
let t: TestServer;
let c: Club;
let gold: Json;

beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "doors");
  gold = (await call(t.url, "POST", "/card-types", { token: c.manager.token, body: { name: "Gold 金卡", listPrice: 38000 } })).body;
});
afterAll(() => t?.close());

const patch = (token: string, id: string, body: unknown) => call(t.url, "PATCH", `/customers/${id}`, { token, body });
const read = async (id: string) => (await call(t.url, "GET", `/customers/${id}`, { token: c.manager.token })).body as Json;
const revenue = (token: string, customerId: string, businessLine: string, amount = 1) =>
  call(t.url, "POST", "/revenue", { token, body: { customerId, amount, businessLine, occurredAt: "2026-03-14T12:00:00+08:00" } });
async function upload(path: string, token: string, csv: string) {
  const res = await fetch(`${t.url}/api/v1${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "text/csv" },
    body: csv,
  });
  return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
}

describe("the walk-around of the list price is closed", () => {
  it("a rep's PATCH prospect → active, cards held and ¥1 of membership: each refused, the prospect stays a prospect", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "Walk Around Co" });
    expectErrorShape(await patch(c.rep1.token, p.id, { status: "active" }), 403, "forbidden");
    expectErrorShape(await patch(c.rep1.token, p.id, { transaction: { cardsHeld: ["Gold 金卡"] } }), 403, "forbidden");
    const money = await revenue(c.rep1.token, p.id, "membership");
    expectErrorShape(money, 422, "rule_violation");
    expect(Object.keys(money.body.error.fields)).toEqual(["businessLine"]);
    const after = await read(p.id);
    expect(after.status).toBe("prospect");
    expect(after.transaction.cardsHeld ?? []).toEqual([]);
    const ledger = await call(t.url, "GET", `/revenue?customerId=${p.id}`, { token: c.manager.token });
    expect(ledger.body.items).toEqual([]);
  });

  it("the card sale at the list price is the rep's way: the prospect turns active and holds the card", async () => {
    const p = await newCustomer(t.url, c.rep1.token, { name: "Sold Co" });
    const cheap = await call(t.url, "POST", "/card-sales", {
      token: c.rep1.token,
      body: { customerId: p.id, cardTypeId: gold.id, price: 1 },
    });
    expectErrorShape(cheap, 422, "rule_violation");
    const sale = await call(t.url, "POST", "/card-sales", { token: c.rep1.token, body: { customerId: p.id, cardTypeId: gold.id } });
    expect(sale.status).toBe(201);
    const after = await read(p.id);
    expect(after.status).toBe("active");
    expect(after.transaction.cardsHeld).toEqual(["Gold 金卡"]);
    // membership money from a card customer is ordinary revenue
    expect((await revenue(c.rep1.token, p.id, "membership", 500)).status).toBe(201);
    // other transaction fields stay the rep's to write; the cards held, unchanged, may be sent back
    const notes = await patch(c.rep1.token, p.id, { transaction: { cardsHeld: ["Gold 金卡"], needs: "weekend golf" } });
    expect(notes.status).toBe(200);
    expectErrorShape(await patch(c.rep1.token, p.id, { transaction: { cardsHeld: ["Gold 金卡", "Platinum"] } }), 403);
    expectErrorShape(await patch(c.rep1.token, p.id, { transaction: { cardsHeld: [] } }), 403);
  });

  it("a rep cannot win back a churned customer by PATCH either; a manager can", async () => {
    const cu = await newCustomer(t.url, c.manager.token, { name: "Lost Co", ownerId: c.rep1.id, status: "active" });
    expect((await patch(c.rep1.token, cu.id, { status: "churned" })).status).toBe(200);
    expectErrorShape(await patch(c.rep1.token, cu.id, { status: "active" }), 403, "forbidden");
    expect((await read(cu.id)).status).toBe("churned");
    expect((await patch(c.manager.token, cu.id, { status: "active" })).status).toBe(200);
  });

  it("a rep cannot create an active customer or one holding cards; a manager can", async () => {
    const asActive = await call(t.url, "POST", "/customers", {
      token: c.rep1.token,
      body: { name: "Born Active", kind: "group", status: "active" },
    });
    expectErrorShape(asActive, 403, "forbidden");
    const withCards = await call(t.url, "POST", "/customers", {
      token: c.rep1.token,
      body: { name: "Born Holding", kind: "group", transaction: { cardsHeld: ["Gold 金卡"] } },
    });
    expectErrorShape(withCards, 403, "forbidden");
    const list = await call(t.url, "GET", "/customers?q=Born", { token: c.manager.token });
    expect(list.body.items).toEqual([]);
    const byManager = await call(t.url, "POST", "/customers", {
      token: c.manager.token,
      body: {
        name: "Legacy Card Holder",
        kind: "individual",
        status: "active",
        ownerId: c.rep1.id,
        transaction: { cardsHeld: ["Gold 金卡"] },
      },
    });
    expect(byManager.status).toBe(201);
    expect(byManager.body.status).toBe("active");
  });

  it("a manager still moves a prospect to active by PATCH", async () => {
    const p = await newCustomer(t.url, c.rep2.token, { name: "Manager's Call" });
    const res = await patch(c.manager.token, p.id, { status: "active", transaction: { cardsHeld: ["Gold 金卡"] } });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("active");
  });

  it("a rep's customer CSV with an active row is refused by its line; nothing stored", async () => {
    const res = await upload("/customers/import", c.rep1.token, `name,kind,status\nCSV Prospect,group,prospect\nCSV Active,group,active\n`);
    expectErrorShape(res, 400, "validation_failed");
    expect(res.body.error.fields).toEqual({
      "line 3.status": "only a manager imports active customers; a prospect becomes active by a card sale",
    });
    expect((await call(t.url, "GET", "/customers?q=CSV", { token: c.manager.token })).body.items).toEqual([]);
  });

  it("membership money for a prospect: a rep's POST and CSV row are refused (422), other lines and a manager's entry are not", async () => {
    const p = await newCustomer(t.url, c.rep2.token, { name: "Spa Guest" });
    expect((await revenue(c.rep2.token, p.id, "spa", 280)).status).toBe(201);
    const csv = `customerId,amount,businessLine,occurredAt\n${p.id},10,catering,2026-03-10T12:00:00+08:00\n${p.id},1,membership,2026-03-10T12:00:00+08:00\n`;
    const res = await upload("/revenue/import", c.rep2.token, csv);
    expectErrorShape(res, 422, "rule_violation");
    expect(Object.keys(res.body.error.fields)).toEqual(["line 3.businessLine"]);
    const ledger = await call(t.url, "GET", `/revenue?customerId=${p.id}`, { token: c.manager.token });
    expect(ledger.body.items).toHaveLength(1);
    // a manager may record it (a deposit, say); it does not make the customer active
    expect((await revenue(c.manager.token, p.id, "membership", 1000)).status).toBe(201);
    expect((await read(p.id)).status).toBe("prospect");
  });
});
