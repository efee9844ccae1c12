import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runBench } from "./run.ts";

// The benchmark is not a test: this only proves that its whole pipeline (seed, server
// process, autocannon, baselines, bare server, live boards over two processes and
// Redis, PGlite, table and JSON) still runs, at a minuscule scale.
const resultsDir = mkdtempSync(join(tmpdir(), "clubhouse-bench-smoke-"));
afterAll(() => rmSync(resultsDir, { recursive: true, force: true }));

describe("pnpm bench", () => {
  it("runs end to end at a tiny scale and reports every figure", async () => {
    const lines: string[] = [];
    const report = await runBench({
      scale: 0.002,
      durationS: 0.5,
      warmupS: 0,
      connections: 4,
      pool: 4,
      growth: false,
      pgliteReps: 1,
      pgliteCustomersPerRep: 2,
      sockets: 8,
      liveRate: 20,
      liveDurationS: 1,
      boardProcs: 2,
      // the many-boards phase, minuscule: 12 boards over 6 clubs (4 of them the small clubs it seeds)
      wideSockets: 12,
      wideClubs: 6,
      dbName: `clubhouse_bench_smoke_${process.pid}`,
      resultsDir,
      log: (line) => lines.push(line),
    });
    const ids = report.figures.map((f) => f.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "seed",
        "revenue",
        "contacts",
        "write-floor",
        "leaderboard-month",
        "leaderboard-year-gzip",
        "tiers",
        "tiers-computed",
        "customers",
        "live-one",
        "live-two",
        "live-one-bytes",
        "live-many",
        "live-many-rss",
        "pglite-revenue",
      ]),
    );
    const seeded = report.phases[0]!.seed.counts;
    expect(seeded.revenue_entries).toBeGreaterThan(0);
    expect(seeded.contacts).toBeGreaterThan(0);
    // Measured figures carry numbers; the others say why they were not measured.
    for (const f of report.figures) {
      if (f.value === "not measured") expect(f.note).toBeTruthy();
      else expect(f.value).toMatch(/\d/);
    }
    // the floor's requests are all refused by validation, none reaches the database
    const floor = report.phases[0]!.writeFloor;
    expect("notMeasured" in floor ? null : Object.keys(floor.statuses)).toEqual(["400"]);
    expect("notMeasured" in floor ? 0 : floor.rps).toBeGreaterThan(0);
    // the tier analysis computed afresh after each write: every round measured, plain and gzip
    const computed = report.phases[0]!.tiersComputed;
    expect(computed && !("notMeasured" in computed) ? [computed.plain.rounds, computed.gzip.rounds] : computed).toEqual([10, 10]);
    const revenue = report.phases[0]!.revenue;
    expect("notMeasured" in revenue ? 0 : revenue.ok).toBeGreaterThan(0);
    // what a write costs in CPU (from /proc): the server's and PostgreSQL's, and the direct INSERT's client's
    const direct = report.phases[0]!.revenueDirect;
    expect("notMeasured" in revenue ? null : revenue.cpu).toMatchObject({
      serverUs: expect.any(Number),
      databaseUs: expect.any(Number),
      wal: { bytes: expect.any(Number), fpi: expect.any(Number), records: expect.any(Number) },
    });
    expect("notMeasured" in direct ? null : direct.cpu).toMatchObject({ databaseUs: expect.any(Number), clientUs: expect.any(Number) });
    expect(ids).toEqual(expect.arrayContaining(["revenue-cpu", "contacts-cpu"]));
    // the many-boards phase ran on its own clubs; boards were updated and their bytes counted; the server's memory
    const many = report.live.wide;
    expect(many && !("notMeasured" in many) ? [many.sockets, many.clubs] : many).toEqual([12, 6]);
    expect(many && !("notMeasured" in many) ? many.serverRssMB?.connected : 0).toBeGreaterThan(0);
    const one = report.live.oneProcess;
    expect(one && !("notMeasured" in one) ? one.boardDelivered : 0).toBeGreaterThan(0);
    expect(one && !("notMeasured" in one) ? one.bytesPerWriteBoard : 0).toBeGreaterThan(0);
    // on PGlite: the server's CPU per write (the database runs in it) and the bench's per direct row
    const pg = report.pglite;
    const pgRevenue = pg && !("notMeasured" in pg) ? pg.revenue : undefined;
    expect(pgRevenue && !("notMeasured" in pgRevenue) ? pgRevenue.cpu : pg).toEqual({ serverUs: expect.any(Number) });
    expect(pg && !("notMeasured" in pg) ? pg.revenueDirect.cpu : pg).toEqual({ clientUs: expect.any(Number) });
    expect(lines.join("\n")).toContain("| figure");
    expect(readdirSync(resultsDir).filter((f) => f.endsWith(".json"))).toHaveLength(1);
  }, 300_000);
});
