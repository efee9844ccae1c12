import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvCell, neutralise, numberColumn, textColumn, writeCsv } from "./write.ts";

/** The cells of a written file, read back as a spreadsheet would split them (BOM and header dropped). */
const cells = (csv: string) => (parse(csv, { bom: true }) as string[][]).slice(1);

describe("a text cell that a spreadsheet would run is written with a leading '", () => {
  it.each([
    ['=HYPERLINK("http://evil","y")', '\'=HYPERLINK("http://evil","y")'],
    ["+1+1", "'+1+1"],
    ["-2+3", "'-2+3"],
    ["@SUM(1+1)", "'@SUM(1+1)"],
    ["\t=2+2", "'\t=2+2"],
    ["\r=2+2", "'\r=2+2"],
    ["=2*3", "'=2*3"],
    ["-12.5", "'-12.5"],
    ["=", "'="],
    // harmless text is written as it is
    ["Acme 有限公司", "Acme 有限公司"],
    ["a=b", "a=b"],
    [" =1+1", " =1+1"],
    ["13800138000", "13800138000"],
    ["'quoted", "'quoted"],
    ["", ""],
  ])("%j → %j", (input, written) => {
    expect(neutralise(input)).toBe(written);
    const col = textColumn<{ v: string }>("v", (r) => r.v);
    expect(csvCell(col, { v: input })).toBe(written);
    // and it survives the file's quoting: read back, the cell is the neutralised text
    expect(cells(writeCsv([col], [{ v: input }]))).toEqual([[written]]);
  });
});

describe("a number column stays a number", () => {
  it.each([
    [-12.5, 2, "-12.50"],
    [-12.5, undefined, "-12.5"],
    [0, 2, "0.00"],
    [1234567.891, 2, "1234567.89"],
    [3, undefined, "3"],
    [-1, undefined, "-1"],
    [null, 2, ""],
    [undefined, undefined, ""],
  ])("%s (decimals %s) → %j", (n, decimals, written) => {
    const col = numberColumn<{ n: number | null | undefined }>("n", (r) => r.n, decimals);
    expect(csvCell(col, { n })).toBe(written);
    expect(cells(writeCsv([col], [{ n }]))).toEqual([[written]]);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("%s is refused, not written", (n) => {
    expect(() =>
      csvCell(
        numberColumn<{ n: number }>("n", (r) => r.n),
        { n },
      ),
    ).toThrow(/not a finite number/);
  });
});

describe("writeCsv", () => {
  it("writes a BOM, the header and one line per row, quoting commas, quotes and line breaks", () => {
    const csv = writeCsv(
      [
        textColumn<{ name: string; spend: number }>("name", (r) => r.name),
        numberColumn<{ name: string; spend: number }>("spend", (r) => r.spend, 2),
      ],
      [
        { name: 'Acme, "Ltd"\nsecond line', spend: -5 },
        { name: "=1+1", spend: 10 },
      ],
    );
    expect(csv.startsWith("\ufeffname,spend\n")).toBe(true);
    expect(cells(csv)).toEqual([
      ['Acme, "Ltd"\nsecond line', "-5.00"],
      ["'=1+1", "10.00"],
    ]);
  });

  it("is the only writer of CSV in the server: nothing else imports csv-stringify", () => {
    const src = join(dirname(fileURLToPath(import.meta.url)), "..");
    const writers: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && /from "csv-stringify/.test(readFileSync(p, "utf8")))
          writers.push(relative(src, p));
      }
    };
    walk(src);
    expect(writers).toEqual(["csv/write.ts"]);
  });
});
