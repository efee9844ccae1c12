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
  },
  alarms: {
    latest: [
      { id: "a1", repId: "r1" },
      { id: "a3", repId: "r3" },
    ],
    next: "club-cursor",
  },
  alarmCounts: { total: 9, byKind: { pace: 9 }, byLevel: { "20": 5, "60": 4 } },
  clubWide: { secret: true },
};

function teamAlarm(id: string, repId: string) {
  return { id, kind: "pace", repId, repName: repId, level: "20", message: "", data: {}, raisedAt: "2026-03-01T00:00:00.000Z" };
}

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
    latest: new Map([
      ["tA", { latest: [teamAlarm("a1", "r1")], next: null }],
      ["tB", { latest: [teamAlarm("a3", "r3")], next: "tB-cursor" }],
    ]),
  });

  it("keeps only the team's reps' rows and counts over them", () => {
    expect(parts.tA).toEqual({
      quota: { month: "2026-03", reps: [managers.quota.reps[0], managers.quota.reps[1]] },
      alarmCounts: { total: 3, byKind: { pace: 2, complaint: 1 }, byLevel: { "20": 2 } },
      alarms: { latest: [teamAlarm("a1", "r1")], next: null },
    });
    expect(parts.tB?.quota).toEqual({ month: "2026-03", reps: [managers.quota.reps[2]] });
    // the team's own newest alarms and cursor, never the club's list
    expect(parts.tB?.alarms).toEqual({ latest: [teamAlarm("a3", "r3")], next: "tB-cursor" });
    expect(parts.tB?.alarmCounts).toEqual({ total: 4, byKind: { pace: 4 }, byLevel: { "60": 4 } });
  });

  it("a led team without reps gets an empty part; nothing else of the managers' part goes in", () => {
    expect(parts.tC).toEqual({
      quota: { month: "2026-03", reps: [] },
      alarmCounts: { total: 0, byKind: {}, byLevel: {} },
      alarms: { latest: [], next: null },
    });
    expect(JSON.stringify(parts)).not.toContain("secret");
    expect(JSON.stringify(parts)).not.toContain("club-cursor");
    expect(Object.keys(parts).sort()).toEqual(["tA", "tB", "tC"]);
  });
});
