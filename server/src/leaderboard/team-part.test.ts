import { describe, expect, it } from "vitest";
import { teamParts } from "./team-part.ts";

const managers = {
  quota: {
    month: "2026-03",
    reps: [
      { repId: "r1", name: "a", level: "20" },
      { repId: "r2", name: "b", level: "ok" },
      { repId: "r3", name: "c", level: "60" },
    ],
    alarms: [
      { id: "a1", repId: "r1", level: "20", raisedAt: "2026-03-01T00:00:00.000Z" },
      { id: "a3", repId: "r3", level: "60", raisedAt: "2026-03-02T00:00:00.000Z" },
    ],
  },
  alarmCounts: { total: 9, byKind: { pace: 9 }, byLevel: { "20": 5, "60": 4 } },
  clubWide: { secret: true },
};

describe("a team's part of the boards, from the managers' part", () => {
  const parts = teamParts(managers, {
    teams: new Map([
      ["tA", new Set(["r1", "r2"])],
      ["tB", new Set(["r3"])],
      ["tC", new Set<string>()],
    ]),
    alarmRows: [
      { repId: "r1", kind: "pace", level: "20", n: 2 },
      { repId: "r1", kind: "complaint", level: null, n: 1 },
      { repId: "r3", kind: "pace", level: "60", n: 4 },
      { repId: "r9", kind: "pace", level: "20", n: 3 },
    ],
  });

  it("keeps only the team's reps' rows and counts over them", () => {
    expect(parts.tA).toEqual({
      quota: { month: "2026-03", reps: [managers.quota.reps[0], managers.quota.reps[1]], alarms: [managers.quota.alarms[0]] },
      alarmCounts: { total: 3, byKind: { pace: 2, complaint: 1 }, byLevel: { "20": 2 } },
    });
    expect(parts.tB?.quota).toEqual({ month: "2026-03", reps: [managers.quota.reps[2]], alarms: [managers.quota.alarms[1]] });
    expect(parts.tB?.alarmCounts).toEqual({ total: 4, byKind: { pace: 4 }, byLevel: { "60": 4 } });
  });

  it("a led team without reps gets an empty part; nothing else of the managers' part goes in", () => {
    expect(parts.tC).toEqual({ quota: { month: "2026-03", reps: [], alarms: [] }, alarmCounts: { total: 0, byKind: {}, byLevel: {} } });
    expect(JSON.stringify(parts)).not.toContain("secret");
    expect(Object.keys(parts).sort()).toEqual(["tA", "tB", "tC"]);
  });
});
