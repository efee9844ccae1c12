import { hash, verify } from "@node-rs/argon2";
import { Unavailable } from "../errors.ts";

// argon2id with OWASP's minimum (19 MiB, t=2, p=1).
const opts = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

/** A hash or verify that cannot even wait its turn: the server is flooded. */
export class HashingBusy extends Unavailable {
  constructor() {
    super("The server is busy. Try again shortly.", 1);
  }
}

/**
 * At most `max` tasks at once, the rest waiting in order, at most `queue` of them;
 * a task arriving at a full queue is refused at once (HashingBusy) instead of
 * piling up.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly max: number,
    readonly queue: number,
  ) {}

  get active() {
    return this.running;
  }

  get queued() {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.queue) throw new HashingBusy();
      // The finishing task hands its slot over directly, so `running` never exceeds max.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * Every argon2 hash and verify in this process goes through here: each holds
 * 19 MiB and a CPU for tens of milliseconds, so a burst of sign-ups or sign-ins
 * queues (up to 100 waiting, then 503) instead of starving the server.
 */
export const HASH_CONCURRENCY = 2;
export const HASH_QUEUE = 100;
const hashing = new Limiter(HASH_CONCURRENCY, HASH_QUEUE);

export function hashPassword(password: string): Promise<string> {
  return hashing.run(() => hash(password, opts));
}

// A real hash to verify against when the user does not exist, so that a missing
// account costs the same time as a wrong password.
let dummy: Promise<string> | undefined;

export async function verifyPassword(stored: string | undefined, password: string): Promise<boolean> {
  if (!stored) {
    dummy ??= hash("not-a-real-password", opts);
    const d = await dummy;
    await hashing
      .run(() => verify(d, password))
      .catch((err) => {
        if (err instanceof HashingBusy) throw err;
        return false;
      });
    return false;
  }
  return hashing
    .run(() => verify(stored, password))
    .catch((err) => {
      if (err instanceof HashingBusy) throw err;
      return false;
    });
}
