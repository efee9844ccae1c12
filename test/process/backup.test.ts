import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createDb, type Database, rowsOf, sql, type Tx } from "@clubhouse/db";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unwrap } from "../../server/src/backup/envelope.ts";
import { verifyContactCounters } from "../../server/src/contacts/service.ts";
import { verifyTotals } from "../../server/src/revenue/ledger.ts";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, type Json, loginAs, PG_ADMIN_URL } from "../support/harness.ts";
import { eventually, serverArgs } from "../support/live.ts";

const root = resolve(import.meta.dirname, "../..");
const work = mkdtempSync(join(tmpdir(), "clubhouse-backup-"));
const running: ChildProcess[] = [];
const databases: string[] = [];

const quiet = { DEMO_CLUB: "off", JOB_INTERVAL_MS: "0", SIGNUP_PER_HOUR: "0", DATABASE_URL: "", BACKUP_DIR: "", BACKUP_EVERY: "" };

/** The server process as `pnpm start` runs it, on its own data folder (or DATABASE_URL). */
function launch(env: Record<string, string>) {
  const child = spawn(process.execPath, serverArgs("main"), {
    cwd: root,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...quiet, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  const out = { text: "" };
  const ready = new Promise<string>((res, rej) => {
    child.stdout?.on("data", (d: Buffer) => {
      out.text += d.toString();
      const m = /"url":"([^"]+)"/.exec(out.text);
      if (m?.[1]) res(m[1]);
    });
    child.stderr?.on("data", (d: Buffer) => {
      out.text += d.toString();
    });
    child.on("exit", () => rej(new Error(`exited before listening:\n${out.text}`)));
  });
  ready.catch(() => {});
  const exited = new Promise<{ code: number | null; output: string }>((res) => child.on("exit", (code) => res({ code, output: out.text })));
  return { child, ready, exited, out };
}

async function stop(server: ReturnType<typeof launch>) {
  server.child.kill("SIGTERM");
  expect((await server.exited).code).toBe(0);
}

