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
