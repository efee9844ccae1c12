import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";

let t: TestServer;
let c: Club;
let a: { id: string };
let b: { id: string };
beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "csv");
  a = await newCustomer(t.url, c.rep1.token, { name: "CSV A", status: "active" });
  b = await newCustomer(t.url, c.rep2.token, { name: "CSV B", status: "active" });
});
afterAll(() => t?.close());

async function upload(path: string, token: string, data: string | Uint8Array, type = "text/csv") {
  const body = typeof data === "string" ? data : new Blob([new Uint8Array(data)]);
  const res = await fetch(`${t.url}/api/v1${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": type },
    body,
  });
  const json = (await res.json()) as Json;
  return { status: res.status, body: json, headers: res.headers };
}
async function ledgerCount(token = c.manager.token) {
  const res = await fetch(`${t.url}/api/v1/revenue?limit=200`, { headers: { authorization: `Bearer ${token}` } });
  return ((await res.json()) as Json).items.length as number;
}

describe("revenue CSV import", () => {
  it("stores a clean file whole (UTF-8 with BOM and CRLF) and refuses the same file twice", async () => {
    const csv = `\ufeffcustomerId,amount,businessLine,occurredAt,ref\r\n${a.id},1000.50,catering,2026-03-01T19:00:00+08:00,POS-1\r\n${b.id},20,spa,2026-02-28T23:30:00+08:00,POS-2\r\n`;
    const before = await ledgerCount();
    const res = await upload("/revenue/import", c.manager.token, csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ rows: 2, total: 1020.5 });
    expect(await ledgerCount()).toBe(before + 2);
    const again = await upload("/revenue/import", c.manager.token, csv.replace(/\r\n/g, "\n"));
    expectErrorShape(again, 409, "conflict");
    expect(await ledgerCount()).toBe(before + 2);
    // a different file repeating a ref is caught row by row
    const sameRef = await upload(
      "/revenue/import",
      c.manager.token,
      `customerId,amount,businessLine,occurredAt,ref\n${a.id},5,spa,2026-03-02T10:00:00+08:00,POS-1\n`,
    );
    expectErrorShape(sameRef, 400);
    expect(sameRef.body.error.fields).toEqual({ "line 2.ref": "was already imported" });
  });

  it("reports every bad row by line and stores nothing of the file", async () => {
    const csv = [
      "customerId,amount,businessLine,occurredAt",
      `${a.id},100,spa,2026-03-01T10:00:00+08:00`,
      `${a.id},12.345,spa,2026-03-01T10:00:00+08:00`,
      `${crypto.randomUUID()},5,spa,2026-03-01T10:00:00+08:00`,
      `${a.id},5,casino,2026-13-01`,
      `not-an-id,-3,spa,2026-03-01T10:00:00+08:00`,
    ].join("\n");
    const before = await ledgerCount();
    const res = await upload("/revenue/import", c.manager.token, csv);
    expectErrorShape(res, 400, "validation_failed");
    expect(res.body.error.fields).toEqual({
      "line 3.amount": expect.any(String),
      "line 4.customerId": "is not a customer of yours",
      "line 5.businessLine": expect.stringContaining("membership"),
      "line 5.occurredAt": expect.any(String),
      "line 6.customerId": expect.stringContaining("no customer"),
      "line 6.amount": expect.any(String),
    });
    expect(res.body.error.fieldCodes["line 6.customerId"]).toEqual({ code: "unknown_name" });
    expect(res.body.error.message).toMatch(/6 problems/);
    expect(await ledgerCount()).toBe(before);
  });

  it("a rep imports only for their own customers", async () => {
    const res = await upload(
      "/revenue/import",
      c.rep1.token,
      `customerId,amount,businessLine,occurredAt\n${b.id},5,spa,2026-03-01T10:00:00+08:00\n`,
    );
    expectErrorShape(res, 400);
    expect(res.body.error.fields).toEqual({ "line 2.customerId": "is not a customer of yours" });
  });

  it("reads GB18030 without a charset, a declared charset wins, and UTF-16 is refused", async () => {
    const text = `customerId,amount,businessLine,occurredAt,ref\n${a.id},88,golf,2026-03-03T10:00:00+08:00,收银单-甲\n`;
    const gb = iconv.encode(text, "gb18030");
    const declaredWrong = await upload("/revenue/import", c.manager.token, gb, "text/csv; charset=utf-8");
    expectErrorShape(declaredWrong, 400);
    expect(declaredWrong.body.error.fieldCodes.file).toEqual({ code: "file_not_utf8" });
    const detected = await upload("/revenue/import", c.manager.token, gb);
    expect(detected.status).toBe(201);
    const declared = await upload(
      "/revenue/import",
      c.manager.token,
      iconv.encode(text.replace("收银单-甲", "收银单-乙"), "gb18030"),
      "text/csv; charset=GB18030",
    );
    expect(declared.status).toBe(201);
    const utf16 = await upload("/revenue/import", c.manager.token, new Uint8Array([0xff, 0xfe, 0x61, 0x00]));
    expectErrorShape(utf16, 400);
  });

  it("refuses a wrong content type, a bad header and malformed quoting", async () => {
    expectErrorShape(await upload("/revenue/import", c.manager.token, "x", "application/json"), 415);
    const header = await upload("/revenue/import", c.manager.token, "customer,amount\n1,2\n");
    expectErrorShape(header, 400);
    expect(Object.keys(header.body.error.fields).sort()).toEqual([
      "column businessLine",
      "column customer",
      "column customerId",
      "column occurredAt",
    ]);
    const quotes = await upload(
      "/revenue/import",
      c.manager.token,
      `customerId,amount,businessLine,occurredAt\n"${a.id},5,spa,2026-03-01T10:00:00+08:00\n`,
    );
    expectErrorShape(quotes, 400);
    expectErrorShape(await upload("/revenue/import", c.manager.token, "customerId,amount,businessLine,occurredAt\n"), 400);
  });
});

