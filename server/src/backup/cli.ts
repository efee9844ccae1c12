// `pnpm backup [FILE]` and `pnpm restore FILE [--force]` (docs/backup.md). Settings come
// from the same environment as the server's (DATA_DIR, DATABASE_URL, DB_APP_ROLE).
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createDb, DataDirLocked } from "@clubhouse/db";
import { loadConfig } from "../config.ts";
import { BadBackup } from "./envelope.ts";
import { RestoreRefused, restore } from "./restore.ts";
import { REQUEST_PREFIX, scheduledName } from "./schedule.ts";
import { takeBackup, writeAtomically } from "./take.ts";

/** Paths the operator typed are relative to where they typed them (pnpm runs scripts in server/). */
const typedIn = process.env.INIT_CWD ?? process.cwd();

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

function runningServer(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, "clubhouse.lock"), "utf8"));
    if (!pid) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Asks the server running on the data folder to write the backup (see answerBackupRequests). */
async function askServer(pid: number, dataDir: string, file: string, timeoutMs = 600_000) {
  const request = join(dataDir, `${REQUEST_PREFIX}${process.pid}`);
  writeFileSync(request, JSON.stringify({ file }));
  const failed = `${file}.failed`;
  const until = Date.now() + timeoutMs;
  let nextSignal = 0;
  try {
    for (;;) {
      if (existsSync(file)) return;
      if (existsSync(failed)) {
        const reason = readFileSync(failed, "utf8");
        rmSync(failed, { force: true });
        throw new Error(`the server could not write the backup: ${reason}`);
      }
      if (Date.now() > until) throw new Error(`the server (process ${pid}) did not write the backup in time`);
      if (runningServer(dataDir) !== pid) throw new Error(`the server (process ${pid}) stopped before it wrote the backup`);
      // Again every few seconds while the request is still there (a server still starting ignores it).
      if (Date.now() >= nextSignal && existsSync(request)) {
        process.kill(pid, "SIGUSR2");
        nextSignal = Date.now() + 3_000;
      }
      await sleep(100);
    }
  } finally {
    rmSync(request, { force: true });
  }
}

async function backup(args: string[]) {
  const config = loadConfig();
  const file = resolve(typedIn, args[0] ?? scheduledName(new Date()));
  if (existsSync(file)) fail(`${file} exists already: choose another name`);
  if (config.DATABASE_URL) {
    const database = await createDb({ databaseUrl: config.DATABASE_URL, poolSize: 1 });
    try {
      writeAtomically(file, await takeBackup(database, config.DATABASE_URL));
    } finally {
      await database.close();
    }
  } else {
    const dataDir = resolve(config.DATA_DIR);
    if (!existsSync(join(dataDir, "PG_VERSION"))) fail(`${dataDir} holds no database: nothing to back up (is DATA_DIR right?)`);
    const pid = runningServer(dataDir);
    if (pid) {
      await askServer(pid, dataDir, file);
    } else {
      let database: Awaited<ReturnType<typeof createDb>>;
      try {
        database = await createDb({ dataDir });
      } catch (err) {
        // A server started meanwhile: ask it instead.
        if (err instanceof DataDirLocked) {
          const again = runningServer(dataDir);
          if (again) {
            await askServer(again, dataDir, file);
            console.log(`backup written: ${file}`);
            return;
          }
        }
        throw err;
      }
      try {
        writeAtomically(file, await takeBackup(database));
      } finally {
        await database.close();
      }
    }
  }
  console.log(`backup written: ${file}`);
}

async function restoreCommand(args: string[]) {
  const force = args.includes("--force");
  const rest = args.filter((a) => a !== "--force");
  if (rest.length !== 1) fail("usage: pnpm restore FILE [--force]");
  const config = loadConfig();
  const result = await restore(resolve(typedIn, rest[0]!), config, { force });
  console.log(
    `restored ${result.header.database} backup of ${result.header.createdAt} (schema ${result.header.schema}) into ${result.target}`,
  );
  if (result.movedAside) console.log(`the folder that was there is kept at ${result.movedAside}`);
  if (result.rows)
    console.log(`rows copied: ${Object.values(result.rows).reduce((a, b) => a + b, 0)} in ${Object.keys(result.rows).length} tables`);
}

const [command, ...args] = process.argv.slice(2);
try {
  if (command === "backup") await backup(args);
  else if (command === "restore") await restoreCommand(args);
  else fail("usage: backup [FILE] | restore FILE [--force]");
} catch (err) {
  if (err instanceof BadBackup) fail(`refused: ${err.message}; nothing was changed`);
  if (err instanceof RestoreRefused) fail(`refused: ${err.message}`);
  fail(err instanceof Error ? err.message : String(err));
}
