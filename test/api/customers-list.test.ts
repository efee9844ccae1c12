import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

// The manager's customer list (SPEC §2, §9): the total under each filter, every order
// walked page by page, and the CSV export of the same rows in the reader's language.
// Club time Asia/Shanghai; on 2026-03-03 the current tier is February's.
const { parse } = createRequire(new URL("../../server/package.json", import.meta.url))("csv-parse/sync") as {
  parse: (text: string, options: { bom: boolean }) => string[][];
};

let t: TestServer;
let c: Club;
let other: Club;
const made: Record<string, Json> = {};

async function visit(token: string, customerId: string, occurredAt: string) {
  const res = await call(t.url, "POST", "/contacts", {
    token,
    body: { customerId, channel: "visit", occurredAt },
    headers: { "idempotency-key": crypto.randomUUID() },
  });
  if (res.status !== 201) throw new Error(`contact: ${res.status} ${JSON.stringify(res.body)}`);
}

beforeAll(async () => {
  t = await startTestServer({}, "2026-03-03T10:00:00+08:00");
  c = await makeClub(t.url, "clist");
  other = await makeClub(t.url, "clist-other");
  const add = async (key: string, owner: Club["rep1"], body: Record<string, unknown>) => {
    made[key] = await newCustomer(t.url, c.manager.token, { ownerId: owner.id, ...body });
  };
  // ties on every key: two customers with one spend and one visit, three with one name
  await add("zhang", c.rep1, { name: "张三集团", status: "active" });
  await add("twin1", c.rep1, { name: "同名", status: "active" });
  await add("twin2", c.rep1, { name: "同名" });
  await add("twin3", c.rep2, { name: "同名", status: "active" });
  await add("alpha", c.rep2, { name: "Alpha", status: "active", kind: "individual" });
  await add("big", c.rep2, { name: "Big Spender", status: "active" });
  await add("formula", c.rep2, { name: "=1+1" });
  await add("gone", c.rep2, { name: "Gone Ltd", status: "active" });
  expect((await call(t.url, "PATCH", `/customers/${made.gone.id}`, { token: c.manager.token, body: { status: "churned" } })).status).toBe(
    200,
  );
  const feb = "2026-02-20T10:00:00+08:00";
  for (const [key, amount] of [
    ["zhang", 5000],
    ["twin1", 5000],
    ["alpha", 1200],
    ["big", 90000],
  ] as const)
    await addRevenue(t.url, c.manager.token, { customerId: made[key].id, amount, occurredAt: feb });
  await visit(c.rep1.token, made.zhang.id, "2026-02-25T10:00:00+08:00");
  await visit(c.rep1.token, made.twin1.id, "2026-02-25T10:00:00+08:00");
  await visit(c.rep2.token, made.alpha.id, "2026-02-26T15:30:00+08:00");
  await newCustomer(t.url, other.manager.token, { name: "同名", ownerId: other.rep1.id });
});
afterAll(() => t?.close());

const get = (path: string, token = c.manager.token) => call(t.url, "GET", path, { token });
const cursorOf = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString("base64url");

