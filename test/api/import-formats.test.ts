import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CUSTOMER_COLUMNS } from "../../server/src/customers/csv.ts";
import { REVENUE_COLUMNS } from "../../server/src/revenue/import.ts";
import { IMPORT_COLUMNS } from "../../web/src/manager/import-columns.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { addUser, call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

// Files as Chinese clubs have them: GB18030 or UTF-8 (BOM or not), Chinese headers and
// labels, club dates, amounts with ¥ and thousands separators, customers and reps by name.

let t: TestServer;
let c: Club;
let other: Club;
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "fmt");
  other = await makeClub(t.url, "fmt-other");
});
afterAll(() => t?.close());

async function upload(path: string, token: string, data: string | Uint8Array, type = "text/csv") {
  const body = typeof data === "string" ? data : new Blob([new Uint8Array(data)]);
  const res = await fetch(`${t.url}/api/v1${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": type },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Json, headers: res.headers, size: text.length };
}
async function ledger(token: string): Promise<Json[]> {
  return (await call(t.url, "GET", "/revenue?limit=200", { token })).body.items;
}
async function customer(token: string, id: string): Promise<Json> {
  return (await call(t.url, "GET", `/customers/${id}`, { token })).body;
}
async function template(path: string, token: string) {
  const res = await fetch(`${t.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get("content-type"), bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe("encodings", () => {
  it("a GB18030 file of Chinese names (no charset sent) imports and reads back identical", async () => {
    const names = ["欧阳娜娜", "上海宏达贸易有限公司", "𠮷野家（徐汇店）", "龘靐齉"];
    const text = `客户名称,类型,地址\n${names.map((n, i) => `${n},${i % 2 ? "团体" : "个人"},上海市第${i + 1}号`).join("\n")}\n`;
    const gb = iconv.encode(text, "gb18030");
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(gb)).toThrow();
    const res = await upload("/customers/import", c.manager.token, gb);
    expect(res.status).toBe(201);
    expect(res.body.rows).toBe(4);
    for (const [i, id] of (res.body.customerIds as string[]).entries()) {
      const got = await customer(c.manager.token, id);
      expect(got.name).toBe(names[i]);
      expect(got.kind).toBe(i % 2 ? "group" : "individual");
      expect(got.profile.address).toBe(`上海市第${i + 1}号`);
    }
  });

  it("a UTF-8 file with a BOM and Chinese headers reads back identical", async () => {
    const res = await upload("/customers/import", c.manager.token, "\ufeff客户名称,类型,状态\r\n王小明（BOM）,个人,现有客户\r\n");
    expect(res.status).toBe(201);
    const got = await customer(c.manager.token, res.body.customerIds[0]);
    expect(got).toMatchObject({ name: "王小明（BOM）", kind: "individual", status: "active" });
  });

  it("a file that is neither UTF-8 nor GB18030 is refused with its code, and nothing is stored", async () => {
    const before = (await call(t.url, "GET", "/customers?limit=200", { token: c.manager.token })).body.items.length;
    const bytes = new Uint8Array([...new TextEncoder().encode("name,kind\n"), 0xff, 0xff, 0x41, ...new TextEncoder().encode(",group\n")]);
    const res = await upload("/customers/import", c.manager.token, bytes);
    expectErrorShape(res, 400, "validation_failed");
    expect(res.body.error.fieldCodes).toEqual({ file: { code: "file_not_utf8" } });
    const revenue = await upload("/revenue/import", c.manager.token, bytes);
    expect(revenue.body.error.fieldCodes).toEqual({ file: { code: "file_not_utf8" } });
    // a charset in the Content-Type wins: GB18030 bytes declared UTF-8 are refused, not guessed
    const declared = await upload(
      "/customers/import",
      c.manager.token,
      iconv.encode("name,kind\n李四,individual\n", "gb18030"),
      "text/csv; charset=utf-8",
    );
    expect(declared.body.error.fieldCodes).toEqual({ file: { code: "file_not_utf8" } });
    expect((await call(t.url, "GET", "/customers?limit=200", { token: c.manager.token })).body.items.length).toBe(before);
  });
});

describe("revenue cells as clubs write them", () => {
  it("takes club dates, yuan amounts, Chinese headers and labels, customers by name or id, reps by name or e-mail", async () => {
    const named = await newCustomer(t.url, c.rep1.token, { name: "格式客户甲", status: "active" });
    const byId = await newCustomer(t.url, c.rep2.token, { name: "格式客户乙", status: "active" });
    const rows = [
      ["格式客户甲", "3,600.00", "餐饮", "2026-03-05", "", "F-1"],
      [byId.id, "3600", "水疗", "2026/3/5", "rep1", "F-2"],
      ["格式客户甲", "¥3,600.00", "客房", "2026-03-05 14:30", "rep2@fmt.test", "F-3"],
      ["格式客户甲", " ￥3600 ", "高尔夫", "2026/3/5 14:30:00", "", "F-4"],
      ["格式客户甲", "12.5", "健身", "2026-03-05T14:30:00+08:00", "", "F-5"],
      ["格式客户甲", "1,234,567.89元", "会籍", "2026年3月1日", "", "F-6"],
      ["格式客户甲", "8", "spa", "2026-02-28 23:59", "", "F-7"],
    ];
    const csv = `客户,金额,业务类型,发生时间,营销代表,单号\n${rows.map((r) => r.map((v) => (v.includes(",") ? `"${v}"` : v)).join(",")).join("\n")}\n`;
    const res = await upload("/revenue/import", c.manager.token, csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ rows: 7, total: 3600 * 4 + 12.5 + 1234567.89 + 8 });
    const byRef = new Map((await ledger(c.manager.token)).map((e: Json) => [e.externalRef, e]));
    expect(byRef.get("F-1")).toMatchObject({
      customerId: named.id,
      amount: 3600,
      businessLine: "catering",
      occurredAt: "2026-03-04T16:00:00.000Z",
      month: "2026-03",
      repId: c.rep1.id,
    });
    expect(byRef.get("F-2")).toMatchObject({
      customerId: byId.id,
      businessLine: "spa",
      occurredAt: "2026-03-04T16:00:00.000Z",
      repId: c.rep1.id,
    });
    expect(byRef.get("F-3")).toMatchObject({ businessLine: "rooms", occurredAt: "2026-03-05T06:30:00.000Z", repId: c.rep2.id });
    expect(byRef.get("F-4")).toMatchObject({ amount: 3600, businessLine: "golf", occurredAt: "2026-03-05T06:30:00.000Z" });
    expect(byRef.get("F-5")).toMatchObject({ amount: 12.5, businessLine: "fitness", occurredAt: "2026-03-05T06:30:00.000Z" });
    expect(byRef.get("F-6")).toMatchObject({ amount: 1234567.89, businessLine: "membership", occurredAt: "2026-02-28T16:00:00.000Z" });
    // a late evening in club time is that club day and month, not the UTC one
    expect(byRef.get("F-7")).toMatchObject({ occurredAt: "2026-02-28T15:59:00.000Z", month: "2026-02" });
  });

  it("refuses malformed amounts and dates, the future and before 2000, each by line with its code", async () => {
    const x = await newCustomer(t.url, c.rep1.token, { name: "格式客户丙", status: "active" });
    const csv = [
      "customerId,amount,businessLine,occurredAt",
      `${x.id},"3,60.00",spa,2026-03-01`,
      `${x.id},1.234,spa,2026-03-01`,
      `${x.id},¥0,spa,2026-03-01`,
      `${x.id},$5,spa,2026-03-01`,
      `${x.id},5,spa,2026-02-30`,
      `${x.id},5,spa,2026/3/1 25:00`,
      `${x.id},5,spa,2026-03-16`,
      `${x.id},5,spa,1999-12-31`,
      `${x.id},5,赌场,2026-03-01`,
    ].join("\n");
    const before = (await ledger(c.manager.token)).length;
    const res = await upload("/revenue/import", c.manager.token, csv);
    expectErrorShape(res, 400, "validation_failed");
    const codes = res.body.error.fieldCodes;
    expect(codes).toEqual({
      "line 2.amount": { code: "invalid_format", format: "amount" },
      "line 3.amount": { code: "invalid_format", format: "amount" },
      "line 4.amount": { code: "must_be_positive" },
      "line 5.amount": { code: "invalid_format", format: "amount" },
      "line 6.occurredAt": { code: "invalid_format", format: "datetime" },
      "line 7.occurredAt": { code: "invalid_format", format: "datetime" },
      "line 8.occurredAt": { code: "in_future" },
      "line 9.occurredAt": { code: "too_early", min: "2000-01-01" },
      "line 10.businessLine": expect.objectContaining({ code: "unknown_business_line" }),
    });
    expect(res.body.error.message).toMatch(/\b9 problems/);
    expect((await ledger(c.manager.token)).length).toBe(before);
  });

  it("a name matching two customers, or none, is a row error; a rep's names are their own customers only", async () => {
    await newCustomer(t.url, c.rep1.token, { name: "重名公司", status: "active" });
    await newCustomer(t.url, c.rep2.token, { name: "重名公司", status: "active" });
    const mine = await newCustomer(t.url, c.rep2.token, { name: "乙的客户", status: "active" });
    const csv = `客户,金额,业务,日期\n重名公司,5,水疗,2026-03-02\n没有这个人,5,水疗,2026-03-02\n乙的客户,5,水疗,2026-03-02\n`;
    const res = await upload("/revenue/import", c.manager.token, csv.replace("\n乙的客户,5,水疗,2026-03-02", ""));
    expectErrorShape(res, 400);
    expect(res.body.error.fieldCodes).toEqual({
      "line 2.customerId": { code: "ambiguous_name", count: 2 },
      "line 3.customerId": { code: "unknown_name" },
    });
    // rep1 sees one 重名公司 (their own) and not rep2's 乙的客户
    const rep = await upload("/revenue/import", c.rep1.token, csv);
    expect(rep.body.error.fieldCodes).toEqual({
      "line 3.customerId": { code: "unknown_name" },
      "line 4.customerId": { code: "unknown_name" },
    });
    const ok = await upload("/revenue/import", c.rep2.token, `客户,金额,业务,日期\n乙的客户,5,水疗,2026-03-02\n`);
    expect(ok.status).toBe(201);
    expect((await ledger(c.rep2.token)).some((e: Json) => e.customerId === mine.id && e.occurredAt === "2026-03-01T16:00:00.000Z")).toBe(
      true,
    );
  });

  it("a credited rep by a name two active users share, or no one's, is a row error", async () => {
    await addUser(t.url, c.admin.token, "rep", "twin@fmt.test");
    await addUser(t.url, c.admin.token, "rep", "twin@fmt-b.test");
    const x = await newCustomer(t.url, c.rep1.token, { name: "代表测试", status: "active" });
    const csv = `customerId,amount,businessLine,occurredAt,repId\n${x.id},5,spa,2026-03-02,twin\n${x.id},5,spa,2026-03-02,nobody\n${x.id},5,spa,2026-03-02,nobody@fmt.test\n`;
    const res = await upload("/revenue/import", c.manager.token, csv);
    expect(res.body.error.fieldCodes).toEqual({
      "line 2.repId": { code: "ambiguous_name", count: 2 },
      "line 3.repId": { code: "unknown_name" },
      "line 4.repId": { code: "not_active_user" },
    });
  });

  it("a name never matches another club's customer", async () => {
    const mine = await newCustomer(t.url, c.rep1.token, { name: "两家同名", status: "active" });
    const theirs = await newCustomer(t.url, other.rep1.token, { name: "两家同名", status: "active" });
    const res = await upload("/revenue/import", c.manager.token, `客户,金额,业务,日期,单号\n两家同名,66,餐饮,2026-03-03,TWO-CLUBS\n`);
    expect(res.status).toBe(201);
    const entry = (await ledger(c.manager.token)).find((e: Json) => e.externalRef === "TWO-CLUBS");
    expect(entry.customerId).toBe(mine.id);
    expect((await ledger(other.manager.token)).some((e: Json) => e.customerId === theirs.id)).toBe(false);
    // and the other club's name alone is unknown here
    await newCustomer(t.url, other.rep1.token, { name: "只在别家", status: "active" });
    const unknown = await upload("/revenue/import", c.manager.token, `客户,金额,业务,日期\n只在别家,66,餐饮,2026-03-03\n`);
    expect(unknown.body.error.fieldCodes).toEqual({ "line 2.customerId": { code: "unknown_name" } });
  });

  it("lists every one of 5,000 bad rows, and the count it states equals the rows listed", async () => {
    const x = await newCustomer(t.url, c.rep1.token, { name: "五千行", status: "active" });
    const lines = ["customerId,amount,businessLine,occurredAt"];
    for (let i = 0; i < 5000; i++) lines.push(`${x.id},${i % 2 ? "abc" : "-1"},${i % 3 ? "spa" : "casino"},2026-03-01`);
    const res = await upload("/revenue/import", c.manager.token, lines.join("\n"));
    expectErrorShape(res, 400, "validation_failed");
    const listed = Object.keys(res.body.error.fieldCodes);
    const expected = 5000 + Math.ceil(5000 / 3);
    expect(listed.length).toBe(expected);
    expect(Object.keys(res.body.error.fields).length).toBe(expected);
    expect(res.body.error.message).toContain(`${expected} problems`);
    expect(new Set(listed.map((k) => k.split(".")[0])).size).toBe(5000);
    expect(listed).toContain("line 5001.amount");
    // each entry stays small: well under 300 bytes a problem
    expect(res.size / expected).toBeLessThan(300);
  });
});

describe("customer cells as clubs write them", () => {
  it("takes kinds and statuses by Chinese label, owners by name or e-mail, and amounts with ¥", async () => {
    const csv = `客户名称,客户类型,状态,负责人,预计月消费,电话\n标签甲,团体,潜在客户,rep1,"¥20,000.00",021-1\n标签乙,individual,active,REP2@fmt.test,3600,139\n`;
    const res = await upload("/customers/import", c.manager.token, csv);
    expect(res.status).toBe(201);
    const [first, second] = await Promise.all((res.body.customerIds as string[]).map((id) => customer(c.manager.token, id)));
    expect(first).toMatchObject({ name: "标签甲", kind: "group", status: "prospect", ownerId: c.rep1.id, profile: { phone: "021-1" } });
    expect(first.expectedMonthlySpend).toBe(20000);
    expect(second).toMatchObject({ kind: "individual", status: "active", ownerId: c.rep2.id });
  });

  it("refuses unknown labels and owners, each by line with its code, and stores nothing", async () => {
    const csv = `名称,类型,状态,负责人\n坏甲,公司,潜在客户,rep1\n坏乙,个人,老客户,没有这人\n坏丙,个人,潜在客户,rep9@fmt.test\n`;
    const res = await upload("/customers/import", c.manager.token, csv);
    expectErrorShape(res, 400);
    expect(res.body.error.fieldCodes).toEqual({
      "line 2.kind": { code: "invalid_choice", values: ["group", "individual"] },
      "line 3.status": { code: "invalid_choice", values: ["prospect", "active"] },
      "line 3.ownerEmail": { code: "unknown_name" },
      "line 4.ownerEmail": { code: "not_active_user" },
    });
    const list = (await call(t.url, "GET", "/customers?q=坏&limit=50", { token: c.manager.token })).body.items;
    expect(list).toEqual([]);
  });

  it("refuses a header naming one column twice (a code and its Chinese header)", async () => {
    const res = await upload("/customers/import", c.manager.token, "name,名称,kind\n甲,乙,group\n");
    expectErrorShape(res, 400);
    expect(res.body.error.fieldCodes).toEqual({ "column 名称": { code: "repeated", column: "name" } });
  });
});

describe("templates", () => {
  const BOM = [0xef, 0xbb, 0xbf];
  for (const lang of ["zh-CN", "en"] as const) {
    it(`the ${lang} templates are UTF-8 with a BOM, and their sample rows import back`, async () => {
      const club = await makeClub(t.url, `tpl-${lang.toLowerCase()}`);
      const rev = await template(`/revenue/import/template.csv?lang=${lang}`, club.manager.token);
      expect(rev.status).toBe(200);
      expect(rev.type).toMatch(/^text\/csv/);
      expect([...rev.bytes.slice(0, 3)]).toEqual(BOM);
      const revText = new TextDecoder().decode(rev.bytes).replace(/^\ufeff/, "");
      const [revHead, revSample] = revText.trim().split(/\r?\n/);
      expect(revHead).toBe(lang === "zh-CN" ? "客户,金额,业务,日期,营销代表,单号" : "customerId,amount,businessLine,occurredAt,repId,ref");
      const sampleName = lang === "zh-CN" ? "张三" : "Zhang San";
      expect(revSample).toContain(sampleName);

      const cus = await template(`/customers/import/template.csv?lang=${lang}`, club.manager.token);
      expect([...cus.bytes.slice(0, 3)]).toEqual(BOM);
      const cusText = new TextDecoder("utf-8", { ignoreBOM: true }).decode(cus.bytes);
      expect(cusText.split(/\r?\n/)[0]).toBe(
        lang === "zh-CN"
          ? "\ufeff客户名称,类型,状态,负责人,预计月消费,电话,地址"
          : "\ufeffname,kind,status,ownerEmail,expectedMonthlySpend,phone,address",
      );
      // the customer template's sample creates 张三 / Zhang San; the revenue template's sample then books for them
      const imported = await upload("/customers/import", club.manager.token, cus.bytes);
      expect(imported.status).toBe(201);
      const made = await customer(club.manager.token, imported.body.customerIds[0]);
      expect(made).toMatchObject({ name: sampleName, kind: "individual", status: "prospect", expectedMonthlySpend: 3600 });
      const booked = await upload("/revenue/import", club.manager.token, rev.bytes);
      expect(booked.status).toBe(201);
      expect(booked.body).toMatchObject({ rows: 1, total: 3600 });
      const [entry] = await ledger(club.manager.token);
      expect(entry).toMatchObject({ customerId: made.id, businessLine: "catering", month: "2026-03" });
    });
  }

  it("a template needs a signed-in user and a known language", async () => {
    expect((await fetch(`${t.url}/api/v1/revenue/import/template.csv`)).status).toBe(401);
    const bad = await call(t.url, "GET", "/customers/import/template.csv?lang=fr", { token: c.manager.token });
    expectErrorShape(bad, 400);
  });
});

describe("the Import screen's column hints", () => {
  it("name exactly the columns and headers the server accepts", () => {
    for (const [kind, server] of [
      ["revenue", REVENUE_COLUMNS],
      ["customers", CUSTOMER_COLUMNS],
    ] as const) {
      const hints = IMPORT_COLUMNS[kind];
      expect(hints.map((c) => c.name).sort()).toEqual([...server.required, ...server.optional].sort());
      expect(hints.filter((c) => c.required).map((c) => c.name)).toEqual(server.required);
      const aliases = Object.entries(server.aliases).sort();
      expect(hints.flatMap((c) => c.zh.map((h) => [h, c.name])).sort()).toEqual(aliases);
    }
  });
});
