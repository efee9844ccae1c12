import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { type Json, startTestServer, type TestServer } from "../support/harness.ts";

// Every CSV the app writes goes through csv/write.ts: a text cell a spreadsheet would run
// as a formula (=, +, -, @, tab, carriage return first) starts with a ', figures stay numbers.
// The files are read back with the server's own CSV parser (a dependency of the server package).
const { parse } = createRequire(new URL("../../server/package.json", import.meta.url))("csv-parse/sync") as {
  parse: (text: string, options: { bom: boolean }) => string[][];
};

let t: TestServer;
let c: Club;

/** What reps typed: each would be a live formula in Excel or WPS if written as it is. */
const FORMULAS = ['=HYPERLINK("http://evil","y")', "+1+1", "@SUM(1+1)", "-2+3", "=2*3", "\t=2+2", "\r=cmd|' /C calc'!A0"];
/** A cell that a spreadsheet would run. */
const LIVE = /^[=+\-@\t\r]/;

beforeAll(async () => {
  t = await startTestServer({}, "2026-03-15T10:00:00+08:00");
  c = await makeClub(t.url, "csvout");
});
afterAll(() => t?.close());

async function download(path: string, token: string) {
  const res = await fetch(`${t.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
  const text = await res.text();
  const rows = parse(text, { bom: true }) as string[][];
  const [header, ...body] = rows;
  return { header: header!, rows: body, text };
}

/** Every cell of the named text columns is not a formula; returns the cells by column name per row. */
function expectNoLiveText(file: { header: string[]; rows: string[][] }, numberColumns: string[]) {
  const records = file.rows.map((r) => Object.fromEntries(file.header.map((h, i) => [h, r[i] ?? ""])));
  for (const rec of records) {
    for (const [col, cell] of Object.entries(rec)) {
      if (numberColumns.includes(col)) {
        if (cell !== "") expect(cell, `${col} is a number`).toMatch(/^-?\d+(\.\d+)?$/);
      } else {
        expect(LIVE.test(cell), `${col} = ${JSON.stringify(cell)} is a live formula`).toBe(false);
      }
    }
  }
  return records;
}

describe("customer export", () => {
  const made: Json[] = [];
  beforeAll(async () => {
    for (const [i, f] of FORMULAS.entries()) {
      made.push(
        await newCustomer(t.url, c.manager.token, {
          name: `${f}`.trim() || `x${i}`,
          ownerId: c.rep1.id,
          expectedMonthlySpend: 1234.5,
          profile: { phone: "=2*3", address: f, email: undefined, legalRepresentative: "@admin", postcode: "-1" },
          features: { enterpriseNature: "+cmd", size: f },
          transaction: { needs: f, cardsHeld: ["=A1", "Gold"] },
          personal: { personality: "=1+1", age: 40 },
        }),
      );
    }
  });

  it("writes every text cell that a spreadsheet would run with a leading ', numbers as numbers", async () => {
    for (const [path, token] of [
      ["/customers/export.csv", c.rep1.token],
      ["/customers/export.csv", c.manager.token],
      ["/customers/export.csv?includePersonal=true", c.manager.token],
    ] as const) {
      const file = await download(path, token);
      const records = expectNoLiveText(file, ["expectedMonthlySpend", "age"]);
      expect(records.length).toBe(FORMULAS.length);
      for (const rec of records) {
        expect(rec.phone).toBe("'=2*3");
        expect(rec.legalRepresentative).toBe("'@admin");
        expect(rec.postcode).toBe("'-1");
        expect(rec.enterpriseNature).toBe("'+cmd");
        expect(rec.cardsHeld).toBe("'=A1; Gold");
        expect(rec.expectedMonthlySpend).toBe("1234.50");
        if (path.includes("includePersonal")) {
          expect(rec.personality).toBe("'=1+1");
          expect(rec.age).toBe("40");
        }
      }
      // the names as typed (the API trims surrounding space), each behind a '
      const names = records.map((r) => r.name).sort();
      expect(names).toEqual(made.map((m) => `'${m.name}`).sort());
      expect(names).toContain(`'=HYPERLINK("http://evil","y")`);
    }
  });

  it("an imported name that begins with a tab does not come back out as a live formula", async () => {
    const csv = `name,kind,phone,needs\n"\t=2+2",group,"\t=3+3","\r=4+4"\n"@SUM(1+1)",individual,+8613800138000,-12.5\n`;
    const res = await fetch(`${t.url}/api/v1/customers/import`, {
      method: "POST",
      headers: { authorization: `Bearer ${c.rep2.token}`, "content-type": "text/csv" },
      body: csv,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const file = await download("/customers/export.csv", c.rep2.token);
    const records = expectNoLiveText(file, ["expectedMonthlySpend"]);
    expect(records.length).toBe(2);
    const tab = records.find((r) => r.name?.includes("=2+2"))!;
    expect(tab.name).toMatch(/^'/);
    expect(tab.phone).toMatch(/^'/);
    const sum = records.find((r) => r.name?.includes("SUM"))!;
    expect(sum.name).toBe("'@SUM(1+1)");
    expect(sum.phone).toBe("'+8613800138000");
    expect(sum.needs).toBe("'-12.5");
  });
});

describe("tier table export", () => {
  it("writes customer names neutralised and rank, spend and shares as numbers", async () => {
    const spends = [5000, 3000.25, 1200, 800, 10];
    for (const [i, f] of FORMULAS.slice(0, spends.length).entries()) {
      const cu = await newCustomer(t.url, c.manager.token, { name: `${f}`.trim(), status: "active", ownerId: c.rep2.id });
      await addRevenue(t.url, c.manager.token, { customerId: cu.id, amount: spends[i], occurredAt: "2026-03-02T10:00:00+08:00" });
    }
    const file = await download("/analysis/tiers.csv?month=2026-03", c.manager.token);
    expect(file.header).toEqual(["rank", "customerId", "name", "spend", "sharePercent", "cumulativeSharePercent", "tier"]);
    const records = expectNoLiveText(file, ["rank", "spend", "sharePercent", "cumulativeSharePercent"]);
    expect(records.length).toBe(spends.length);
    expect(records.map((r) => r.rank)).toEqual(["1", "2", "3", "4", "5"]);
    expect(records.map((r) => r.spend)).toEqual(["5000.00", "3000.25", "1200.00", "800.00", "10.00"]);
    expect(records[0]!.name).toBe(`'=HYPERLINK("http://evil","y")`);
    expect(records.map((r) => r.name)).toEqual(['\'=HYPERLINK("http://evil","y")', "'+1+1", "'@SUM(1+1)", "'-2+3", "'=2*3"]);
    expect(records.at(-1)!.cumulativeSharePercent).toBe("100.00");
  });
});