/** `pnpm backup` / `pnpm restore` as an operator runs them. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [...serverArgs("backup"), ...args], {
      cwd: root,
      env: { ...process.env, LOG_LEVEL: "silent", ...quiet, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("exit", (code) => res({ code, stdout, stderr }));
  });
}

/** Every table's rows (count and a hash of their text), in UTC: equal digests, equal data. */
async function digestOf(database: Database): Promise<Record<string, string>> {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`set local timezone = 'UTC'`);
    const tables = rowsOf<{ name: string }>(
      await tx.execute(sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`),
    );
    const out: Record<string, string> = {};
    for (const { name } of tables) {
      const [row] = rowsOf<{ n: number; h: string | null }>(
        await tx.execute(sql.raw(`select count(*)::int as n, md5(string_agg(t::text, '|' order by t::text)) as h from "${name}" t`)),
      );
      out[name] = `${row?.n} ${row?.h ?? ""}`;
    }
    return out;
  });
}

/** The product's own checks: totals agree with the ledger, contact counters with the contacts. */
async function ledgerVerifies(database: Database) {
  const totals = await database.db.transaction((tx) => verifyTotals(tx as unknown as Tx));
  const counters = await database.db.transaction((tx) => verifyContactCounters(tx as unknown as Tx));
  expect(totals).toEqual({ customers: [], reps: [] });
  expect(counters).toEqual([]);
}

async function onFolder<T>(dir: string, fn: (d: Database) => Promise<T>): Promise<T> {
  const database = await createDb({ dataDir: dir });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

async function freshPg(): Promise<string> {
  const name = `clubhouse_backup_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  databases.push(name);
  return PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
}

async function onPg<T>(url: string, fn: (d: Database) => Promise<T>): Promise<T> {
  const database = await createDb({ databaseUrl: url, poolSize: 1 });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

afterAll(async () => {
  for (const c of running) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
  const admin = postgres(PG_ADMIN_URL, { max: 1, onnotice: () => {} });
  for (const name of databases) await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
});

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const source = join(work, "source");
const idle = join(work, "idle.backup");
let before: Record<string, string>;
let clubs: Club[];
let settingsBefore: Json;

describe.runIf((process.env.TEST_DB ?? "pglite") === "pglite")("backups that restore", () => {
  beforeAll(async () => {
    const server = launch({ DATA_DIR: source });
    const url = await server.ready;
    clubs = [await makeClub(url, "bk-north"), await makeClub(url, "bk-south")];
    for (const [i, c] of clubs.entries()) {
      expect((await call(url, "PATCH", "/settings", { token: c.admin.token, body: { tierA: 20000 + i, tierB: 8000 + i } })).status).toBe(
        200,
      );
      for (let n = 0; n < 3; n++) {
        const cu = await newCustomer(url, c.rep1.token, { name: `Customer ${i}-${n}`, status: "active" });
        await addRevenue(url, c.manager.token, { customerId: cu.id, amount: 1000 + n, occurredAt: hourAgo() });
        const contact = await call(url, "POST", "/contacts", {
          token: c.rep1.token,
          headers: { "idempotency-key": crypto.randomUUID() },
          body: { customerId: cu.id, channel: "visit", occurredAt: hourAgo(), outcome: "interested", notes: "回访" },
        });
        expect(contact.status, JSON.stringify(contact.body)).toBe(201);
      }
    }
    settingsBefore = (await call(url, "GET", "/settings", { token: clubs[0]!.admin.token })).body;

    // Writes go on while the backup is taken: one revenue entry after another, amounts 1, 2, 3, …
    const target = await newCustomer(url, clubs[0]!.rep1.token, { name: "Busy Co", status: "active" });
    let stopWrites = false;
    let acknowledged = 0;
    const writes = (async () => {
      for (let n = 1; !stopWrites; n++) {
        await addRevenue(url, clubs[0]!.manager.token, { customerId: target.id, amount: n, occurredAt: hourAgo() });
        acknowledged = n;
      }
    })();
    await eventually(() => expect(acknowledged).toBeGreaterThanOrEqual(5), 20_000);
    const ackedBefore = acknowledged;
    const made = await cli(["backup", join(work, "under-load.backup")], { DATA_DIR: source });
    expect(made.stderr).toBe("");
    expect(made.code).toBe(0);
    const ackedAfter = acknowledged;
    // A few more after the backup is in hand: writes it must not hold.
    await eventually(() => expect(acknowledged).toBeGreaterThanOrEqual(ackedAfter + 3), 20_000);
    stopWrites = true;
    await writes;
    loadWindow = { ackedBefore, ackedAfter, written: acknowledged, customer: target.id };

    // And once more with nothing going on: the source as it then stays.
    expect((await cli(["backup", idle], { DATA_DIR: source })).code).toBe(0);
    await stop(server);
    before = await onFolder(source, digestOf);
  }, 240_000);

  let loadWindow: { ackedBefore: number; ackedAfter: number; written: number; customer: string };

  it("a backup taken while the server runs restores into a new folder with every row, total and setting equal, and the server starts on it", async () => {
    const restored = join(work, "restored");
    const res = await cli(["restore", idle], { DATA_DIR: restored });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(existsSync(join(restored, "clubhouse.lock"))).toBe(false);
    const after = await onFolder(restored, async (d) => {
      await ledgerVerifies(d);
      return digestOf(d);
    });
    expect(Object.keys(after).length).toBeGreaterThan(20);
    expect(after).toEqual(before);

    const server = launch({ DATA_DIR: restored });
    const url = await server.ready;
    const c = clubs[0]!;
    const admin = await loginAs(url, c.slug, `admin@${c.slug}.test`, "correct horse battery");
    expect((await call(url, "GET", "/settings", { token: admin })).body).toEqual(settingsBefore);
    const rep = await loginAs(url, c.slug, `rep1@${c.slug}.test`, "rep one pass 1");
    expect((await call(url, "GET", "/me", { token: rep })).status).toBe(200);
    await stop(server);
  }, 120_000);

  it("a backup under write load holds every write acknowledged before it began, none half done, and a gapless prefix of the rest", async () => {
    const restored = join(work, "restored-under-load");
    expect((await cli(["restore", join(work, "under-load.backup")], { DATA_DIR: restored })).code).toBe(0);
    const { amounts, digest } = await onFolder(restored, async (d) => {
      await ledgerVerifies(d);
      const rows = rowsOf<{ amount_fen: string | number }>(
        await d.db.execute(sql`select amount_fen from revenue_entries where customer_id = ${loadWindow.customer} order by amount_fen`),
      );
      return { amounts: rows.map((r) => Number(r.amount_fen) / 100), digest: await digestOf(d) };
    });
    const k = amounts.length;
    expect(amounts).toEqual(Array.from({ length: k }, (_, i) => i + 1));
    expect(k).toBeGreaterThanOrEqual(loadWindow.ackedBefore);
    // Taken before the command returned: at most the one write then in flight is in it beyond those acknowledged.
    expect(k).toBeLessThanOrEqual(loadWindow.ackedAfter + 1);
    expect(k).toBeLessThan(loadWindow.written);
    // Tables the load does not write are as the source has them.
    for (const table of ["tenants", "users", "club_settings", "contacts"]) {
      if (before[table] !== undefined) expect(digest[table]).toBe(before[table]);
    }
  }, 120_000);

  it("refuses what is not a backup, is cut short, or comes from a newer version, before touching the target", async () => {
    const good = readFileSync(idle);
    const cases: [string, Buffer, RegExp][] = [
      ["random.bin", Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)), /not a Clubhouse backup/],
      ["notes.txt", Buffer.from("CLUBHOUSE\nhello"), /not a Clubhouse backup/],
      ["cut.backup", good.subarray(0, Math.floor(good.byteLength / 2)), /cut short/],
      ["flipped.backup", Buffer.concat([good.subarray(0, good.byteLength - 10), Buffer.from("0123456789")]), /checksum/],
    ];
    const { header, payload } = unwrap(good);
    const rewrap = (h: object) => Buffer.concat([Buffer.from("CLUBHOUSE BACKUP\n"), Buffer.from(`${JSON.stringify(h)}\n`), payload]);
    cases.push(["newer-schema.backup", rewrap({ ...header, migrations: header.migrations + 1, schema: "9999_future" }), /newer version/]);
    cases.push(["newer-format.backup", rewrap({ ...header, formatVersion: 99 }), /newer version/]);
    for (const [name, bytes, message] of cases) {
      const file = join(work, name);
      writeFileSync(file, bytes);
      const target = join(work, `target-${name}`);
      const res = await cli(["restore", file], { DATA_DIR: target });
      expect(res.code, name).not.toBe(0);
      expect(res.stderr, name).toMatch(message);
      expect(res.stderr, name).toMatch(/nothing was changed/);
      expect(existsSync(target), name).toBe(false);
      expect(
        readdirSync(work).filter((n) => n.startsWith(`target-${name}`)),
        name,
      ).toEqual([]);
    }
    // A PostgreSQL target is not touched either.
    const url = await freshPg();
    const res = await cli(["restore", join(work, "cut.backup")], { DATABASE_URL: url });
    expect(res.stderr).toMatch(/cut short/);
    await onPg(url, async (d) =>
      expect(rowsOf(await d.db.execute(sql`select 1 from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`))).toEqual(
        [],
      ),
    );
  }, 120_000);

  it("never restores over a non-empty folder unless told to, and then keeps the old one aside", async () => {
    const target = join(work, "restored");
    const listing = readdirSync(target).sort();
    const was = await onFolder(target, digestOf); // the server started on it in an earlier test
    const refused = await cli(["restore", join(work, "under-load.backup")], { DATA_DIR: target });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/is not empty.*--force/);
    expect(readdirSync(target).sort()).toEqual(listing);
    expect(await onFolder(target, digestOf)).toEqual(was);

    // Not even with --force while a server runs on it.
    const server = launch({ DATA_DIR: target });
    await server.ready;
    const busy = await cli(["restore", join(work, "under-load.backup"), "--force"], { DATA_DIR: target });
    expect(busy.stderr).toMatch(/in use by a running server/);
    await stop(server);

    const forced = await cli(["restore", join(work, "under-load.backup"), "--force"], { DATA_DIR: target });
    expect(forced.stderr).toBe("");
    expect(forced.code).toBe(0);
    const aside = /kept at (\S+)/.exec(forced.stdout)?.[1];
    expect(aside).toBeDefined();
    expect(await onFolder(aside!, digestOf)).toEqual(was);
    expect(await onFolder(target, digestOf)).not.toEqual(was);
  }, 120_000);

  it("moves an embedded backup up onto an empty PostgreSQL database, where the server starts and every row is equal", async () => {
    const url = await freshPg();
    const res = await cli(["restore", idle], { DATABASE_URL: url });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const after = await onPg(url, async (d) => {
      await ledgerVerifies(d);
      return digestOf(d);
    });
    expect(after).toEqual(before);

    const server = launch({ DATABASE_URL: url });
    const api = await server.ready;
    const c = clubs[1]!;
    const admin = await loginAs(api, c.slug, `admin@${c.slug}.test`, "correct horse battery");
    expect((await call(api, "GET", "/settings", { token: admin })).body.tierA).toBe(20001);
    // Row-level security holds on the copy: the club sees its own customers only.
    const mine = (await call(api, "GET", "/customers?limit=100", { token: admin })).body.items as Json[];
    expect(mine.map((x) => x.name).sort()).toEqual(["Customer 1-0", "Customer 1-1", "Customer 1-2"]);
    await stop(server);

    // Not over it again: it is no longer empty.
    const was = await onPg(url, digestOf);
    const again = await cli(["restore", idle], { DATABASE_URL: url });
    expect(again.stderr).toMatch(/not empty/);
    expect(await onPg(url, digestOf)).toEqual(was);

    // PostgreSQL's own: pg_dump's custom format, restored into another empty database.
    const dumped = join(work, "postgres.backup");
    const made = await cli(["backup", dumped], { DATABASE_URL: url });
    expect(made.stderr).toBe("");
    expect(unwrap(readFileSync(dumped)).header.database).toBe("postgres");
    const second = await freshPg();
    const restored = await cli(["restore", dumped], { DATABASE_URL: second });
    expect(restored.stderr).toBe("");
    expect(restored.code).toBe(0);
    expect(await onPg(second, digestOf)).toEqual(was);
    const server2 = launch({ DATABASE_URL: second });
    const api2 = await server2.ready;
    expect(
      (await call(api2, "POST", "/auth/login", { body: { club: c.slug, email: `rep1@${c.slug}.test`, password: "rep one pass 1" } }))
        .status,
    ).toBe(200);
    await stop(server2);

    // A PostgreSQL backup does not go into a data folder.
    const wrongPlace = join(work, "pg-into-folder");
    const refused = await cli(["restore", dumped], { DATA_DIR: wrongPlace });
    expect(refused.stderr).toMatch(/PostgreSQL backup: set DATABASE_URL/);
    expect(existsSync(wrongPlace)).toBe(false);
  }, 180_000);

  it("writes scheduled backups and keeps only the newest BACKUP_KEEP", async () => {
    const dir = join(work, "scheduled");
    const server = launch({ DATA_DIR: join(work, "scheduled-data"), BACKUP_DIR: dir, BACKUP_EVERY: "1s", BACKUP_KEEP: "2" });
    await server.ready;
    await eventually(() => expect(server.out.text.match(/"msg":"backup written"/g)?.length ?? 0).toBeGreaterThanOrEqual(4), 60_000, 200);
    await stop(server);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    for (const f of files) {
      expect(f).toMatch(/^clubhouse-\d{8}T\d{9}Z\.backup$/);
      expect(unwrap(readFileSync(join(dir, f))).header.database).toBe("pglite");
    }
    const written = [...server.out.text.matchAll(/"file":"([^"]+)","msg":"backup written"/g)].map((m) => m[1]!.split("/").pop());
    expect(files).toEqual(written.slice(-2));
  }, 120_000);

  it("stops the server with a clear message on bad backup settings", async () => {
    for (const [env, message] of [
      [{ BACKUP_DIR: join(work, "x"), BACKUP_EVERY: "soon" }, /BACKUP_EVERY: "soon" is not a period/],
      [{ BACKUP_EVERY: "6h" }, /BACKUP_EVERY: needs BACKUP_DIR/],
      [{ BACKUP_DIR: join(work, "x"), BACKUP_EVERY: "6h", BACKUP_KEEP: "0" }, /BACKUP_KEEP/],
    ] as const) {
      const server = launch({ DATA_DIR: join(work, "never"), ...env });
      const { code, output } = await server.exited;
      expect(code).not.toBe(0);
      expect(output).toMatch(message);
    }
    expect(existsSync(join(work, "never"))).toBe(false);
  }, 60_000);
});
