import { listTenantIds } from "@clubhouse/db";
import type { Deps } from "../deps.ts";
import { SETTLED } from "../writes/job-run.ts";
import { allJobs } from "./registry.ts";

/**
 * What a process remembers between ticks: per job and club, the period the job
 * answered SETTLED for (ClubJob.period). Until the period changes the job is skipped
 * for that club — a month's close, a quarter's alarms, a year's awards are looked for
 * once after they are done, not every minute of the month. A new process starts empty
 * and looks once for each.
 */
export type JobMemo = Map<string, string>;

/** Jobs run, jobs skipped as settled for their period, and clubs left to their owner process, in one pass. */
export interface JobPass {
  /** clubs visited, and job runs */
  clubs: number;
  ran: number;
  skipped: number;
  elsewhere: number;
}

/**
 * Whether this process runs a club's jobs: with Redis, only the club's owner does
 * (realtime/owners.ts, the process that recomputes its boards), so N processes share
 * the clubs instead of each doing them all. The jobs are idempotent, so the overlap of
 * a hand-over (both processes, for a pass) does nothing twice that shows.
 */
export type OwnsClub = (tenantId: string) => boolean;

/**
 * Runs every job for every club once; errors are logged per club and job, never thrown.
 * With `memo`, a periodic job settled for its current period is skipped (see JobMemo);
 * with `owns`, only the clubs this process owns are visited.
 */
export async function runJobsOnce(deps: Deps, only?: string[], memo?: JobMemo, owns?: OwnsClub): Promise<JobPass> {
  const clubs = await listTenantIds(deps.database);
  const pass: JobPass = { clubs: 0, ran: 0, skipped: 0, elsewhere: 0 };
  for (const club of clubs) {
    if (owns && !owns(club.id)) {
      pass.elsewhere++;
      continue;
    }
    pass.clubs++;
    for (const job of allJobs) {
      if (only && !only.includes(job.name)) continue;
      const key = `${job.name}\n${club.id}`;
      const period = memo && job.period ? job.period(deps.clock.now(), club) : undefined;
      if (period !== undefined && memo?.get(key) === period) {
        pass.skipped++;
        continue;
      }
      pass.ran++;
      try {
        const outcome = await job.run({ deps, tenantId: club.id, actor: { kind: "system" } }, club);
        if (period !== undefined && outcome === SETTLED) memo?.set(key, period);
        deps.metrics?.job(job.name, true);
      } catch (err) {
        deps.metrics?.job(job.name, false);
        deps.logger.error({ err, job: job.name, tenantId: club.id }, "job failed");
      }
    }
  }
  deps.metrics?.jobPass(pass.clubs, pass.elsewhere);
  return pass;
}

/** Every `everyMs` (and once shortly after start), the clubs `owns` names. Returns a stop function. */
export function startScheduler(deps: Deps, everyMs: number, owns?: OwnsClub): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;
  const memo: JobMemo = new Map();
  const tick = () => {
    if (stopped || running) return;
    running = runJobsOnce(deps, undefined, memo, owns)
      .then(() => undefined)
      .catch((err) => deps.logger.error({ err }, "scheduler tick failed"))
      .finally(() => {
        running = undefined;
      });
  };
  const first = setTimeout(tick, Math.min(5_000, everyMs));
  const timer = setInterval(tick, everyMs);
  first.unref();
  timer.unref();
  return async () => {
    stopped = true;
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
