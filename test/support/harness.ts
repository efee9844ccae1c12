import { createDb, type Database } from "@clubhouse/db";
import { type Config, FixedClock, type RunningServer, startServer, testConfig } from "@clubhouse/server";
import postgres from "postgres";
import { isFieldCode } from "../../server/src/http/field-codes.ts";
import type { CoalesceTimers } from "../../server/src/realtime/coalesce.ts";
import { servedContract } from "./contract.ts";
import { pgliteTemplate, postgresTemplate } from "./templates.ts";

/** Which database the API tests run on: set per vitest project (pglite | postgres). */
export const TEST_DB = (process.env.TEST_DB ?? "pglite") as "pglite" | "postgres";
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
/** Set per vitest project: PostgreSQL test databases are served through PgBouncer (test/support/pgbouncer.ts). */
export const TEST_PG_POOLER = process.env.TEST_PG_POOLER === "1";

export interface TestDatabase {
  database: Database;
  /** A superuser connection URL to the same database (postgres only), for catalog checks. */
  url?: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database: PGlite in memory, or a new PostgreSQL database dropped afterwards. */
export async function freshDatabase(appRole?: string, kind: "pglite" | "postgres" = TEST_DB): Promise<TestDatabase> {
  // A copy of a migrated template (templates.ts); another app role is migrated from empty.
  if (kind === "pglite") {
    const loadDataDir = appRole === undefined ? new Blob([await pgliteTemplate()]) : undefined;
    const database = await createDb({ appRole, ...(loadDataDir ? { loadDataDir } : {}) });
    await database.migrate();
    return { database, drop: () => database.close() };
  }
  const name = `clubhouse_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const template = appRole === undefined ? await postgresTemplate(PG_ADMIN_URL) : undefined;
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ""}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  // TEST_PG_POOLER=1 (the pooler-api project): served through a private PgBouncer in
  // transaction mode as the README prescribes, DB_PREPARE=off, migrated directly.
  const bouncer = TEST_PG_POOLER ? await (await import("./pgbouncer.ts")).startPgBouncer({ defaultPoolSize: 2 }) : undefined;
  const database = bouncer
    ? await createDb({ databaseUrl: bouncer.url(name), migrateUrl: url, prepare: false, appRole, poolSize: 5 })
    : await createDb({ databaseUrl: url, appRole, poolSize: 5 });
  await database.migrate();
  return {
    database,
    url,
    async drop() {
      await database.close();
      await bouncer?.stop();
      const a = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export interface TestServer {
  url: string;
  server: RunningServer;
  db: TestDatabase;
  clock: FixedClock;
  close(): Promise<void>;
}

/** A real HTTP server on a free port over a fresh database, with a clock the test controls. */
export async function startTestServer(
  overrides: Partial<Config> = {},
  now = "2026-03-15T10:00:00+08:00",
  kind: "pglite" | "postgres" = TEST_DB,
  opts: { boardTimers?: CoalesceTimers } = {},
): Promise<TestServer> {
  const db = await freshDatabase(undefined, kind);
  const clock = new FixedClock(new Date(now));
  const server = await startServer(testConfig({ PORT: 0, HOST: "127.0.0.1", ...overrides }), {
    clock,
    database: db.database,
    ...opts,
  });
  return {
    url: server.url,
    server,
    db,
    clock,
    async close() {
      await server.close();
      await db.drop();
    },
  };
}

export interface Res<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

// biome-ignore lint/suspicious/noExplicitAny: test bodies are read loosely and asserted on
export type Json = any;

/** fetch with JSON in and out; `token` goes in as a Bearer header. */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<Res<Json>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let payload: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const fromRoot = `${path.startsWith("/api") || path.startsWith("/healthz") ? "" : "/api/v1"}${path}`;
  const res = await fetch(`${base}${fromRoot}`, {
    method,
    headers,
    body: payload,
  });
  const text = await res.text();
  let body: Json = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  const broken = (await servedContract()).check(method, fromRoot, res.status, res.headers.get("content-type"), body);
  if (broken) throw new Error(`The answer breaks the OpenAPI document: ${broken}\n${text.slice(0, 500)}`);
  return { status: res.status, body, headers: res.headers };
}

let seq = 0;
export async function signupClub(base: string, slug = `club-${Date.now().toString(36)}-${seq++}`) {
  const res = await call(base, "POST", "/signup", {
    body: {
      club: { name: `Club ${slug}`, slug },
      admin: { email: `admin@${slug}.test`, password: "correct horse battery", name: "Admin" },
    },
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { tenant: { id: string; slug: string; name: string }; user: { id: string; email: string }; token: string };
}

export async function addUser(base: string, token: string, role: "manager" | "rep", email: string, password = "rep password 1") {
  const res = await call(base, "POST", "/users", { token, body: { email, name: email.split("@")[0], role, password } });
  if (res.status !== 201) throw new Error(`add user failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; email: string; role: string };
}

export async function loginAs(base: string, club: string, email: string, password: string) {
  const res = await call(base, "POST", "/auth/login", { body: { club, email, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** Every error answer has this shape and never a stack trace. */
export function expectErrorShape(res: Res<Json>, status: number, code?: string) {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  const e = res.body?.error;
  if (!e || typeof e.code !== "string" || typeof e.message !== "string")
    throw new Error(`not the error shape: ${JSON.stringify(res.body)}`);
  if (code && e.code !== code) throw new Error(`expected code ${code}, got ${e.code}`);
  if (/\n\s+at\s/.test(JSON.stringify(res.body))) throw new Error("stack trace in the body");
  expectFieldCodes(e);
}

/** Each refused field carries a stable code the web app can word (SPEC §9): same paths as `fields`, known codes. */
export function expectFieldCodes(e: { fields?: Record<string, unknown>; fieldCodes?: Record<string, { code?: unknown }> }) {
  if (!e.fields) {
    if (e.fieldCodes) throw new Error(`fieldCodes without fields: ${JSON.stringify(e)}`);
    return;
  }
  const paths = Object.keys(e.fields).sort();
  const coded = Object.keys(e.fieldCodes ?? {}).sort();
  if (JSON.stringify(paths) !== JSON.stringify(coded)) throw new Error(`fieldCodes ${coded} do not match fields ${paths}`);
  for (const [path, c] of Object.entries(e.fieldCodes ?? {}))
    if (!isFieldCode(c?.code)) throw new Error(`field ${path} has no known code: ${JSON.stringify(c)}`);
}
