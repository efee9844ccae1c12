import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

/**
 * 销售冠军、亚军、季军 (SPEC §8, 第六条 2②⑴) for 2025, read in February 2026.
 *   big   200k of 300k  → 67%: not eligible despite the most revenue
 *   bea   100k of 100k  → 100%
 *   bob   100k of  50k  → 200%: ties bea on revenue, wins on attainment
 *   cid    80k of  40k  → 200%, reached 40k on 1 March
 *   dee    80k of  40k  → 200%, reached 40k for good on 1 August (a June sale was reversed)
 *   eli    50k of  50k  → 100%, fourth
 */
let t: TestServer;
let c: Club;
let other: Club;
const reps: Record<string, { id: string; customer: string }> = {};

async function rep(key: string, name: string, targets: Record<string, number>) {
  const u = await call(t.url, "POST", "/users", {
    token: c.admin.token,
    body: { email: `${key}@awards.test`, name, role: "rep", password: `${key} password 1` },
  });
  expect(u.status).toBe(201);
  const cu = await newCustomer(t.url, c.manager.token, { name: `${key} Co`, ownerId: u.body.id, status: "active" });
  reps[key] = { id: u.body.id, customer: cu.id };
  for (const [month, amount] of Object.entries(targets)) {
    const res = await call(t.url, "PUT", `/targets/${u.body.id}/${month}`, { token: c.manager.token, body: { amount } });
    expect(res.status).toBe(200);
  }
}
const sale = (key: string, amount: number, occurredAt: string) =>
  addRevenue(t.url, c.manager.token, { customerId: reps[key]!.customer, amount, occurredAt });

beforeAll(async () => {
  t = await startTestServer({}, "2026-02-10T10:00:00+08:00");
  c = await makeClub(t.url, "awards");
  other = await makeClub(t.url, "awards-other");
  await rep("big", "Big Seller", { "2025-06": 150_000, "2025-12": 150_000 });
  await rep("bea", "Bea", { "2025-01": 50_000, "2025-07": 50_000 });
  await rep("bob", 'Bob <b>"&"</b>', { "2025-03": 50_000 });
  await rep("cid", "Cid", { "2025-05": 40_000 });
  await rep("dee", "Dee", { "2025-05": 40_000 });
  await rep("eli", "Eli", { "2025-09": 50_000 });
  await sale("big", 200_000, "2025-10-01T10:00:00+08:00");
  await sale("bea", 100_000, "2025-11-01T10:00:00+08:00");
  await sale("bob", 60_000, "2025-04-01T10:00:00+08:00");
  await sale("bob", 40_000, "2025-12-31T23:30:00+08:00");
  await sale("cid", 40_000, "2025-03-01T10:00:00+08:00");
  await sale("cid", 40_000, "2025-09-01T10:00:00+08:00");
  const wrong = await sale("dee", 50_000, "2025-02-01T10:00:00+08:00");
  await call(t.url, "POST", `/revenue/${wrong.id}/reverse`, { token: c.manager.token, body: { reason: "another rep's sale" } });
  await sale("dee", 10_000, "2025-06-01T10:00:00+08:00");
  await sale("dee", 70_000, "2025-08-01T10:00:00+08:00");
  await sale("eli", 50_000, "2025-06-01T10:00:00+08:00");
  // revenue outside the year never counts
  await sale("eli", 900_000, "2026-01-01T00:00:00+08:00");
  await sale("eli", 900_000, "2024-12-31T23:59:00+08:00");
});
afterAll(() => t?.close());

