import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Deps } from "../deps.ts";
import { takeBackup, writeAtomically } from "./take.ts";

/** Scheduled backups are named by their time (UTC), so names sort oldest first. */
const SCHEDULED = /^clubhouse-\d{8}T\d{9}Z\.backup$/;

export function scheduledName(at: Date): string {
  return `clubhouse-${at.toISOString().replace(/[-:.]/g, "")}.backup`;
}

/** One scheduled backup into `dir`, then all but the newest `keep` scheduled backups there removed. */
export async function backupInto(deps: Deps, dir: string, keep: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, scheduledName(new Date()));
  writeAtomically(file, await takeBackup(deps.database, deps.config.DATABASE_URL));
  const old = readdirSync(dir)
    .filter((n) => SCHEDULED.test(n))
    .sort()
    .slice(0, -keep);
  for (const name of old) rmSync(join(dir, name), { force: true });
  return file;
}

/** BACKUP_DIR / BACKUP_EVERY / BACKUP_KEEP: a backup every period while the server runs. Returns a stop function. */
export function startBackupSchedule(deps: Deps): () => Promise<void> {
  const { BACKUP_DIR: dir, BACKUP_EVERY: every, BACKUP_KEEP: keep } = deps.config;
  if (!dir || !every) return async () => {};
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = backupInto(deps, resolve(dir), keep)
      .then((file) => deps.logger.info({ file }, "backup written"))
      .catch((err) => deps.logger.error({ err }, "scheduled backup failed"))
      .finally(() => {
        running = undefined;
      });
  }, every);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/**
 * `pnpm backup` against a running embedded server: the command leaves a request in the
 * data folder (`clubhouse.backup-request.<pid>`, naming the file to write) and sends
 * the server SIGUSR2; the server, the only process that may open the folder, writes the
 * backup (or `<file>.failed` with the reason). Whoever may write the data folder and
 * signal the server may ask; nothing listens on the network for it.
 */
export const REQUEST_PREFIX = "clubhouse.backup-request.";

export async function answerBackupRequests(deps: Deps): Promise<void> {
  const dir = deps.config.DATA_DIR;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(REQUEST_PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(dir, name);
    let file: string | undefined;
    try {
      file = (JSON.parse(readFileSync(path, "utf8")) as { file?: unknown }).file as string | undefined;
    } catch {}
    rmSync(path, { force: true });
    if (typeof file !== "string" || !file) continue;
    try {
      if (existsSync(file)) throw new Error(`${file} exists already`);
      writeAtomically(file, await takeBackup(deps.database));
      deps.logger.info({ file }, "backup written");
    } catch (err) {
      deps.logger.error({ err, file }, "backup failed");
      try {
        writeFileSync(`${file}.failed`, (err as Error).message);
      } catch {}
    }
  }
}
