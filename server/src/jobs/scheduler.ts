import { listTenantIds } from "@clubhouse/db";
import type { Deps } from "../deps.ts";
import { allJobs } from "./registry.ts";

/** Runs every job for every club once; errors are logged per club and job, never thrown. */
export async function runJobsOnce(deps: Deps, only?: string[]) {
  const clubs = await listTenantIds(deps.database);
  for (const club of clubs) {
    for (const job of allJobs) {
      if (only && !only.includes(job.name)) continue;
      try {
        await job.run({ deps, tenantId: club.id, actor: { kind: "system" } }, club);
        deps.metrics?.job(job.name, true);
      } catch (err) {
        deps.metrics?.job(job.name, false);
        deps.logger.error({ err, job: job.name, tenantId: club.id }, "job failed");
      }
    }
  }
}

/** Every `everyMs` (and once shortly after start). Returns a stop function. */
export function startScheduler(deps: Deps, everyMs: number): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = runJobsOnce(deps)
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
