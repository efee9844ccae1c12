import { auditEvents, rowsOf, sql, tenants, users, withoutTenant, withTenant } from "@clubhouse/db";
import { assertSafeRole, startServer, testConfig, UnsafeDatabaseRole } from "@clubhouse/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, signupClub, startTestServer, type TestDatabase, type TestServer } from "../support/harness.ts";

let t: TestServer;
let db: TestDatabase;
beforeAll(async () => {
  t = await startTestServer();
  db = t.db;
  await signupClub(t.url, "rls-a");
  await signupClub(t.url, "rls-b");
});
afterAll(() => t?.close());

/** Runs as the connecting (owner/superuser) role, outside the app's door: for catalog checks only. */
async function asOwner<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.database.db.execute(query));
}

async function unsecuredTables() {
  return asOwner<{ relname: string }>(sql`
    select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r','p')
      and not (c.relname = any (app_global_tables()))
      and (not c.relrowsecurity or not c.relforcerowsecurity
           or not exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = 'tenant_isolation'))`);
}

describe("row-level security", () => {
  it("is enabled and forced, with the tenant policy, on every club table", async () => {
    expect(await unsecuredTables()).toEqual([]);
    const tables = await asOwner<{ relname: string }>(sql`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' order by 1`);
    expect(tables.map((r) => r.relname)).toEqual(expect.arrayContaining(["tenants", "users", "sessions", "audit_events", "club_settings"]));
  });

  it("the catalog check catches a new table that forgot it, and the migrator secures it", async () => {
    await db.database.db.execute(sql`create table forgot_rls (tenant_id uuid not null, note text)`);
    expect((await unsecuredTables()).map((r) => r.relname)).toEqual(["forgot_rls"]);
    await db.database.db.execute(sql`select app_secure_tables()`);
    expect(await unsecuredTables()).toEqual([]);
    await db.database.db.execute(sql`create table no_tenant_column (note text)`);
    await expect(db.database.db.execute(sql`select app_secure_tables()`)).rejects.toThrow();
    await db.database.db.execute(sql`drop table no_tenant_column`);
    await db.database.db.execute(sql`drop table forgot_rls`);
  });

  it("securing an already secured database takes no table lock (a server starting beside running ones stops nobody), and repairs what was changed by hand", async () => {
    const strongLocks = await db.database.db.transaction(async (tx) => {
      await tx.execute(sql`select app_secure_tables()`);
      return rowsOf<{ relname: string }>(
        await tx.execute(sql`
          select c.relname from pg_locks l join pg_class c on c.oid = l.relation
          where l.pid = pg_backend_pid() and l.locktype = 'relation' and l.mode = 'AccessExclusiveLock'`),
      );
    });
    expect(strongLocks).toEqual([]);
    const state = () =>
      asOwner<{ forced: boolean; policies: number; canDelete: boolean }>(sql`
        select c.relforcerowsecurity as forced,
          (select count(*)::int from pg_policy p where p.polrelid = c.oid and p.polname = 'tenant_isolation') as policies,
          has_table_privilege('clubhouse_app', c.oid, 'DELETE') as "canDelete"
        from pg_class c where c.relname = 'customers' and c.relnamespace = 'public'::regnamespace`);
    expect(await state()).toEqual([{ forced: true, policies: 1, canDelete: true }]);
    await db.database.db.execute(sql`alter table customers no force row level security`);
    await db.database.db.execute(sql`revoke delete on customers from clubhouse_app`);
    await db.database.db.execute(sql`drop policy tenant_isolation on customers`);
    await db.database.db.execute(sql`create policy tenant_isolation on customers using (true)`);
    await db.database.db.execute(sql`select app_secure_tables()`);
    expect(await state()).toEqual([{ forced: true, policies: 1, canDelete: true }]);
    expect(await unsecuredTables()).toEqual([]);
    // the replaced policy is the tenant's again: a club sees only its own customers
    const [policy] = await asOwner<{ qual: string }>(sql`
      select pg_get_expr(p.polqual, p.polrelid) as qual from pg_policy p
      where p.polrelid = 'customers'::regclass and p.polname = 'tenant_isolation'`);
    expect(policy?.qual).toContain("current_setting('app.tenant_id'");
  });

  it("every policy reads its scope once per statement (a scalar subquery), not once per row a scan checks", async () => {
    const policies = await asOwner<{ table: string; name: string; qual: string; check: string | null }>(sql`
      select c.relname as table, p.polname as name, pg_get_expr(p.polqual, p.polrelid) as qual,
        pg_get_expr(p.polwithcheck, p.polrelid) as check
      from pg_policy p join pg_class c on c.oid = p.polrelid
      where c.relnamespace = 'public'::regnamespace order by 1, 2`);
    expect(policies.map((p) => p.name)).toEqual(expect.arrayContaining(["tenant_by_slug", "tenant_directory", "notify_directory"]));
    const perRow = policies.filter(
      (p) => !/\( SELECT [^)]*current_setting\(/.test(p.qual) || (p.check !== null && !/\( SELECT [^)]*current_setting\(/.test(p.check)),
    );
    expect(perRow).toEqual([]);
    // and the plan shows it: one evaluation (an InitPlan) for a scan of the club's settings
    const plan = await db.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'clubhouse_app', true), set_config('app.tenant_id', gen_random_uuid()::text, true)`);
      await tx.execute(sql`set local enable_indexscan = off`);
      await tx.execute(sql`set local enable_bitmapscan = off`);
      return rowsOf<{ "QUERY PLAN": string }>(await tx.execute(sql`explain select * from club_settings`));
    });
    const text = plan.map((r) => r["QUERY PLAN"]).join("\n");
    expect(text).toMatch(/InitPlan/);
    expect(text).toMatch(/Seq Scan on club_settings/);
  });

  it("a transaction with no club set sees no club rows at all", async () => {
    const owner = await asOwner<{ n: number }>(sql`select count(*)::int as n from users`);
    expect(owner[0]!.n).toBeGreaterThanOrEqual(2);
    const seen = await withoutTenant(db.database, async (tx) => ({
      users: (await tx.select().from(users)).length,
      tenants: (await tx.select().from(tenants)).length,
      audit: (await tx.select().from(auditEvents)).length,
    }));
    expect(seen).toEqual({ users: 0, tenants: 0, audit: 0 });
  });

  it("a club's transaction sees its own rows only and cannot write another's", async () => {
    const [a, b] = await asOwner<{ id: string }>(sql`select id from tenants where slug in ('rls-a','rls-b') order by slug`);
    const mine = await withTenant(db.database, a!.id, (tx) => tx.select().from(users));
    expect(mine.length).toBe(1);
    expect(mine.every((u) => u.tenantId === a!.id)).toBe(true);
    await expect(
      withTenant(db.database, a!.id, (tx) =>
        tx.insert(users).values({ tenantId: b!.id, email: "x@x", name: "x", role: "rep", passwordHash: "x" }),
      ),
    ).rejects.toThrow();
    const updated = await withTenant(db.database, a!.id, (tx) =>
      tx.update(users).set({ name: "hijacked" }).where(sql`tenant_id = ${b!.id}`).returning(),
    );
    expect(updated).toEqual([]);
  });

  it("the club is set before the first statement of a transaction runs, however that statement is built", async () => {
    // withTenant sends the scope in the same write as the first statement (PostgreSQL):
    // this holds only while the scope reaches the connection first.
    const [a, b] = await asOwner<{ id: string }>(sql`select id from tenants where slug in ('rls-a','rls-b') order by slug`);
    const firsts = [
      (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => tx.select({ t: users.tenantId }).from(users),
      (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) =>
        tx.execute(sql`select current_setting('app.tenant_id', true) as t, current_user as role`),
      (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) =>
        tx
          .update(users)
          .set({ name: sql`${users.name}` })
          .returning({ tenantId: users.tenantId }),
    ];
    const runs = Array.from({ length: 60 }, (_, i) => {
      const club = i % 2 ? a! : b!;
      return withTenant(db.database, club.id, async (tx) => {
        const rows = (rowsOf<Record<string, unknown>>((await firsts[i % firsts.length]!(tx)) as never) as Record<string, unknown>[]).map(
          (r) => r.t ?? r.tenantId,
        );
        return { club: club.id, rows };
      });
    });
    for (const r of await Promise.all(runs)) {
      expect(r.rows.length).toBeGreaterThan(0);
      expect(r.rows.every((t) => t === r.club)).toBe(true);
    }
  });

  it("audit events are append-only for the app role", async () => {
    const [a] = await asOwner<{ id: string }>(sql`select id from tenants where slug = 'rls-a'`);
    await expect(withTenant(db.database, a!.id, (tx) => tx.update(auditEvents).set({ action: "forged" }))).rejects.toThrow();
    await expect(withTenant(db.database, a!.id, (tx) => tx.delete(auditEvents))).rejects.toThrow();
  });
});

describe("the server refuses a role that bypasses RLS", () => {
  it("refuses a superuser", async () => {
    const d = await freshDatabase("postgres");
    try {
      await expect(assertSafeRole(d.database)).rejects.toBeInstanceOf(UnsafeDatabaseRole);
      await expect(startServer(testConfig({ PORT: 0, DB_APP_ROLE: "postgres" }), { database: d.database })).rejects.toThrow(/superuser/);
    } finally {
      await d.drop();
    }
  });

  it("refuses a BYPASSRLS role", async () => {
    const d = await freshDatabase("clubhouse_bypass");
    try {
      // Roles are cluster-wide on PostgreSQL; an in-memory PGlite is its own cluster.
      await d.database.db.execute(sql`
        do $$ begin
          if not exists (select from pg_roles where rolname = 'clubhouse_bypass') then
            create role clubhouse_bypass nologin nosuperuser bypassrls;
          end if;
        end $$`);
      await d.database.db.execute(sql`grant usage on schema public to clubhouse_bypass`);
      await expect(assertSafeRole(d.database)).rejects.toThrow(/BYPASSRLS/);
    } finally {
      await d.drop();
    }
  });

  it("accepts the app role", async () => {
    await expect(assertSafeRole(db.database)).resolves.toBeUndefined();
  });
});