describe("customer CSV import and export", () => {
  it("imports all or nothing, and exports without personal fields unless a manager asks", async () => {
    const bad = await upload(
      "/customers/import",
      c.manager.token,
      `name,kind,ownerEmail\n宏达集团,group,rep1@csv.test\n,individual,nobody@csv.test\n`,
    );
    expectErrorShape(bad, 400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["line 3.name", "line 3.ownerEmail"]);
    const ok = await upload(
      "/customers/import",
      c.manager.token,
      `name,kind,status,ownerEmail,expectedMonthlySpend,phone\n宏达集团,group,active,rep1@csv.test,20000,021-1\n赵先生,individual,prospect,rep2@csv.test,,139\n`,
    );
    expect(ok.status).toBe(201);
    expect(ok.body.rows).toBe(2);
    const id = ok.body.customerIds[0];
    await fetch(`${t.url}/api/v1/customers/${id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${c.manager.token}`, "content-type": "application/json" },
      body: JSON.stringify({ personal: { hobbies: "围棋" } }),
    });
    const get = async (token: string, q = "") =>
      (await fetch(`${t.url}/api/v1/customers/export.csv${q}`, { headers: { authorization: `Bearer ${token}` } })).text();
    const plain = await get(c.manager.token);
    expect(plain).toContain("宏达集团");
    expect(plain).not.toContain("围棋");
    expect(plain).not.toContain("hobbies");
    const personal = await get(c.manager.token, "?includePersonal=true");
    expect(personal).toContain("围棋");
    const repAsks = await get(c.rep1.token, "?includePersonal=true");
    expect(repAsks).not.toContain("围棋");
    expect(repAsks).toContain("宏达集团");
    expect(repAsks).not.toContain("赵先生");
  });

  it("keeps every text column where the customer record has it, and exports it under its own header", async () => {
    const columns = {
      phone: "021-5555",
      email: "office@textcols.test",
      address: "1 Bund Road",
      postcode: "200001",
      legalRepresentative: "Li Lei",
      enterpriseNature: "state-owned",
      size: "500 staff",
      needs: "team dinners",
    };
    const header = ["name", "kind", "ownerEmail", ...Object.keys(columns)].join(",");
    const row = ["Text Columns Ltd", "group", "rep1@csv.test", ...Object.values(columns)].join(",");
    const ok = await upload("/customers/import", c.manager.token, `${header}\n${row}\n`);
    expect(ok.status).toBe(201);
    const one = await call(t.url, "GET", `/customers/${ok.body.customerIds[0]}`, { token: c.manager.token });
    expect(one.body.profile).toMatchObject({
      phone: columns.phone,
      email: columns.email,
      address: columns.address,
      postcode: columns.postcode,
      legalRepresentative: columns.legalRepresentative,
    });
    expect(one.body.features).toMatchObject({ enterpriseNature: columns.enterpriseNature, size: columns.size });
    expect(one.body.transaction).toMatchObject({ needs: columns.needs });

    const csv = await (
      await fetch(`${t.url}/api/v1/customers/export.csv`, { headers: { authorization: `Bearer ${c.manager.token}` } })
    ).text();
    const [head, ...lines] = csv
      .replace(/^\ufeff/, "")
      .trim()
      .split("\n");
    const names = head!.split(",");
    expect(names).toEqual([
      "id",
      "name",
      "kind",
      "status",
      "ownerEmail",
      "expectedMonthlySpend",
      "phone",
      "email",
      "address",
      "postcode",
      "legalRepresentative",
      "enterpriseNature",
      "size",
      "cardsHeld",
      "needs",
      "createdAt",
    ]);
    const exported = lines
      .map((l) => Object.fromEntries(l.split(",").map((v, i) => [names[i], v])))
      .find((r) => r.name === "Text Columns Ltd");
    expect(exported).toMatchObject({ ...columns, kind: "group", ownerEmail: "rep1@csv.test", cardsHeld: "" });
  });
});
