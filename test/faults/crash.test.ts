import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { rowsOf, sql, type Tx } from "@clubhouse/db";
import { afterAll, describe, expect, it } from "vitest";
import { verifyContactCounters } from "../../server/src/contacts/service.ts";
import { verifyTotals } from "../../server/src/revenue/ledger.ts";
import { call, freshDatabase, type TestDatabase } from "../support/harness.ts";
import { freePort, type ServerProcess, sleep, spawnServer } from "../support/live.ts";

/**
 * Crash safety: a stream of contact and revenue writes, each with its own
 * Idempotency-Key, retried with the same key until acknowledged, while the server
 * is killed (SIGKILL) and restarted again and again. Afterwards every write is
 * stored exactly once and every maintained total agrees with the ledger.
 */
const CYCLES = Number(process.env.CRASH_CYCLES ?? 40);
const WRITES_PER_CYCLE = 6;
const CONCURRENCY = 6;

interface Write {
  key: string;
  path: "/contacts" | "/revenue";
  body: Record<string, unknown>;
}

async function setupClub(url: string, slug: string) {
  const s = await call(url, "POST", "/signup", {
    body: { club: { name: `Crash ${slug}`, slug }, admin: { email: `admin@${slug}.test`, password: "correct horse battery", name: "A" } },
  });
  const admin = s.body.token as string;
  const rep = await call(url, "POST", "/users", {
    token: admin,
    body: { email: `rep@${slug}.test`, name: "Rep", role: "rep", password: "rep password 1" },
  });
  const login = await call(url, "POST", "/auth/login", { body: { club: slug, email: `rep@${slug}.test`, password: "rep password 1" } });
  const token = login.body.token as string;
  const customers: string[] = [];
  // The rep's customers, made as the rules allow (only a manager or a card sale makes one active).
  for (const status of ["active", "prospect"]) {
    const cu = await call(url, "POST", "/customers", {
      token: admin,
      body: { name: `Crash ${status}`, kind: "group", status, ownerId: rep.body.id },
    });
    if (cu.status !== 201) throw new Error(`customer: ${cu.status} ${JSON.stringify(cu.body)}`);
    customers.push(cu.body.id);
  }
  return { token, repId: rep.body.id as string, customers };
}

function makeWrites(n: number, customers: string[], prefix: string): Write[] {
  return Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? {
          key: `${prefix}-c-${i}`,
          path: "/contacts",
          body: { customerId: customers[i % customers.length], channel: i % 4 === 0 ? "visit" : "phone" },
        }
      : {
          key: `${prefix}-r-${i}`,
          path: "/revenue",
          body: { customerId: customers[0], amount: (i % 97) + 0.5, businessLine: "spa", occurredAt: "2026-03-10T10:00:00+08:00" },
        },
  );
}

/**
 * Sends writes until each is acknowledged (2xx); network errors and 5xx are retried with the same key.
 * Takes at least `min` writes (all by default), and more while `more()` holds; returns how many it took.
 */
async function sendAll(
  base: () => string,
  token: string,
  writes: Write[],
  acknowledged: Map<string, string>,
  stopAt: number,
  min = writes.length,
  more: () => boolean = () => false,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < writes.length && (next < min || more()) && Date.now() < stopAt) {
      const w = writes[next++]!;
      for (;;) {
        if (Date.now() > stopAt) throw new Error(`write ${w.key} not acknowledged in time`);
        try {
          const res = await fetch(`${base()}/api/v1${w.path}`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": w.key },
            body: JSON.stringify(w.body),
            signal: AbortSignal.timeout(5_000),
          });
          const text = await res.text();
          if (res.status === 201) {
            const id = JSON.parse(text).id as string;
            const prior = acknowledged.get(w.key);
            if (prior && prior !== id) throw new Error(`key ${w.key} answered two different ids`);
            acknowledged.set(w.key, id);
            break;
          }
          if (res.status < 500) throw new Error(`write ${w.key} refused: ${res.status} ${text}`);
        } catch (err) {
          if ((err as Error).message.startsWith("write ") || (err as Error).message.startsWith("key ")) throw err;
        }
        await sleep(20);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return next;
}

async function checkStoredOnce(db: TestDatabase, acknowledged: Map<string, string>, writes: Write[]) {
  const contactIds = writes.filter((w) => w.path === "/contacts").map((w) => acknowledged.get(w.key));
  const revenueIds = writes.filter((w) => w.path === "/revenue").map((w) => acknowledged.get(w.key));
  expect(contactIds.every(Boolean)).toBe(true);
  expect(revenueIds.every(Boolean)).toBe(true);
  const counts = rowsOf<{ contacts: number; revenue: number }>(
    await db.database.db.execute(
      sql`select (select count(*)::int from contacts) as contacts, (select count(*)::int from revenue_entries) as revenue`,
    ),
  )[0]!;
  // exactly one row per acknowledged write: none lost, none doubled
  expect(counts).toEqual({ contacts: contactIds.length, revenue: revenueIds.length });
  expect(new Set(contactIds).size).toBe(contactIds.length);
  expect(new Set(revenueIds).size).toBe(revenueIds.length);
  expect(await db.database.db.transaction((tx) => verifyTotals(tx as unknown as Tx))).toEqual({ customers: [], reps: [] });
  expect(await db.database.db.transaction((tx) => verifyContactCounters(tx as unknown as Tx))).toEqual([]);
}

