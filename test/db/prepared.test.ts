import { createDb, type Database, MAX_PREPARED_TEXTS, preparing, rowsOf, sql, users, withTenant } from "@clubhouse/db";
import { ne } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser, signupClub, startTestServer, type TestServer } from "../support/harness.ts";

// The app's statements on PostgreSQL run as prepared statements (db/src/client.ts
// `preparing`): a plan is kept per connection and reused for every club that
// connection serves next, so row-level security must hold across those reuses.

let t: TestServer;
let one: Database;
let clubs: { id: string; emails: string[] }[];

beforeAll(async () => {
  t = await startTestServer({}, undefined, "postgres");
  clubs = [];
  for (const [slug, reps] of [
    ["prep-a", 1],
    ["prep-b", 3],
  ] as const) {
    const c = await signupClub(t.url, slug);
    const emails = [c.user.email];
    for (let i = 0; i < reps; i++) emails.push((await addUser(t.url, c.token, "rep", `rep${i}@${slug}.test`)).email);
    clubs.push({ id: c.tenant.id, emails: emails.sort() });
  }
  // One connection: every statement below reuses the same prepared statements.
  one = await createDb({ databaseUrl: t.db.url!, poolSize: 1 });
});
afterAll(async () => {
  await one?.close();
  await t?.close();
});

// (postgres.js sends a statement without parameters as a simple query, never prepared)
const emailsOf = (database: Database, tenantId: string) =>
  withTenant(database, tenantId, async (tx) =>
    (await tx.select({ email: users.email }).from(users).where(ne(users.email, "nobody@prep.test")).orderBy(users.email)).map(
      (u) => u.email,
    ),
  );

/** The statements prepared on the connection this transaction runs on. */
const preparedTexts = (
  database: Database,
  tenantId: string,
  first: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<unknown>,
) =>
  withTenant(database, tenantId, async (tx) => {
    await first(tx);
    return rowsOf<{ statement: string }>(await tx.execute(sql`select statement from pg_prepared_statements`)).map((r) => r.statement);
  });

describe("prepared statements (PostgreSQL)", () => {
  it("the app's statements are prepared, and a reused plan still shows each club only its own rows", async () => {
    // Past PostgreSQL's five custom plans, so the generic plan is the one reused.
    for (let i = 0; i < 12; i++) {
      const club = clubs[i % 2]!;
      expect(await emailsOf(one, club.id)).toEqual(club.emails);
    }
    const texts = await preparedTexts(one, clubs[0]!.id, async () => {});
    expect(texts.some((s) => s.includes('from "users" where "users"."email" <> $1'))).toBe(true);
    expect(texts.some((s) => s.includes("set_config('app.tenant_id'"))).toBe(true);
  });

  it("a statement without parameters is prepared too (postgres.js alone sends it as a simple query, planned every time)", async () => {
    const texts = await preparedTexts(one, clubs[1]!.id, (tx) => tx.select({ n: sql<number>`count(*)::int` }).from(users));
    expect(texts).toContain('select count(*)::int from "users"');
  });

  it("past the cap a new statement text runs unnamed, and still answers", async () => {
    const client = postgres(t.db.url!, { max: 1, onnotice: () => {} });
    const full = new Set(["select $1::int as n", ...Array.from({ length: MAX_PREPARED_TEXTS - 1 }, (_, i) => `select ${i}`)]);
    const capped = preparing(client, full);
    try {
      await capped.begin(async (tx) => {
        const [a] = await tx.unsafe("select $1::int + 1 as n /* over the cap */", [41]);
        expect(a!.n).toBe(42);
        const [known] = await tx.unsafe("select $1::int as n", [7]);
        expect(known!.n).toBe(7);
        const names = await tx.unsafe("select statement from pg_prepared_statements where statement like $1", ["select $1::int%"]);
        expect(names.map((r) => r.statement)).toEqual(["select $1::int as n"]);
      });
      expect(full.size).toBe(MAX_PREPARED_TEXTS);
    } finally {
      await client.end();
    }
  });

  it("prepare: false leaves every statement unnamed", async () => {
    const unprepared = await createDb({ databaseUrl: t.db.url!, poolSize: 1, prepare: false });
    try {
      expect(await emailsOf(unprepared, clubs[1]!.id)).toEqual(clubs[1]!.emails);
      const texts = await preparedTexts(unprepared, clubs[1]!.id, (tx) => tx.select().from(users).where(ne(users.email, "x")));
      expect(texts.filter((s) => s.includes('"users"') || s.includes("app.tenant_id"))).toEqual([]);
    } finally {
      await unprepared.close();
    }
  });
});