describe("awards (SPEC §8)", () => {
  it("the podium: eligibility first, then revenue; ties by attainment, then who reached the target first", async () => {
    const res = await call(t.url, "GET", "/awards/2025", { token: c.manager.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      year: "2025",
      final: true,
      champion: {
        repId: reps.bob!.id,
        name: 'Bob <b>"&"</b>',
        revenue: 100_000,
        attainment: 2,
        target: 50_000,
        reachedTargetAt: "2025-04-01T02:00:00.000Z",
        twoYearContractEligible: true,
      },
      runnerUp: {
        repId: reps.bea!.id,
        name: "Bea",
        revenue: 100_000,
        attainment: 1,
        target: 100_000,
        reachedTargetAt: "2025-11-01T02:00:00.000Z",
        twoYearContractEligible: true,
      },
      third: {
        repId: reps.cid!.id,
        name: "Cid",
        revenue: 80_000,
        attainment: 2,
        target: 40_000,
        reachedTargetAt: "2025-03-01T02:00:00.000Z",
        twoYearContractEligible: true,
      },
    });
  });

  it("the reversed sale did not count as reaching the target", async () => {
    // dee is fourth: same revenue and attainment as cid, but reached 40k only on 1 August
    const res = await call(t.url, "GET", "/awards/2025", { token: c.rep1.token });
    expect([res.body.champion.name, res.body.runnerUp.name, res.body.third.name]).toEqual(['Bob <b>"&"</b>', "Bea", "Cid"]);
    expect(Object.values(res.body).some((a) => (a as Json)?.repId === reps.big!.id)).toBe(false);
  });

  it("the current year is provisional (no contract yet); a future year is refused; a year with no data has no winners", async () => {
    await call(t.url, "PUT", `/targets/${reps.eli!.id}/2026-01`, { token: c.manager.token, body: { amount: 100_000 } });
    const now = await call(t.url, "GET", "/awards/2026", { token: c.manager.token });
    expect(now.body).toMatchObject({ year: "2026", final: false, runnerUp: null, third: null });
    expect(now.body.champion).toMatchObject({ repId: reps.eli!.id, revenue: 900_000, twoYearContractEligible: false });
    expectErrorShape(await call(t.url, "GET", "/awards/2027", { token: c.manager.token }), 422);
    expectErrorShape(await call(t.url, "GET", "/awards/25", { token: c.manager.token }), 400);
    expect((await call(t.url, "GET", "/awards/2019", { token: c.manager.token })).body).toEqual({
      year: "2019",
      final: true,
      champion: null,
      runnerUp: null,
      third: null,
    });
    expect((await call(t.url, "GET", "/awards/2025", { token: other.manager.token })).body.champion).toBeNull();
  });

  it("prints a certificate for a winner, in Chinese or English, escaped; 404 for anyone else", async () => {
    const zh = await fetch(`${t.url}/api/v1/awards/2025/certificate/${reps.bob!.id}`, {
      headers: { authorization: `Bearer ${c.rep1.token}` },
    });
    expect(zh.status).toBe(200);
    expect(zh.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await zh.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain("销售冠军");
    expect(html).toContain("Club awards");
    expect(html).toContain("2025");
    expect(html).toContain("¥100,000.00");
    expect(html).toContain("Bob &lt;b&gt;&quot;&amp;&quot;&lt;/b&gt;");
    expect(html).not.toContain("<b>");
    expect(html).toMatch(/@page\s*{\s*size:\s*A4 landscape/);
    expect(html).toContain("两年劳动合同");

    const en = await fetch(`${t.url}/api/v1/awards/2025/certificate/${reps.cid!.id}?lang=en`, {
      headers: { authorization: `Bearer ${c.manager.token}` },
    });
    const text = await en.text();
    expect(text).toContain('<html lang="en">');
    expect(text).toContain("Sales Third Place");
    expect(text).toContain("Cid");
    expect(text).toContain("¥80,000.00");
    const runnerUp = await (
      await fetch(`${t.url}/api/v1/awards/2025/certificate/${reps.bea!.id}?lang=en`, {
        headers: { authorization: `Bearer ${c.manager.token}` },
      })
    ).text();
    expect(runnerUp).toContain("Sales Runner-up");

    const get = (path: string, token = c.manager.token) => call(t.url, "GET", path, { token });
    expectErrorShape(await get(`/awards/2025/certificate/${reps.dee!.id}`), 404);
    expectErrorShape(await get(`/awards/2025/certificate/${reps.big!.id}`), 404);
    expectErrorShape(await get(`/awards/2025/certificate/${reps.bob!.id}`, other.manager.token), 404);
    expectErrorShape(await get(`/awards/2025/certificate/${reps.bob!.id}?lang=fr`), 400);
    expectErrorShape(await get(`/awards/2026/certificate/${reps.eli!.id}`), 422);
    expectErrorShape(await get("/awards/2025/certificate/nobody"), 400);
  });
});
