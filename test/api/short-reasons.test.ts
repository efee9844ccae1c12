import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, askPromotion, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

// A reason is two characters at least: "退卡", "重复", "超支" are whole reasons in
// Chinese. One character, or only spaces, is a 400 naming `reason` (too_short, min 2);
// nothing changes.
let t: TestServer;
let c: Club;
let customer: Json;
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-16T10:00:00+08:00");
  c = await makeClub(t.url, "reasons");
  customer = await newCustomer(t.url, c.manager.token, { name: "中信银行北京分行", ownerId: c.rep1.id, status: "active" });
});
afterAll(() => t?.close());

const tooShort = (res: Json) => {
  expectErrorShape(res, 400);
  expect(res.body.error.fieldCodes.reason).toMatchObject({ code: "too_short", min: 2 });
};

describe("two-character reasons", () => {
  it("a revenue entry is reversed with 退卡; 退 alone, or spaces around it, is refused and nothing is reversed", async () => {
    const entry = await addRevenue(t.url, c.rep1.token, { customerId: customer.id, amount: 1200, occurredAt: "2026-03-16T09:00:00+08:00" });
    const reverse = (reason: string) => call(t.url, "POST", `/revenue/${entry.id}/reverse`, { token: c.manager.token, body: { reason } });
    tooShort(await reverse("退"));
    tooShort(await reverse("  退  "));
    const list = await call(t.url, "GET", "/revenue?month=2026-03", { token: c.manager.token });
    expect(list.body.items.map((i: Json) => i.amount)).toEqual([1200]);
    const done = await reverse(" 退卡 ");
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ amount: -1200, reversesId: entry.id, reason: "退卡" });
  });

  it("a contact is voided with 重复; x is refused", async () => {
    const logged = await call(t.url, "POST", "/contacts", {
      token: c.rep1.token,
      body: { customerId: customer.id, channel: "phone" },
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    expect(logged.status).toBe(201);
    const voidIt = (reason: string) => call(t.url, "POST", `/contacts/${logged.body.id}/void`, { token: c.rep1.token, body: { reason } });
    tooShort(await voidIt("x"));
    const done = await voidIt("重复");
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ voided: true, voidReason: "重复" });
  });

  it("a promotion is refused with 超支", async () => {
    const gold = (await call(t.url, "POST", "/card-types", { token: c.manager.token, body: { name: "金卡", listPrice: 38000 } })).body;
    const asked = await askPromotion(t.url, c.rep1.token, gold.id, "2026-03-20");
    expect(asked.status).toBe(201);
    const refuse = (reason: string) =>
      call(t.url, "POST", `/promotions/${asked.body.id}/refuse`, { token: c.manager.token, body: { reason } });
    tooShort(await refuse("否"));
    const done = await refuse("超支");
    expect(done.body).toMatchObject({ status: "refused", reason: "超支" });
  });
});
