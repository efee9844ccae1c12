import { createDb, type Database, rowsOf, sql } from "@clubhouse/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyDatabase, type PgBouncer, pgbouncerAvailable, startPgBouncer } from "../support/pgbouncer.ts";

// Every transaction the app is told committed is in the database, through PgBouncer in
// transaction mode with DB_PREPARE=off. (postgres.js once prepared its own COMMIT: on a
// server connection that lacked it the COMMIT failed, aborting the transaction, and its
// retry there answered the ROLLBACK as a commit: a tenth to two fifths of the writes were lost.)

const available = pgbouncerAvailable();

let bouncer: PgBouncer;
let target: Awaited<ReturnType<typeof emptyDatabase>>;
let direct: Database;
let pooled: Database;

beforeAll(async () => {
  if (!available) return;
  target = await emptyDatabase();
  bouncer = await startPgBouncer({ defaultPoolSize: 2 });
  direct = await createDb({ databaseUrl: target.url, poolSize: 1 });
  await direct.db.execute(sql`create table probe (id int primary key, note text not null)`);
  // Six client connections over two server connections, as a server with DB_PREPARE=off has them.
  pooled = await createDb({ databaseUrl: bouncer.url(target.name), prepare: false, poolSize: 6 });
});
afterAll(async () => {
  await pooled?.close();
  await direct?.close();
  await bouncer?.stop();
  await target?.drop();
});

describe.skipIf(!available)("transactions through PgBouncer (DB_PREPARE=off)", () => {
  it("300 concurrent transactions: every one answered as committed is stored, every one rolled back is not", async () => {
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        pooled.db
          .transaction(async (tx) => {
            await tx.execute(sql`insert into probe (id, note) values (${i}, ${`row ${i}`})`);
            await tx.execute(sql`select count(*) from probe where id <= ${i}`);
            if (i % 10 === 9) throw new Error("rolled back by the app");
          })
          .then(
            () => ({ i, committed: true }),
            () => ({ i, committed: false }),
          ),
      ),
    );
    const committed = results.filter((r) => r.committed).map((r) => r.i);
    expect(committed.length).toBe(270);
    const stored = rowsOf<{ id: number }>(await direct.db.execute(sql`select id from probe order by id`)).map((r) => r.id);
    expect(stored).toEqual(committed);
    // Nothing is left prepared on the server connections for another client to miss.
    const prepared = await Promise.all(
      Array.from({ length: 12 }, () =>
        pooled.db.transaction(async (tx) =>
          rowsOf<{ pid: number; n: number }>(
            await tx.execute(sql`select pg_backend_pid() as pid, (select count(*)::int from pg_prepared_statements) as n`),
          ),
        ),
      ),
    );
    expect(new Set(prepared.map(([r]) => r!.pid)).size).toBeLessThanOrEqual(2);
    expect(prepared.map(([r]) => r!.n)).toEqual(Array(12).fill(0));
  });
});
