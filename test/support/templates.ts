// Migrated empty databases to copy, so that a test file's fresh database costs a copy
// instead of an initdb and every migration (PGlite: about 5 s of CPU → 2 s; PostgreSQL:
// the migrations' second). Each template is named by a hash of the migrations (and, for
// PGlite, its version): a changed migration makes a new template, never a stale copy.
// The first test that needs one makes it, under a lock, once for every process of the run
// and the runs after it; the tests still migrate their copy (a no-op on a current one).
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createDb, MIGRATIONS_DIR } from "@clubhouse/db";
import postgres from "postgres";

const root = resolve(import.meta.dirname, "../..");
const cacheDir = resolve(root, "node_modules/.cache/clubhouse-test");

function migrationsHash(extra: string): string {
  const h = createHash("sha256").update(extra);
  for (const dir of [MIGRATIONS_DIR, join(MIGRATIONS_DIR, "meta")]) {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isFile()) h.update(name).update(readFileSync(path));
    }
  }
  return h.digest("hex").slice(0, 16);
}

function pgliteVersion(): string {
  const pkg = resolve(root, "db/node_modules/@electric-sql/pglite/package.json");
  return (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let pgliteMade: Promise<Uint8Array<ArrayBuffer>> | undefined;

/** A migrated PGlite data folder (a tarball for `loadDataDir`), made once and kept on disk. */
export function pgliteTemplate(): Promise<Uint8Array<ArrayBuffer>> {
  pgliteMade ??= (async () => {
    const file = join(cacheDir, `pglite-${migrationsHash(`pglite ${pgliteVersion()}`)}.tar.gz`);
    const lock = `${file}.lock`;
    mkdirSync(cacheDir, { recursive: true });
    for (;;) {
      try {
        return new Uint8Array(readFileSync(file)) as Uint8Array<ArrayBuffer>;
      } catch {}
      try {
        mkdirSync(lock); // atomic: one process makes it, the others wait for the file
      } catch {
        // a lock left by a process that died while making it: taken over after a minute
        // (gone already: its maker just finished, and the next turn reads the file)
        const held = statSync(lock, { throwIfNoEntry: false });
        if (held && Date.now() - held.mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
        await sleep(200);
        continue;
      }
      try {
        const database = await createDb({});
        await database.migrate();
        const tarball = await database.dumpDataDir!();
        await database.close();
        writeFileSync(`${file}.${process.pid}`, tarball);
        renameSync(`${file}.${process.pid}`, file);
        return new Uint8Array(tarball) as Uint8Array<ArrayBuffer>;
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
    }
  })();
  pgliteMade.catch(() => {
    pgliteMade = undefined;
  });
  return pgliteMade;
}

let pgTemplate: Promise<string> | undefined;

/**
 * The name of a migrated PostgreSQL database to `create database … template` from, on the
 * server of `adminUrl`. Made under an advisory lock by the first process that needs it.
 * Templates of other migrations are left alone: another checkout's tests may be using one.
 */
export function postgresTemplate(adminUrl: string): Promise<string> {
  pgTemplate ??= (async () => {
    const name = `clubhouse_tpl_${migrationsHash("postgres")}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin`select pg_advisory_lock(hashtext('clubhouse test template'))`;
      const [found] = await admin`select 1 from pg_database where datname = ${name}`;
      if (!found) {
        // one left half made by a process that died while making it
        await admin.unsafe(`drop database if exists ${name}_new with (force)`);
        await admin.unsafe(`create database ${name}_new`);
        const url = adminUrl.replace(/\/[^/]*$/, `/${name}_new`);
        const database = await createDb({ databaseUrl: url, poolSize: 1 });
        try {
          await database.migrate();
        } finally {
          await database.close();
        }
        // Named only once migrated: a process that died half way leaves no template behind.
        await admin.unsafe(`alter database ${name}_new rename to ${name}`);
      }
      return name;
    } finally {
      await admin`select pg_advisory_unlock(hashtext('clubhouse test template'))`.catch(() => {});
      await admin.end();
    }
  })();
  pgTemplate.catch(() => {
    pgTemplate = undefined;
  });
  return pgTemplate;
}
