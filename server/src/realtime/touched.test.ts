import { describe, expect, it } from "vitest";
import { MAX_TOUCHED_REPS } from "./rooms.ts";
import { TouchedReps } from "./touched.ts";

// What a club's next recompute re-reads (touched.ts): the reps named since the last
// one began, or everything (undefined) once anything unnamed came in.
const many = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `rep-${from + i}`);

describe("the reps touched since a club's last recompute", () => {
  const cases: { name: string; changes: (readonly string[] | null | undefined)[]; want: string[] | undefined }[] = [
    { name: "nothing announced: everything (a retry, a refresh)", changes: [], want: undefined },
    { name: "one write", changes: [["a"]], want: ["a"] },
    { name: "writes gathered, each rep once", changes: [["a", "b"], ["b"], ["c"]], want: ["a", "b", "c"] },
    { name: "alarms only: no rep, still partial", changes: [[]], want: [] },
    { name: "a write naming none (undefined) makes it everything", changes: [["a"], undefined, ["b"]], want: undefined },
    { name: "null (from another process) as well", changes: [null, ["b"]], want: undefined },
    { name: "up to the limit: named", changes: [many(MAX_TOUCHED_REPS)], want: many(MAX_TOUCHED_REPS) },
    { name: "past the limit: everything", changes: [many(MAX_TOUCHED_REPS), ["one more"]], want: undefined },
  ];
  for (const c of cases)
    it(c.name, () => {
      const t = new TouchedReps();
      for (const reps of c.changes) t.add("club", reps);
      const got = t.take("club");
      expect(got === undefined ? undefined : [...got].sort()).toEqual(c.want === undefined ? undefined : [...c.want].sort());
    });

  it("is taken once: what comes after goes to the next recompute; clubs are apart", () => {
    const t = new TouchedReps();
    t.add("club", ["a"]);
    t.add("other", ["z"]);
    expect([...(t.take("club") ?? [])]).toEqual(["a"]);
    t.add("club", ["b"]);
    expect([...(t.take("club") ?? [])]).toEqual(["b"]);
    expect([...(t.take("other") ?? [])]).toEqual(["z"]);
  });

  it("a skipped or failed recompute (all) makes the next one read everything, whatever is named after", () => {
    const t = new TouchedReps();
    t.add("club", ["a"]);
    t.take("club");
    t.all("club");
    t.add("club", ["b"]);
    expect(t.take("club")).toBeUndefined();
  });
});
