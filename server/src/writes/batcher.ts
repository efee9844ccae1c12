import type { Deps } from "../deps.ts";
import { onePer } from "../one-per.ts";

/**
 * Group commit for hot writes. Requests that arrive while a club's earlier writes
 * are still in the database wait for them and then go together: one transaction,
 * a handful of statements and one commit for the whole group instead of each.
 *
 * Nothing waits for a timer: a request that finds fewer than `maxInFlight` groups
 * of its key under way starts one at once (alone, on a quiet server), so grouping
 * only ever happens when requests would have queued for the database anyway.
 *
 * `gather` (the embedded database): a group starts one turn of the event loop later
 * (setImmediate), after the requests already received in the same turn have reached
 * it. PGlite runs in this thread and its statements resolve as microtasks, so a
 * transaction runs from BEGIN to COMMIT without ever letting the server read another
 * request: without the turn, every request found the lane idle and went alone.
 *
 * `run` settles every item of its group itself (a refused item is an error for
 * that item only); if it throws, the whole group failed and every item gets the error.
 */
export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

interface Waiting<I, O> {
  input: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

interface Lane<I, O> {
  queue: Waiting<I, O>[];
  inFlight: number;
  /** a gathering turn is scheduled (`gather`) */
  gathering: boolean;
}

export interface BatcherOptions {
  /** The most items one group carries. */
  maxBatch: number;
  /** Groups of one key under way at once. */
  maxInFlight: number;
  /** Start a group one turn of the event loop after its first request, so that requests received together go together. */
  gather?: boolean;
}

export class Batcher<I, O> {
  readonly #lanes = new Map<string, Lane<I, O>>();

  constructor(
    private readonly run: (key: string, inputs: I[]) => Promise<Settled<O>[]>,
    private readonly opts: BatcherOptions,
  ) {}

  submit(key: string, input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      let lane = this.#lanes.get(key);
      if (!lane) {
        lane = { queue: [], inFlight: 0, gathering: false };
        this.#lanes.set(key, lane);
      }
      lane.queue.push({ input, resolve, reject });
      if (!this.opts.gather) this.#pump(key, lane);
      else if (!lane.gathering && lane.inFlight < this.opts.maxInFlight) {
        lane.gathering = true;
        const l = lane;
        setImmediate(() => {
          l.gathering = false;
          this.#pump(key, l);
        });
      }
    });
  }

  #pump(key: string, lane: Lane<I, O>) {
    while (lane.inFlight < this.opts.maxInFlight && lane.queue.length > 0) {
      const group = lane.queue.splice(0, this.opts.maxBatch);
      lane.inFlight++;
      this.#start(key, group).finally(() => {
        lane.inFlight--;
        if (lane.inFlight === 0 && lane.queue.length === 0 && !lane.gathering) this.#lanes.delete(key);
        else this.#pump(key, lane);
      });
    }
  }

  async #start(key: string, group: Waiting<I, O>[]) {
    try {
      const settled = await this.run(
        key,
        group.map((w) => w.input),
      );
      group.forEach((w, i) => {
        const s = settled[i];
        if (!s) w.reject(new Error("a grouped write was not settled"));
        else if (s.ok) w.resolve(s.value);
        else w.reject(s.error);
      });
    } catch (error) {
      for (const w of group) w.reject(error);
    }
  }
}

/**
 * Runs `inputs` as one group; if the group as a whole fails (a deadlock, a lost
 * connection, anything not settled per item), every item is tried again alone, so
 * one bad item never fails its neighbours and a failure is reported for the item
 * that caused it. A group of one is not retried.
 */
export async function groupOrAlone<I, O>(inputs: I[], group: (inputs: I[]) => Promise<Settled<O>[]>): Promise<Settled<O>[]> {
  if (inputs.length === 1) return group(inputs);
  try {
    return await group(inputs);
  } catch {
    const out: Settled<O>[] = [];
    for (const input of inputs) {
      try {
        out.push(...(await group([input])));
      } catch (error) {
        out.push({ ok: false, error });
      }
    }
    return out;
  }
}

/**
 * groupOrAlone in rounds, so that no group carries two items with the same `keyOf`
 * (two retries of one idempotent request): the first of each key goes in the first
 * round, a repeat in the next, where it finds the first one's stored answer.
 */
export async function runGroups<I, O>(
  inputs: I[],
  keyOf: (input: I) => string | undefined,
  group: (inputs: I[]) => Promise<Settled<O>[]>,
): Promise<Settled<O>[]> {
  const out = new Array<Settled<O>>(inputs.length);
  let pending = inputs.map((input, index) => ({ input, index }));
  while (pending.length > 0) {
    const seen = new Set<string>();
    const round: typeof pending = [];
    const later: typeof pending = [];
    for (const p of pending) {
      const k = keyOf(p.input);
      if (k !== undefined && seen.has(k)) later.push(p);
      else {
        if (k !== undefined) seen.add(k);
        round.push(p);
      }
    }
    const settled = await groupOrAlone(
      round.map((p) => p.input),
      group,
    );
    round.forEach((p, i) => {
      out[p.index] = settled[i] ?? { ok: false, error: new Error("a grouped write was not settled") };
    });
    pending = later;
  }
  return out;
}

/** How a club's hot writes are grouped: at most 64 per group, two groups of a club under way per process. */
export const CLUB_WRITES: BatcherOptions = { maxBatch: 64, maxInFlight: 2 };

/**
 * On the embedded database (one connection, in this thread): one group of a club at a
 * time, gathered over a turn of the event loop (see `gather` above), so the requests
 * that arrive while it runs wait and go together in the next.
 */
export const EMBEDDED_CLUB_WRITES: BatcherOptions = { maxBatch: 64, maxInFlight: 1, gather: true };

/**
 * A service's grouped writes: one Batcher per app (made on first use), a lane per
 * club, each group run in rounds by `keyOf` (runGroups) through `run`.
 */
export function clubWrites<I, O>(
  keyOf: (input: I) => string | undefined,
  run: (deps: Deps, tenantId: string, group: I[]) => Promise<Settled<O>[]>,
): (deps: Deps) => Batcher<I, O> {
  return onePer(
    (deps: Deps) =>
      new Batcher<I, O>(
        (tenantId, inputs) => runGroups(inputs, keyOf, (group) => run(deps, tenantId, group)),
        deps.database.kind === "pglite" ? EMBEDDED_CLUB_WRITES : CLUB_WRITES,
      ),
  );
}