describe("crash safety", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it(`survives ${CYCLES} SIGKILLs of the server mid-stream: every acknowledged write stored exactly once`, async () => {
    const db = await freshDatabase(undefined, "postgres");
    cleanups.push(() => db.drop());
    const port = await freePort();
    const env = { DATABASE_URL: db.url!, PORT: String(port), JOB_INTERVAL_MS: "0" };
    let server: ServerProcess = await spawnServer(env);
    cleanups.push(async () => void (await server.stop()));
    const base = () => `http://127.0.0.1:${port}`;
    const club = await setupClub(base(), "crash-pg");
    // The stream runs until the last kill: at least CYCLES × WRITES_PER_CYCLE writes, more while
    // the killer is still at work (a fast machine would otherwise finish the writes first and the
    // killer would stop short of its cycles). The pool is only a bound.
    const pool = makeWrites(CYCLES * WRITES_PER_CYCLE * 20, club.customers, "k");
    const acknowledged = new Map<string, string>();
    const stopAt = Date.now() + 15 * 60_000;
    let kills = 0;
    let sending = true;
    const killer = (async () => {
      while (kills < CYCLES && sending) {
        await sleep(30 + Math.floor(Math.random() * 120));
        server.child.kill("SIGKILL");
        await new Promise((r) => server.child.once("exit", r));
        kills++;
        server = await spawnServer(env);
      }
    })();
    const taken = await sendAll(base, club.token, pool, acknowledged, stopAt, CYCLES * WRITES_PER_CYCLE, () => kills < CYCLES);
    sending = false;
    await killer;
    const writes = pool.slice(0, taken);
    await checkStoredOnce(db, acknowledged, writes);
    console.log(`crash: ${kills} SIGKILL cycles, ${writes.length} writes, ${acknowledged.size} acknowledged, 0 lost, 0 doubled`);
    expect(kills).toBe(CYCLES);
  }, 900_000);

  it("survives a PostgreSQL crash-restart mid-load: requests may fail with 503, nothing is lost or doubled", async () => {
    // A private cluster, so restarting it cannot disturb any other test.
    const version = execFileSync("bash", ["-c", "ls /etc/postgresql | head -n1"]).toString().trim();
    const dir = mkdtempSync(join(tmpdir(), "clubhouse-pg-"));
    execFileSync("chown", ["postgres:postgres", dir]);
    const pgPort = await freePort();
    const name = `faults${pgPort}`;
    execFileSync("pg_createcluster", [version, name, "-d", join(dir, "data"), "-p", String(pgPort), "--start", "--", "--auth=trust"], {
      stdio: "ignore",
    });
    cleanups.push(() => {
      execFileSync("pg_dropcluster", [version, name, "--stop"], { stdio: "ignore" });
      rmSync(dir, { recursive: true, force: true });
    });
    const url = `postgres://postgres@127.0.0.1:${pgPort}/postgres`;
    const db = await freshDatabase(undefined, "postgres");
    await db.drop(); // only the shape of the URL is borrowed below
    const port = await freePort();
    const server = await spawnServer({ DATABASE_URL: url, PORT: String(port), JOB_INTERVAL_MS: "0" });
    cleanups.push(async () => void (await server.stop()));
    const base = () => `http://127.0.0.1:${port}`;
    const club = await setupClub(base(), "crash-db");
    const writes = makeWrites(120, club.customers, "db");
    const acknowledged = new Map<string, string>();
    let fiveHundreds = 0;
    const restarts = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(300);
        execFileSync("pg_ctlcluster", [version, name, "restart", "-m", "immediate"], { stdio: "ignore" });
        const probe = await fetch(`${base()}/healthz`).catch(() => undefined);
        if (probe && probe.status >= 500) fiveHundreds++;
      }
    })();
    await sendAll(base, club.token, writes, acknowledged, Date.now() + 5 * 60_000);
    await restarts;
    const { createDb } = await import("@clubhouse/db");
    const check = await createDb({ databaseUrl: url, poolSize: 2 });
    try {
      await checkStoredOnce({ database: check, drop: async () => {} }, acknowledged, writes);
    } finally {
      await check.close();
    }
    expect(server.child.exitCode).toBeNull(); // the server rode out the restarts
    console.log(`pg restart: 3 immediate restarts, ${writes.length} writes acknowledged once each, healthz 5xx seen ${fiveHundreds} times`);
  }, 600_000);

  it("PGlite: SIGTERM mid-write leaves a usable database with every acknowledged write", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "clubhouse-pglite-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const env = { DATA_DIR: dataDir, DATABASE_URL: "", PORT: String(port), JOB_INTERVAL_MS: "0" };
    let server = await spawnServer(env);
    const base = () => `http://127.0.0.1:${port}`;
    const club = await setupClub(base(), "crash-lite");
    const writes = makeWrites(60, club.customers, "lite");
    const acknowledged = new Map<string, string>();
    const stopAt = Date.now() + 5 * 60_000;
    const terms = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(400);
        const code = await server.stop();
        expect(code).toBe(0);
        server = await spawnServer(env);
      }
    })();
    await sendAll(base, club.token, writes, acknowledged, stopAt);
    await terms;
    const count = await call(base(), "GET", "/contacts?limit=200", { token: club.token });
    expect(count.body.items.length).toBe(writes.filter((w) => w.path === "/contacts").length);
    const money = await call(base(), "GET", "/revenue?limit=200", { token: club.token });
    expect(money.body.items.length).toBe(writes.filter((w) => w.path === "/revenue").length);
    expect(await server.stop()).toBe(0);
  }, 600_000);
});
