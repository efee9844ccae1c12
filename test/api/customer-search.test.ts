/**
 * Name search (GET /customers?q=) goes through customer_name_grams, kept by a trigger
 * on customers: it must find exactly what a case-insensitive substring match finds,
 * after creates, imports and renames, and never another club's customers.
 */
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchGrams } from "../../server/src/customers/service.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let c: Club;
let other: Club;
/** every name of club `c` (what a manager may find) */
const all: string[] = [];
const names = [
  "上海华信科技有限公司",
  "北京华信贸易",
  "科技园咖啡",
  "Acme Trading",
  "ACME Holdings",
  "a_b%c 公司",
  "表情😀会所",
  "华",
  "Ünïcode Café",
  "Aba Club",
];
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "search");
  other = await makeClub(t.url, "search-other");
  for (const name of names) await newCustomer(t.url, c.manager.token, { name, ownerId: c.rep1.id });
  all.push(...names);
  await newCustomer(t.url, other.manager.token, { name: "上海华信科技 (another club)" });
});
afterAll(() => t?.close());

async function search(q: string, token = c.manager.token): Promise<string[]> {
  const res = await call(t.url, "GET", `/customers?q=${encodeURIComponent(q)}&limit=200`, { token });
  expect(res.status).toBe(200);
  return (res.body.items as Json[]).map((x) => x.name as string).sort();
}
const expected = (q: string, among: string[] = all) => among.filter((n) => n.toLowerCase().includes(q.toLowerCase())).sort();

describe("customer name search through the gram table", () => {
  it("grams: one character alone, else each adjacent pair, by characters not UTF-16 units", () => {
    expect(searchGrams("华")).toEqual(["华"]);
    expect(searchGrams("科技")).toEqual(["科技"]);
    expect(searchGrams("华信科技")).toEqual(["华信", "信科", "科技"]);
    expect(searchGrams("aaa")).toEqual(["aa"]);
    expect(searchGrams("😀会")).toEqual(["😀会"]);
    expect(searchGrams("😀")).toEqual(["😀"]);
  });

  it.each([
    ["华", "one character"],
    ["科技", "two"],
    ["华信科技", "longer"],
    ["acme", "case-insensitive"],
    ["TRADING", "upper case asked"],
    ["a_b%c", "LIKE's special characters taken literally"],
    ["%", "a lone percent sign"],
    ["😀", "a character outside the BMP"],
    ["情😀会", "around it"],
    ["café", "accents"],
    ["信科技有", "inside a word"],
    ["abab", "every gram (ab, ba) in “Aba Club”, the text not: no match"],
    ["不存在", "nothing"],
  ])("%s (%s) finds what a substring match finds, in this club only", async (q) => {
    expect(await search(q)).toEqual(expected(q));
  });

  it.each([
    ["司", "one gram: read in list order from the gram's index"],
    ["华信", "one gram of two characters"],
    ["公司", "the commonest"],
    ["华信科", "two grams: their intersection"],
  ])("pages %s (%s) with a cursor in the list's order", async (q) => {
    for (let i = 0; i < 4; i++) {
      const name = `分页${i}华信科技有限公司`;
      if (!all.includes(name)) {
        await newCustomer(t.url, c.manager.token, { name, ownerId: c.rep1.id });
        all.push(name);
      }
    }
    const whole = await call(t.url, "GET", `/customers?q=${encodeURIComponent(q)}&limit=200`, { token: c.manager.token });
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Json = await call(t.url, "GET", `/customers?q=${encodeURIComponent(q)}&limit=2${cursor ? `&cursor=${cursor}` : ""}`, {
        token: c.manager.token,
      });
      expect(res.status).toBe(200);
      paged.push(...res.body.items.map((x: Json) => x.name));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(whole.body.items.map((x: Json) => x.name));
    expect([...paged].sort()).toEqual(expected(q));
    // and with the other filters
    const active = await call(t.url, "GET", `/customers?q=${encodeURIComponent(q)}&status=active&limit=200`, { token: c.manager.token });
    expect(active.body.items.every((x: Json) => x.status === "active" && x.name.toLowerCase().includes(q))).toBe(true);
  });

  it("follows renames: the old name's grams go, the new one's come", async () => {
    const x = await newCustomer(t.url, c.manager.token, { name: "旧名字俱乐部", ownerId: c.rep1.id });
    expect(await search("旧名")).toEqual(["旧名字俱乐部"]);
    const renamed = await call(t.url, "PATCH", `/customers/${x.id}`, { token: c.manager.token, body: { name: "新名称会所" } });
    expect(renamed.status).toBe(200);
    all.push("新名称会所");
    expect(await search("旧名")).toEqual([]);
    expect(await search("新名称")).toEqual(["新名称会所"]);
    // an edit that leaves the name alone keeps its grams
    await call(t.url, "PATCH", `/customers/${x.id}`, { token: c.manager.token, body: { expectedMonthlySpend: 100 } });
    expect(await search("名称会")).toEqual(["新名称会所"]);
  });

  it("finds imported customers", async () => {
    const csv = "name,kind,status,ownerEmail\n导入测试甲,group,active,rep1@search.test\n导入测试乙,individual,prospect,rep1@search.test\n";
    const res = await call(t.url, "POST", "/customers/import", {
      token: c.manager.token,
      raw: csv,
      headers: { "content-type": "text/csv; charset=utf-8" },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    all.push("导入测试甲", "导入测试乙");
    expect(await search("导入测试")).toEqual(["导入测试乙", "导入测试甲"].sort());
  });

  it("a rep finds only their own customers", async () => {
    await newCustomer(t.url, c.rep2.token, { name: "华信二号" });
    all.push("华信二号");
    expect(await search("华信", c.rep2.token)).toEqual(["华信二号"]);
    expect(await search("华信", c.rep1.token)).toEqual(expected("华信").filter((n) => n !== "华信二号"));
    expect(await search("华信")).toEqual(expected("华信"));
  });

  it("the gram table agrees with every customer's name", async () => {
    const rows = await t.db.database.db.execute(sql`
      with want as (select c.tenant_id, g as gram, c.id as customer_id, c.name from customers c, customer_name_grams_of(c.name) g)
      select count(*)::int as n from (
        (select * from want except select tenant_id, gram, customer_id, name from customer_name_grams)
        union all
        (select tenant_id, gram, customer_id, name from customer_name_grams except select * from want)
      ) d`);
    const n = (rows as unknown as { rows?: { n: number }[] }).rows?.[0]?.n ?? (rows as unknown as { n: number }[])[0]?.n;
    expect(n).toBe(0);
  });

  it("property: any substring of any name is found, with exactly the names containing it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...all).chain((n) => {
          const chars = Array.from(n);
          return (
            fc
              .tuple(fc.nat(chars.length - 1), fc.integer({ min: 1, max: chars.length }))
              // the query trims q
              .map(([i, len]) =>
                chars
                  .slice(i, i + len)
                  .join("")
                  .trim(),
              )
              .filter((s) => s.length > 0)
          );
        }),
        async (q) => {
          expect(await search(q)).toEqual(expected(q));
        },
      ),
      { numRuns: 25 },
    );
  });
});
