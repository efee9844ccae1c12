import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { Deps } from "../deps.ts";
import type { LeaderboardPeriod } from "../realtime/events.ts";
import { type ClubMonth, monthOf } from "../time/club-time.ts";
import { computeLeaderboard, type Leaderboard } from "./service.ts";

/**
 * GET /leaderboard's per-process cache. A board is computed once per (club, period,
 * month, data generation) and kept serialised — JSON bytes, gzip bytes made on the
 * first request that accepts them, and an ETag — so a sales floor of phones and a
 * TV refreshing the same board cost one computation, not one each.
 *
 * Correctness rests on the club's data generation (realtime/generations.ts): every
 * write that changes a board moves it on before its response, in every process;
 * an entry is served only while the generation it was computed under is current.
 * Also:
 * - "the current month" (no `at`) is resolved in the club's time zone at each
 *   request: an entry for it is served only while that month is still current;
 * - no generation (Redis away): computed afresh, nothing cached;
 * - entries older than `maxAgeMs` are recomputed anyway (a bump that could not
 *   reach Redis leaves at most this much staleness on another process);
 * - concurrent misses of one key share one computation;
 * - bounded by bytes, least recently used first out.
 */
export interface ServedBoard {
  board: Leaderboard;
  json: Uint8Array;
  etag: string;
  gzip(): Uint8Array;
}

interface Entry extends ServedBoard {
  generation: string;
  tz: string;
  storedAt: number;
  bytes: number;
}

export interface BoardCacheOptions {
  maxBytes: number;
  maxAgeMs: number;
}

export class BoardCache {
  #entries = new Map<string, Entry>();
  #bytes = 0;
  #inflight = new Map<string, Promise<Entry>>();

  constructor(
    private readonly deps: Deps,
    private readonly opts: BoardCacheOptions = { maxBytes: 64 * 2 ** 20, maxAgeMs: 60_000 },
  ) {}

  get size() {
    return this.#entries.size;
  }

  async get(tenantId: string, period: LeaderboardPeriod, at?: ClubMonth): Promise<ServedBoard> {
    const generation = await this.deps.live.boardGeneration(tenantId);
    const key = `${tenantId}|${period}|${at ?? "now"}`;
    if (generation === null) return this.#compute(tenantId, period, at, "");
    const hit = this.#entries.get(key);
    if (hit && this.#fresh(hit, generation, at)) {
      // most recently used last
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const flight = `${key}|${generation}`;
    let p = this.#inflight.get(flight);
    if (!p) {
      p = this.#compute(tenantId, period, at, generation)
        .then((e) => {
          this.#store(key, e);
          return e;
        })
        .finally(() => this.#inflight.delete(flight));
      this.#inflight.set(flight, p);
    }
    return p;
  }

  #fresh(e: Entry, generation: string, at: ClubMonth | undefined) {
    if (e.generation !== generation) return false;
    if (Date.now() - e.storedAt > this.opts.maxAgeMs) return false;
    return at !== undefined || e.board.at === monthOf(this.deps.clock.now(), e.tz);
  }

  async #compute(tenantId: string, period: LeaderboardPeriod, at: ClubMonth | undefined, generation: string): Promise<Entry> {
    const { board, tz } = await computeLeaderboard(this.deps, tenantId, period, at);
    const json = Buffer.from(JSON.stringify({ ...board, nextCursor: null }));
    let gz: Uint8Array | undefined;
    const entry: Entry = {
      board,
      json,
      etag: `"${createHash("sha256").update(json).digest("base64url").slice(0, 27)}"`,
      gzip() {
        gz ??= gzipSync(json, { level: 6 });
        return gz;
      },
      generation,
      tz,
      storedAt: Date.now(),
      // the rows as objects take about twice their JSON; the gzip, when made, a sixth of it
      bytes: json.byteLength * 3,
    };
    return entry;
  }

  #store(key: string, e: Entry) {
    const old = this.#entries.get(key);
    if (old) this.#bytes -= old.bytes;
    this.#entries.delete(key);
    if (e.bytes > this.opts.maxBytes) return;
    this.#entries.set(key, e);
    this.#bytes += e.bytes;
    for (const [k, v] of this.#entries) {
      if (this.#bytes <= this.opts.maxBytes) break;
      this.#entries.delete(k);
      this.#bytes -= v.bytes;
    }
  }
}