/** Every page of `path` from the first, `limit` at a time. */
async function walk(path: string, limit: number, token = c.manager.token): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  for (let pages = 1; pages < 100; pages++) {
    const res = await get(`${path}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (cursor === null) return items;
    expect(res.body.items.length).toBe(limit);
  }
  throw new Error("the walk does not end");
}

describe("the total", () => {
  const FILTERS = [
    "",
    "tier=A",
    "tier=B",
    "tier=C",
    "status=active",
    "status=prospect",
    "status=churned",
    "kind=individual",
    "stale=true",
    "stale=false",
    "overdue=true",
    "overdue=false",
    "q=同名",
    "q=集团",
    "q=张三集",
    "sort=spend&dir=desc&status=active",
  ];

  it("counts the customers each filter matches, whatever page is asked", async () => {
    const all = await get("/customers?limit=200");
    expect(all.body.total).toBe(8);
    for (const filter of [...FILTERS, `ownerId=${c.rep1.id}`, `ownerId=${c.rep2.id}`]) {
      const full = await get(`/customers?${filter}&limit=200`);
      expect(full.status).toBe(200);
      expect(full.body.total, filter).toBe(full.body.items.length);
      const first = await get(`/customers?${filter}&limit=1`);
      expect(first.body.total, filter).toBe(full.body.items.length);
      if (first.body.nextCursor) {
        const second = await get(`/customers?${filter}&limit=1&cursor=${first.body.nextCursor}`);
        expect(second.body.total, `${filter}, second page`).toBe(full.body.items.length);
      }
    }
    expect((await get("/customers?q=同名&limit=1")).body.total).toBe(3);
    expect((await get("/customers?status=active&limit=1")).body.total).toBe(5);
    expect((await get(`/customers?ownerId=${c.rep1.id}&limit=1`)).body.total).toBe(3);
  });

  it("a rep's total counts only their own customers; another club's are never counted", async () => {
    expect((await get("/customers?limit=1", c.rep1.token)).body.total).toBe(3);
    expect((await get("/customers?q=同名&limit=1", c.rep1.token)).body.total).toBe(2);
    expect((await get(`/customers?ownerId=${c.rep2.id}&limit=1`, c.rep1.token)).body.total).toBe(0);
    expect((await get("/customers?q=同名&limit=1", other.admin.token)).body.total).toBe(1);
    expect((await get("/customers?limit=1", other.manager.token)).body.total).toBe(1);
  });
});

describe("the orders", () => {
  const SORTS = ["name", "lastContact", "spend", "tier", "owner"] as const;

  it("each order walked one and two at a time is the one big page, ties included", async () => {
    for (const sort of SORTS)
      for (const dir of ["asc", "desc"]) {
        for (const filter of ["", "&q=同名"]) {
          const path = `/customers?sort=${sort}&dir=${dir}${filter}`;
          const whole = (await get(`${path}&limit=200`)).body.items.map((x: Json) => x.id);
          expect(whole.length).toBe(filter ? 3 : 8);
          for (const limit of [1, 2])
            expect(
              (await walk(path, limit)).map((x) => x.id),
              `${path} by ${limit}`,
            ).toEqual(whole);
        }
      }
  });

  it("sorts by last month's spend, last contact and tier, ties by name", async () => {
    const spend = (await get("/customers?sort=spend&dir=desc&limit=200")).body.items as Json[];
    expect(spend.map((x) => x.lastMonthSpend)).toEqual([90000, 5000, 5000, 1200, 0, 0, 0, 0]);
    expect(spend[0].id).toBe(made.big.id);
    const asc = (await get("/customers?sort=spend&limit=200")).body.items as Json[];
    expect(asc.map((x) => x.lastMonthSpend)).toEqual([0, 0, 0, 0, 1200, 5000, 5000, 90000]);
    const contact = (await get("/customers?sort=lastContact&dir=desc&limit=200")).body.items as Json[];
    expect(contact.slice(0, 3).map((x) => x.lastInPersonAt)).toEqual([
      "2026-02-26T07:30:00.000Z",
      "2026-02-25T02:00:00.000Z",
      "2026-02-25T02:00:00.000Z",
    ]);
    expect(contact.slice(3).every((x) => x.lastInPersonAt === null)).toBe(true);
    const never = (await get("/customers?sort=lastContact&limit=200")).body.items as Json[];
    expect(never.slice(0, 5).every((x) => x.lastInPersonAt === null)).toBe(true);
    const rank = (x: Json) => ({ A: 1, B: 2, C: 3 })[x.tier as string] ?? 4;
    const tiers = ((await get("/customers?sort=tier&limit=200")).body.items as Json[]).map(rank);
    expect(tiers).toEqual([...tiers].sort((a, b) => a - b));
    const byOwner = ((await get("/customers?sort=owner&limit=200")).body.items as Json[]).map((x) => x.ownerId);
    expect(new Set(byOwner.slice(0, 3)).size).toBe(1);
    expect(new Set(byOwner.slice(3)).size).toBe(1);
  });

  it("refuses a cursor of another order or with parts of the wrong kind (400 naming cursor), and an unknown order", async () => {
    const spendCursor = (await get("/customers?sort=spend&limit=1")).body.nextCursor;
    const nameCursor = (await get("/customers?sort=name&limit=1")).body.nextCursor;
    const id = made.zhang.id;
    for (const [sort, cursor] of [
      ["name", spendCursor],
      ["spend", nameCursor],
      ["spend", cursorOf(["5000", "a", id])],
      ["spend", cursorOf([1.5, "a", id])],
      ["tier", cursorOf([9, "a", id])],
      ["lastContact", cursorOf(["2026-13-01T00:00:00Z", "a", id])],
      ["lastContact", cursorOf([5, "a", id])],
      ["owner", cursorOf([1, "a", id])],
      ["owner", cursorOf(["x", "a", "not-an-id"])],
      ["name", cursorOf(["x", "a", id])],
    ] as const) {
      const res = await get(`/customers?sort=${sort}&cursor=${cursor}`);
      expectErrorShape(res, 400, "validation_failed");
      expect(Object.keys(res.body.error.fields), `${sort} ${cursor}`).toEqual(["cursor"]);
      expect(res.body.error.fieldCodes.cursor.code).toBe("cursor");
    }
    for (const q of ["sort=price", "dir=up"]) {
      const res = await get(`/customers?${q}`);
      expectErrorShape(res, 400, "validation_failed");
      expect(Object.keys(res.body.error.fields)).toEqual([q.split("=")[0]]);
    }
  });
});

async function download(path: string, token = c.manager.token) {
  const res = await fetch(`${t.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const [header, ...rows] = parse(new TextDecoder().decode(bytes), { bom: true });
  const records = rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""])));
  return { bytes, header: header!, records };
}

