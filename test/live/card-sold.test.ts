import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";
import { connected, type LiveClient, nothingWithin, type Recorder } from "../support/live.ts";

// `card:sold` (the wall TV's celebration) goes to the whole club after the sale
// commits — reps included — with the rep, the card type and the price only: never
// the customer, never to another club, not for a refused sale nor a replay.

let t: TestServer;
let a: Club;
let b: Club;
let gold: Json;
type Member = { socket: LiveClient; rec: Recorder };
let aRep2: Member;
let aManager: Member;
let bManager: Member;

beforeAll(async () => {
  t = await startTestServer({}, new Date().toISOString());
  t.clock.now = () => new Date();
  a = await makeClub(t.url, "live-card-sold-a");
  b = await makeClub(t.url, "live-card-sold-b");
  gold = (await call(t.url, "POST", "/card-types", { token: a.manager.token, body: { name: "金卡", listPrice: 38_000 } })).body;
  aRep2 = await connected(t.url, a.rep2.token);
  aManager = await connected(t.url, a.manager.token);
  bManager = await connected(t.url, b.manager.token);
  for (const m of [aRep2, aManager, bManager]) await m.rec.next("board:snapshot");
});
afterAll(async () => {
  for (const m of [aRep2, aManager, bManager]) m?.socket.disconnect();
  await t?.close();
});

describe("card:sold", () => {
  it("reaches everyone in the club, with the rep, the card type and the price only", async () => {
    const customer = await newCustomer(t.url, a.rep1.token, { name: "李先生（VIP）", status: "prospect" });
    const sale = await call(t.url, "POST", "/card-sales", {
      token: a.rep1.token,
      headers: { "Idempotency-Key": "sale-1" },
      body: { customerId: customer.id, cardTypeId: gold.id },
    });
    expect(sale.status).toBe(201);
    const want = { id: sale.body.id, repId: a.rep1.id, cardType: "金卡", amount: 38_000, occurredAt: sale.body.occurredAt };
    // Another rep of the club hears it too (the TV may be signed in as anyone).
    expect(await aRep2.rec.next("card:sold")).toEqual(want);
    expect(await aManager.rec.next("card:sold")).toEqual(want);
    expect(JSON.stringify(aRep2.rec.of("card:sold"))).not.toContain(customer.id);
    expect(await nothingWithin(bManager.rec, 300, "card:sold")).toEqual([]);

    // A replay of the same sale (same key) sells nothing and announces nothing.
    const replay = await call(t.url, "POST", "/card-sales", {
      token: a.rep1.token,
      headers: { "Idempotency-Key": "sale-1" },
      body: { customerId: customer.id, cardTypeId: gold.id },
    });
    expect(replay.body.id).toBe(sale.body.id);
    // A refused sale (a rep off the list price) neither.
    const other = await newCustomer(t.url, a.rep1.token, { name: "王女士", status: "prospect" });
    const refused = await call(t.url, "POST", "/card-sales", {
      token: a.rep1.token,
      body: { customerId: other.id, cardTypeId: gold.id, price: 30_000 },
    });
    expect(refused.status).toBe(422);
    expect(await nothingWithin(aManager.rec, 300, "card:sold")).toEqual([want]);
  });
});
