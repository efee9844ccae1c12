import { describe, expect, it } from "vitest";
import { Batcher, groupOrAlone, runGroups, type Settled } from "./batcher.ts";

/** A run whose groups finish only when told to; it records every group it was given. */
function gatedRun() {
  const groups: { key: string; inputs: number[]; finish: () => void }[] = [];
  const run = (key: string, inputs: number[]) =>
    new Promise<Settled<number>[]>((resolve) => {
      groups.push({ key, inputs, finish: () => resolve(inputs.map((n) => ({ ok: true, value: n * 10 }))) });
    });
  return { groups, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("Batcher", () => {
  it("starts a lone request at once, and groups what arrives while a group is under way", async () => {
    const { groups, run } = gatedRun();
    const b = new Batcher(run, { maxBatch: 64, maxInFlight: 1 });
    const first = b.submit("club", 1);
    await tick();
    expect(groups.map((g) => g.inputs)).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => b.submit("club", n));
    await tick();
    expect(groups).toHaveLength(1); // waiting for the first group
    groups[0]!.finish();
    expect(await first).toBe(10);
    await tick();
    expect(groups.map((g) => g.inputs)).toEqual([[1], [2, 3, 4]]);
    groups[1]!.finish();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
  });

  it("keeps at most maxInFlight groups of a key under way, and at most maxBatch items in a group", async () => {
    const { groups, run } = gatedRun();
    const b = new Batcher(run, { maxBatch: 3, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => b.submit("club", n));
    await tick();
    // the first two items each start a group (lanes free); the rest wait
    expect(groups.map((g) => g.inputs)).toEqual([[1], [2]]);
    groups[0]!.finish();
    await tick();
    expect(groups.map((g) => g.inputs)).toEqual([[1], [2], [3, 4, 5]]);
    groups[1]!.finish();
    await tick();
    expect(groups.map((g) => g.inputs)).toEqual([[1], [2], [3, 4, 5], [6, 7, 8]]);
    groups[2]!.finish();
    groups[3]!.finish();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50, 60, 70, 80]);
  });

  it("never groups two keys (clubs) together, nor makes one wait for the other", async () => {
    const { groups, run } = gatedRun();
    const b = new Batcher(run, { maxBatch: 64, maxInFlight: 1 });
    const a = b.submit("club-a", 1);
    const c = b.submit("club-b", 2);
    await tick();
    expect(groups.map((g) => [g.key, g.inputs])).toEqual([
      ["club-a", [1]],
      ["club-b", [2]],
    ]);
    groups[1]!.finish();
    expect(await c).toBe(20);
    groups[0]!.finish();
    expect(await a).toBe(10);
  });

  it("answers each item with its own outcome, and every item with the error when the group throws", async () => {
    let calls = 0;
    const b = new Batcher<number, number>(
      async (_key, inputs) => {
        calls++;
        if (calls === 2) throw new Error("lost connection");
        return inputs.map((n) => (n % 2 ? { ok: true, value: n } : { ok: false, error: new Error(`refused ${n}`) }));
      },
      { maxBatch: 64, maxInFlight: 1 },
    );
    await expect(b.submit("k", 1)).resolves.toBe(1);
    await expect(b.submit("k", 3)).rejects.toThrow("lost connection");
    const [odd, even] = await Promise.allSettled([b.submit("k", 5), b.submit("k", 6)]);
    expect(odd).toEqual({ status: "fulfilled", value: 5 });
    expect(even).toMatchObject({ status: "rejected", reason: new Error("refused 6") });
  });
});

describe("Batcher with gather (the embedded database)", () => {
  it("starts a group one turn later with every request received in the same turn, and groups what arrives while it runs", async () => {
    const { groups, run } = gatedRun();
    const b = new Batcher(run, { maxBatch: 64, maxInFlight: 1, gather: true });
    const first = [1, 2, 3].map((n) => b.submit("club", n));
    // nothing has started within the turn the requests arrived in
    await Promise.resolve();
    expect(groups).toHaveLength(0);
    await tick();
    expect(groups.map((g) => g.inputs)).toEqual([[1, 2, 3]]);
    const later = [4, 5].map((n) => b.submit("club", n));
    await tick();
    expect(groups).toHaveLength(1); // one group of a club at a time
    groups[0]!.finish();
    expect(await Promise.all(first)).toEqual([10, 20, 30]);
    await tick();
    expect(groups.map((g) => g.inputs)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    groups[1]!.finish();
    expect(await Promise.all(later)).toEqual([40, 50]);
  });

  it("a lone request still goes (one turn later), alone, and the lane is forgotten afterwards", async () => {
    const { groups, run } = gatedRun();
    const b = new Batcher(run, { maxBatch: 64, maxInFlight: 1, gather: true });
    const one = b.submit("club", 7);
    await tick();
    expect(groups.map((g) => g.inputs)).toEqual([[7]]);
    groups[0]!.finish();
    expect(await one).toBe(70);
    const again = b.submit("club", 8);
    await tick();
    expect(groups.map((g) => g.inputs)).toEqual([[7], [8]]);
    groups[1]!.finish();
    expect(await again).toBe(80);
  });
});

describe("groupOrAlone", () => {
  it("tries every item alone when the group fails, so only the culprit fails", async () => {
    const seen: number[][] = [];
    const out = await groupOrAlone([1, 2, 3], async (inputs) => {
      seen.push(inputs);
      if (inputs.includes(2)) throw new Error("deadlock");
      return inputs.map((n) => ({ ok: true, value: n }));
    });
    expect(seen).toEqual([[1, 2, 3], [1], [2], [3]]);
    expect(out).toEqual([
      { ok: true, value: 1 },
      { ok: false, error: new Error("deadlock") },
      { ok: true, value: 3 },
    ]);
  });

  it("does not retry a group of one", async () => {
    let calls = 0;
    await expect(
      groupOrAlone([1], async () => {
        calls++;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(calls).toBe(1);
  });
});

describe("runGroups", () => {
  it("puts a repeated key in a later round, and answers in the order asked", async () => {
    const rounds: string[][] = [];
    const inputs = ["a:1", "b:1", "a:2", "c", "a:3", "b:2"];
    const out = await runGroups(
      inputs,
      (s) => (s.includes(":") ? s.split(":")[0] : undefined),
      async (group) => {
        rounds.push(group);
        return group.map((s) => ({ ok: true, value: s.toUpperCase() }));
      },
    );
    expect(rounds).toEqual([["a:1", "b:1", "c"], ["a:2", "b:2"], ["a:3"]]);
    expect(out).toEqual(inputs.map((s) => ({ ok: true, value: s.toUpperCase() })));
  });
});