describe("the export", () => {
  it("has the rows of the list under the same filters and order", async () => {
    for (const [query, token] of [
      ["status=active&sort=spend&dir=desc", c.manager.token],
      ["q=同名&sort=owner", c.manager.token],
      ["tier=C&sort=lastContact", c.manager.token],
      [`ownerId=${c.rep2.id}&sort=name&dir=desc`, c.manager.token],
      ["stale=false&overdue=false&kind=group", c.manager.token],
      ["sort=spend", c.rep1.token],
      ["q=同名", other.manager.token],
    ] as const) {
      const list = (await get(`/customers?${query}&limit=200`, token)).body.items.map((x: Json) => x.id);
      for (const lang of ["", "&lang=en", "&lang=zh-CN"]) {
        const file = await download(`/customers/export.csv?${query}${lang}`, token);
        expect(
          file.records.map((r) => r[file.header[0]!]),
          `${query}${lang}`,
        ).toEqual(list);
      }
    }
  });

  it("in Chinese: Chinese headers and labels, club-time dates, tier, last month's spend and last contact, with a BOM", async () => {
    const file = await download("/customers/export.csv?lang=zh-CN&sort=name");
    expect([...file.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(file.header).toEqual([
      "编号",
      "名称",
      "类型",
      "状态",
      "负责人邮箱",
      "预计月消费（元）",
      "电话",
      "邮箱",
      "地址",
      "邮编",
      "法定代表人",
      "企业性质",
      "规模",
      "持有会员卡",
      "需求",
      "创建时间",
      "负责人姓名",
      "等级",
      "上月消费（元）",
      "最近面访",
    ]);
    const zhang = file.records.find((r) => r.编号 === made.zhang.id)!;
    const view = (await get(`/customers/${made.zhang.id}`)).body;
    expect(zhang).toMatchObject({
      名称: "张三集团",
      类型: "团体",
      状态: "现有客户",
      负责人邮箱: "rep1@clist.test",
      负责人姓名: expect.any(String),
      等级: `${view.tier}类`,
      "上月消费（元）": "5000.00",
      最近面访: "2026-02-25 10:00",
      创建时间: "2026-03-03 10:00",
    });
    expect(zhang.负责人姓名).not.toBe("");
    const byId = (id: string) => file.records.find((r) => r.编号 === id)!;
    expect(byId(made.alpha.id)).toMatchObject({ 类型: "个人", 最近面访: "2026-02-26 15:30", "上月消费（元）": "1200.00" });
    expect(byId(made.twin2.id)).toMatchObject({ 状态: "潜在客户", 等级: "", 最近面访: "", "上月消费（元）": "0.00" });
    expect(byId(made.gone.id).状态).toBe("流失");
    // a text cell a spreadsheet would run is still neutralised
    expect(byId(made.formula.id).名称).toBe("'=1+1");

    const dropped = await newCustomer(t.url, c.manager.token, { name: "Dropped Co", ownerId: c.rep2.id });
    await call(t.url, "PATCH", `/customers/${dropped.id}`, { token: c.manager.token, body: { status: "dropped" } });
    expect((await download(`/customers/export.csv?lang=zh-CN&q=Dropped`)).records[0]!.状态).toBe("已放弃");
  });

  it("in English with lang=en: the original columns first, then owner, tier, last month's spend and last contact", async () => {
    const plain = await download("/customers/export.csv");
    expect(plain.header.at(-1)).toBe("createdAt");
    const file = await download("/customers/export.csv?lang=en&includePersonal=true");
    expect([...file.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(file.header.slice(0, plain.header.length)).toEqual(plain.header);
    expect(file.header.slice(plain.header.length, plain.header.length + 4)).toEqual(["ownerName", "tier", "lastMonthSpend", "lastContact"]);
    expect(file.header).toContain("personality");
    const big = file.records.find((r) => r.id === made.big.id)!;
    expect(big).toMatchObject({ kind: "group", status: "active", tier: "A", lastMonthSpend: "90000.00", lastContact: "" });
    expect(file.records.find((r) => r.id === made.alpha.id)!.lastContact).toBe("2026-02-26T07:30:00.000Z");
  });

  it("refuses an unknown language or order (400 naming it)", async () => {
    for (const q of ["lang=fr", "sort=price", "status=gone"]) {
      const res = await get(`/customers/export.csv?${q}`);
      expectErrorShape(res, 400, "validation_failed");
      expect(Object.keys(res.body.error.fields)).toEqual([q.split("=")[0]]);
    }
  });
});
