import { withTenant } from "@clubhouse/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allJobs } from "../../server/src/jobs/registry.ts";
import { type JobMemo, runJobsOnce } from "../../server/src/jobs/scheduler.ts";
import { isMonthClosed } from "../../server/src/quotas/read.ts";
import { type Club, makeClub } from "../support/club.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";

// The scheduler's memo (jobs/scheduler.ts, JobMemo): a periodic job that answered
// SETTLED for its period (a month's close, a quarter's alarms, a year's awards, an
// hour's purge) is skipped for that club until the period changes, instead of being
// looked for every minute. Timed over 1,000 clubs, those looks were about three
// quarters of a pass's CPU (docs/bench.md, 23).

let t: TestServer;
let a: Club;
let b: Club;

beforeAll(async () => {
  // 2026-03-15 10:00 in the clubs' zone (Asia/Shanghai)
  t = await startTestServer();
  [a, b] = await Promise.all([makeClub(t.url, "memo-a"), makeClub(t.url, "memo-b")]);
});
afterAll(async () => {
  await t?.close();
});

const pass = (memo: JobMemo) => runJobsOnce(t.server.deps, undefined, memo);
const settled = (memo: JobMemo, club: Club) =>
  allJobs
    .filter((j) => memo.has(`${j.name}\n${club.tenantId}`))
    .map((j) => j.name)
    .sort();
const closed = (club: Club, month: string) => withTenant(t.db.database, club.tenantId, (tx) => isMonthClosed(tx, month));

describe("jobs: what a process remembers between ticks", () => {
  it("a settled period is not looked at again; the jobs without a period run every pass", async () => {
    const memo: JobMemo = new Map();
    const jobs = allJobs.length;
    expect(allJobs.filter((j) => !j.period).map((j) => j.name)).toEqual(["complaint-alarms", "quota-pace"]);
    expect(await pass(memo)).toEqual({ clubs: 2, elsewhere: 0, ran: 2 * jobs, skipped: 0 });
    // the purges, the tier freeze and the quarter's alarms settle at once, and the year
    // 2025 is over with nobody to crown (these clubs sold nothing). February had no
    // targets, so nothing closed it: the month close keeps looking, as before
    const five = ["awards-notify", "freeze-tiers", "idempotency-purge", "position-retention", "refresh-alarms"];
    expect(settled(memo, a)).toEqual(five);
    expect(settled(memo, b)).toEqual(five);
    expect(await closed(a, "2026-02")).toBe(false);
    expect(await pass(memo)).toEqual({ clubs: 2, elsewhere: 0, ran: 2 * (jobs - 5), skipped: 2 * 5 });
    expect(await pass(memo)).toEqual({ clubs: 2, elsewhere: 0, ran: 2 * (jobs - 5), skipped: 2 * 5 });
  });

  it("a new period is looked at again: the next hour's purges, the next month's close and freeze, the next quarter's alarms", async () => {
    const memo: JobMemo = new Map();
    await pass(memo);
    t.clock.advance(3_600_000);
    // the next hour: the two purges again
    expect(await pass(memo)).toEqual({ clubs: 2, elsewhere: 0, ran: 2 * (allJobs.length - 5 + 2), skipped: 2 * (5 - 2) });

    // March has a target in club a; on April 1 its close runs, and then settles
    const month = "2026-03";
    const target = await call(t.url, "PUT", `/targets/${a.rep1.id}/${month}`, { token: a.manager.token, body: { amount: 10_000 } });
    expect(target.status).toBe(200);
    t.clock.set("2026-04-01T09:00:00+08:00");
    // every period moved but the year's: only the awards (for 2025 still) are skipped
    expect(await pass(memo)).toEqual({ clubs: 2, elsewhere: 0, ran: 2 * (allJobs.length - 1), skipped: 2 });
    expect(await closed(a, month)).toBe(true);
    expect(await closed(b, month)).toBe(false);
    await pass(memo);
    expect(memo.get(`month-close\n${a.tenantId}`)).toBe(month);
    expect(memo.has(`month-close\n${b.tenantId}`)).toBe(false);
    expect(memo.get(`refresh-alarms\n${a.tenantId}`)).toBe("2026-Q1");
    expect(memo.get(`freeze-tiers\n${a.tenantId}`)).toBe(month);
  });

  it("without a memo (as the tests and the tools call it) every job runs every time", async () => {
    const first = await runJobsOnce(t.server.deps);
    const second = await runJobsOnce(t.server.deps);
    expect(first).toEqual({ clubs: 2, elsewhere: 0, ran: 2 * allJobs.length, skipped: 0 });
    expect(second).toEqual(first);
  });

  it("with `owns`, only the clubs this process owns are visited; the others are counted as elsewhere", async () => {
    const mine = await runJobsOnce(t.server.deps, undefined, undefined, (id) => id === a.tenantId);
    expect(mine).toEqual({ clubs: 1, elsewhere: 1, ran: allJobs.length, skipped: 0 });
    const none = await runJobsOnce(t.server.deps, undefined, undefined, () => false);
    expect(none).toEqual({ clubs: 0, elsewhere: 2, ran: 0, skipped: 0 });
  });
});
