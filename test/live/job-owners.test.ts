import { REDIS_PREFIX } from "@clubhouse/server";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signupClub, TEST_DB } from "../support/harness.ts";
import { eventually, type ServerProcess, sleep } from "../support/live.ts";
import { type TwoProcesses, twoProcesses } from "../support/two-processes.ts";

// Two `pnpm start` processes on one Redis run the background jobs of different clubs:
// each club's on its owner (server/src/realtime/owners.ts, the process that recomputes
// its boards), instead of every process running every club's every pass. When one
// process dies, the other takes its clubs over. A private redis-server, as this test
// kills a process (other processes on a shared Redis would count it for seconds).
const METRICS_TOKEN = "job-owners-test-metrics-token-0123456789";
const CLUBS = 10;
let procs: TwoProcesses;
let a: ServerProcess;
let b: ServerProcess;
let redis: Redis;

beforeAll(async () => {
  if (TEST_DB !== "postgres") throw new Error("the live project runs on PostgreSQL (TEST_DB=postgres)");
  procs = await twoProcesses({ METRICS_TOKEN, SIGNUP_PER_HOUR: "100", JOB_INTERVAL_MS: "300" });
  ({ a, b, redis } = procs);
});
afterAll(async () => {
  await procs?.stop();
});

async function scrape(p: ServerProcess): Promise<string> {
  return (await fetch(`${p.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
}

/** The clubs of the process's last pass: run here, and left to their owner. */
async function lastPass(p: ServerProcess): Promise<{ here: number; elsewhere: number }> {
  const text = await scrape(p);
  const gauge = (where: string) => Number(new RegExp(`clubhouse_job_clubs\\{where="${where}"\\} (\\d+)`).exec(text)?.[1] ?? Number.NaN);
  return { here: gauge("here"), elsewhere: gauge("elsewhere") };
}

/** Runs of a job that never settles (it runs every pass for every club visited). */
async function runs(p: ServerProcess): Promise<number> {
  const text = await scrape(p);
  return Number(/clubhouse_job_runs_total\{job="quota-pace",result="ok"\} (\d+)/.exec(text)?.[1] ?? 0);
}

describe("background jobs: each club's on one process", () => {
  it("splits the clubs between the two processes, each club on exactly one", async () => {
    await Promise.all(Array.from({ length: CLUBS }, () => signupClub(a.url)));
    // Both registered, and each has read the other (they read the set every 2 s).
    await eventually(async () => expect(await redis.zcount(`${REDIS_PREFIX}board-owners`, Date.now(), "+inf")).toBe(2));
    await sleep(2_500);
    await eventually(async () => {
      const [pa, pb] = [await lastPass(a), await lastPass(b)];
      // every club run by exactly one of them: A leaves to B what B runs, and the other way round
      expect(pa.here + pa.elsewhere).toBe(CLUBS);
      expect(pb.here + pb.elsewhere).toBe(CLUBS);
      expect(pa.here + pb.here).toBe(CLUBS);
      expect(pa.here).toBeGreaterThan(0);
      expect(pb.here).toBeGreaterThan(0);
    }, 10_000);
    // and each keeps running its share, pass after pass
    const [ra, rb] = [await runs(a), await runs(b)];
    await eventually(async () => {
      expect(await runs(a)).toBeGreaterThan(ra);
      expect(await runs(b)).toBeGreaterThan(rb);
    }, 5_000);
  });

  it("a process killed without a word: the other takes its clubs over", async () => {
    b.child.kill("SIGKILL");
    await new Promise((r) => b.child.once("exit", r));
    // B's registration expires (6 s), A reads the set again (2 s) and owns every club
    await eventually(async () => expect(await lastPass(a)).toEqual({ here: CLUBS, elsewhere: 0 }), 15_000);
  });
});
