import { describe, expect, it } from "vitest";
import type { LoadStats } from "./load.ts";
import { combineSlices } from "./slices.ts";

const slice = (o: Partial<LoadStats>): LoadStats => ({
  ok: 100,
  non2xx: 0,
  errors: 0,
  durationS: 1,
  rps: 100,
  p50: 10,
  p90: 20,
  p99: 30,
  mean: 12,
  max: 40,
  statuses: { "201": 100 },
  connections: 16,
  ...o,
});

describe("combineSlices", () => {
  it("adds counts and durations, rates by their quotient, weights p50 by what each counted, takes the worst p99", () => {
    const c = combineSlices([
      slice({ ok: 300, durationS: 1, p50: 10, p99: 30, max: 50, statuses: { "201": 300, "500": 1 }, non2xx: 1 }),
      slice({ ok: 100, durationS: 1, p50: 30, p99: 90, max: 60, statuses: { "201": 100 } }),
    ]);
    expect(c).toMatchObject({ ok: 400, non2xx: 1, durationS: 2, rps: 200, p50: 15, p99: 90, max: 60, statuses: { "201": 400, "500": 1 } });
  });

  it("weights CPU per operation by the operations of each slice, and keeps the last slice's statements", () => {
    const statements = [
      {
        query: "insert",
        callsPerOp: 1,
        execUs: 50,
        planUs: 0,
        plansPerOp: 0,
        rowsPerOp: 1,
        hitPerOp: 3,
        dirtiedPerOp: 0,
        walBytesPerOp: 900,
        fpiPerOp: 0,
      },
    ];
    const c = combineSlices(
      [
        slice({ ok: 300, cpu: { serverUs: 400, databaseUs: 200, wal: { bytes: 1000, fpi: 0, records: 10 } } }),
        slice({ ok: 100, cpu: { serverUs: 800, databaseUs: 600, wal: { bytes: 2000, fpi: 1, records: 20 } } }),
      ].map((s, i) => (i === 1 ? { ...s, cpu: { ...s.cpu, statements } } : s)),
    );
    expect(c.cpu).toEqual({ serverUs: 500, databaseUs: 300, wal: { bytes: 1250, fpi: 0.25, records: 12.5 }, statements });
  });

  it("one slice is itself; none is an error", () => {
    const one = slice({ ok: 7 });
    expect(combineSlices([one])).toBe(one);
    expect(() => combineSlices([])).toThrow();
  });
});
