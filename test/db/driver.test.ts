import { customers } from "@clubhouse/db";
import { Column, entityKind, is, SQL, sql, Table } from "drizzle-orm";
import { PgColumn } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/harness.ts";

// postgres.js as patched (patches/postgres@3.4.9.patch): failures that the driver
// used to let escape as process-killing errors stay with the connection.

let t: TestDatabase;
beforeAll(async () => {
  t = await freshDatabase(undefined, "postgres");
});
afterAll(() => t?.drop());

describe("postgres.js (patched)", () => {
  it("a new connection whose array-type fetch fails does not raise an unhandled rejection (porsager/postgres#1192)", async () => {
    const unhandled: unknown[] = [];
    const keep = (e: unknown) => unhandled.push(e);
    process.on("unhandledRejection", keep);
    try {
      // a 1 ms statement_timeout from the first statement on cancels the driver's own
      // catalog query on every new connection
      for (let i = 0; i < 5; i++) {
        const client = postgres(t.url!, { max: 1, onnotice: () => {}, connection: { statement_timeout: 1 } });
        await client`select ${i}::int as n`.catch(() => {});
        await client.end({ timeout: 1 });
      }
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.off("unhandledRejection", keep);
    }
    expect(unhandled).toEqual([]);
  });
});

// drizzle-orm as patched (patches/drizzle-orm@0.45.4.patch): `is`, which query building
// asks for every chunk of every query, keeps its answer per (prototype, type). The
// answers must be the unpatched ones.
describe("drizzle's is() (patched)", () => {
  class LookAlike {
    // another copy of drizzle's Column class, as a second copy of the package would make
    static readonly [entityKind] = Column[entityKind];
    readonly name = "id";
  }
  const cases: [string, unknown, Parameters<typeof is>[1], boolean][] = [
    ["a column is a Column", customers.id, Column, true],
    ["a column is a PgColumn", customers.id, PgColumn, true],
    ["a column is not a Table", customers.id, Table, false],
    ["a table is a Table", customers, Table, true],
    ["a table is not a Column", customers, Column, false],
    ["a template is SQL", sql`select 1`, SQL, true],
    ["raw SQL is SQL", sql.raw("select 1"), SQL, true],
    ["SQL is not a Column", sql`select 1`, Column, false],
    ["a plain object is not a Column", { name: "id" }, Column, false],
    ["null is nothing", null, Column, false],
    ["a string is nothing", "id", SQL, false],
    ["another copy's Column is a Column (same entity kind)", new LookAlike(), Column, true],
  ];
  it.each(cases)("%s", (_, value, type, expected) => {
    expect(is(value, type)).toBe(expected);
    // the kept answer is the same answer
    expect(is(value, type)).toBe(expected);
  });

  it("is the patched one (pnpm applied the patch)", () => {
    expect(is.toString()).toContain("answers.get(proto)");
  });
});
