import { createDb, type Database, rowsOf, sql } from "@clubhouse/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, type TestDatabase } from "../support/harness.ts";

// Transactions on PostgreSQL go through db/src/client.ts `transaction`: a reserved
// connection, BEGIN handed over with the first statements, COMMIT or ROLLBACK, the
// connection given back. Run as the connecting role on a scratch table.

let t: TestDatabase;
let db: Database;

beforeAll(async () => {
  t = await freshDatabase(undefined, "postgres");
  // two connections, so that a transaction that kept its connection would soon starve the rest
  db = await createDb({ databaseUrl: t.url!, poolSize: 2 });
  await db.db.execute(sql`create table tx_probe (id int primary key, note text)`);
});
afterAll(async () => {
  await db?.close();
  await t?.drop();
});

const notes = async () => rowsOf<{ id: number; note: string }>(await db.db.execute(sql`select id, note from tx_probe order by id`));

describe("transactions (PostgreSQL)", () => {
  it("commits what the transaction wrote, all on one connection inside one transaction", async () => {
    const seen = await db.db.transaction(async (tx) => {
      await tx.execute(sql`insert into tx_probe values (${1}, ${"one"})`);
      const a = rowsOf<{ pid: number; xid: string }>(
        await tx.execute(sql`select pg_backend_pid() as pid, pg_current_xact_id()::text as xid`),
      );
      await tx.execute(sql`insert into tx_probe values (${2}, ${"two"})`);
      const b = rowsOf<{ pid: number; xid: string }>(
        await tx.execute(sql`select pg_backend_pid() as pid, pg_current_xact_id()::text as xid`),
      );
      return [a[0], b[0]];
    });
    expect(seen[0]).toEqual(seen[1]);
    expect(await notes()).toEqual([
      { id: 1, note: "one" },
      { id: 2, note: "two" },
    ]);
  });

  it("the first statement already runs inside the transaction", async () => {
    // a transaction-local setting made by the first statement is seen by the next: had
    // the first run before BEGIN (autocommit), it would have ended with its statement
    const [row] = await db.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.probe', ${"inside"}, true)`);
      return rowsOf<{ probe: string }>(await tx.execute(sql`select current_setting('app.probe', true) as probe`));
    });
    expect(row?.probe).toBe("inside");
    // rolled back as a whole: the insert before the failure is gone
    await expect(
      db.db.transaction(async (tx) => {
        await tx.execute(sql`insert into tx_probe values (${3}, ${"lost"})`);
        await tx.execute(sql`select 1 / ${0}::int`);
      }),
    ).rejects.toMatchObject({ cause: { code: "22012" } });
    expect((await notes()).map((r) => r.id)).toEqual([1, 2]);
  });

  it("a throw rolls back and is what the caller gets", async () => {
    await expect(
      db.db.transaction(async (tx) => {
        await tx.execute(sql`insert into tx_probe values (${4}, ${"lost"})`);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect((await notes()).map((r) => r.id)).toEqual([1, 2]);
  });

  it("the first failure is reported, not the 'transaction is aborted' of the statements after it", async () => {
    const err = await db.db
      .transaction(async (tx) => {
        await Promise.all([tx.execute(sql`insert into tx_probe values (${1}, ${"duplicate"})`), tx.execute(sql`select ${1}::int`)]);
      })
      .then(
        () => undefined,
        (e: unknown) => e as { cause?: { code?: string } },
      );
    expect(err?.cause?.code).toBe("23505");
  });

  it("gives its connection back every time: many failed and committed transactions on a pool of two", async () => {
    const runs = Array.from({ length: 24 }, (_, i) =>
      db.db
        .transaction(async (tx) => {
          if (i % 3 === 0) await tx.execute(sql`select 1 / ${0}::int`);
          if (i % 3 === 1) throw new Error("no");
          await tx.execute(sql`insert into tx_probe values (${100 + i}, ${"kept"})`);
        })
        .then(
          () => "ok",
          () => "failed",
        ),
    );
    const outcomes = await Promise.all(runs);
    expect(outcomes.filter((o) => o === "ok")).toHaveLength(8);
    expect((await notes()).filter((r) => r.note === "kept")).toHaveLength(8);
    const [idle] = rowsOf<{ open: number }>(
      await db.db.execute(
        sql`select count(*)::int as open from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
      ),
    );
    expect(idle?.open).toBe(0);
  });

  it("a nested transaction is a savepoint: its failure undoes only its own part", async () => {
    await db.db.transaction(async (tx) => {
      await tx.execute(sql`insert into tx_probe values (${200}, ${"outer"})`);
      await expect(
        tx.transaction(async (inner) => {
          await inner.execute(sql`insert into tx_probe values (${201}, ${"inner"})`);
          throw new Error("inner fails");
        }),
      ).rejects.toThrow("inner fails");
      await tx.transaction(async (inner) => {
        await inner.execute(sql`insert into tx_probe values (${202}, ${"inner kept"})`);
      });
    });
    expect((await notes()).filter((r) => r.id >= 200)).toEqual([
      { id: 200, note: "outer" },
      { id: 202, note: "inner kept" },
    ]);
  });
});
