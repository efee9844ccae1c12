import { createHash } from "node:crypto";
import { promisify } from "node:util";
import { gzip as gzipCb } from "node:zlib";
import type { Context, TypedResponse } from "hono";
import type { JSONParsed } from "hono/utils/types";
import type { Deps } from "../deps.ts";

const utf8 = new TextEncoder();
const gzipAsync = promisify(gzipCb);

/**
 * Bodies from this size on are compressed at level 1: a 4.6 MB tier analysis takes
 * about 40 ms there against 55 at level 6, for 7% more bytes. Compression runs on
 * libuv's thread pool, not on the thread that answers requests.
 */
const BIG_BODY = 1 << 20;

/**
 * A per-process cache of derived club reads (the leaderboard, the tier analysis),
 * kept serialised — JSON bytes, gzip bytes made on the first request that accepts
 * them, and an ETag — so repeated reads cost one computation, not one each.
 *
 * Correctness rests on the club's data generation (realtime/generations.ts): every
 * write that changes such a read moves it on before its response, in every process;
 * an entry is served only while the generation it was computed under is current.
 * Also:
 * - no generation (Redis away): computed afresh, nothing cached;
 * - `fresh(value)` may refuse an entry for reasons of time (a board of "the current
 *   month" once the month has turned);
 * - entries older than `maxAgeMs` are recomputed anyway (a bump that could not reach
 *   Redis leaves at most this much staleness on another process);
 * - concurrent misses of one key share one computation;
 * - bounded by bytes, least recently used first out.
 */
export interface Served<T> {
  value: T;
  json: Uint8Array;
  etag: string;
  gzip(): Promise<Uint8Array>;
}

interface Entry<T> extends Served<T> {
  generation: string;
  storedAt: number;
  bytes: number;
}

export interface DerivedCacheOptions {
  maxBytes: number;
  maxAgeMs: number;
}

export class DerivedCache<T> {
  #entries = new Map<string, Entry<T>>();
  #bytes = 0;
  #inflight = new Map<string, Promise<Entry<T>>>();

  constructor(
    private readonly deps: Deps,
    /** what is sent for a value (default: the value itself) */
    private readonly toJson: (value: T) => unknown = (v) => v,
    private readonly opts: DerivedCacheOptions = { maxBytes: 64 * 2 ** 20, maxAgeMs: 60_000 },
  ) {}

  /** `key` must name the club and everything else the value depends on. */
  async get(tenantId: string, key: string, compute: () => Promise<T>, fresh: (value: T) => boolean = () => true): Promise<Served<T>> {
    const generation = await this.deps.live.boardGeneration(tenantId);
    const k = `${tenantId}|${key}`;
    if (generation === null) return this.#compute(compute, "");
    const hit = this.#entries.get(k);
    if (hit && hit.generation === generation && Date.now() - hit.storedAt <= this.opts.maxAgeMs && fresh(hit.value)) {
      // most recently used last
      this.#entries.delete(k);
      this.#entries.set(k, hit);
      return hit;
    }
    const flight = `${k}|${generation}`;
    let p = this.#inflight.get(flight);
    if (!p) {
      p = this.#compute(compute, generation)
        .then((e) => {
          this.#store(k, e);
          return e;
        })
        .finally(() => this.#inflight.delete(flight));
      this.#inflight.set(flight, p);
    }
    return p;
  }

  async #compute(compute: () => Promise<T>, generation: string): Promise<Entry<T>> {
    const value = await compute();
    const json = utf8.encode(JSON.stringify(this.toJson(value)));
    let gz: Promise<Uint8Array> | undefined;
    return {
      value,
      json,
      etag: `"${createHash("sha256").update(json).digest("base64url").slice(0, 27)}"`,
      gzip() {
        gz ??= gzipAsync(json, { level: json.byteLength >= BIG_BODY ? 1 : 6 }).catch((err: unknown) => {
          gz = undefined; // the next request tries again
          throw err;
        });
        return gz;
      },
      generation,
      storedAt: Date.now(),
      // the value as objects takes about twice its JSON; the gzip, when made, a sixth of it
      bytes: json.byteLength * 3,
    };
  }

  #store(key: string, e: Entry<T>) {
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

/**
 * Whether the client takes gzip: `gzip` or `*` with q > 0 (absent q is 1); an
 * explicit `gzip;q=0` refuses it even when `*` would allow it (RFC 9110 §12.5.3).
 */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qp === undefined ? 1 : Number(qp.slice(2));
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const gzip = q.get("gzip");
  if (gzip !== undefined) return gzip > 0;
  return (q.get("*") ?? 0) > 0;
}

/** If-None-Match against the representation's tag: `*`, or any listed tag (weak comparison). */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}

/**
 * Answers with a cached value's bytes: its ETag (one per encoding; a matching
 * If-None-Match is a 304), gzip when accepted, `Cache-Control: private, no-cache`
 * (club data behind a session: a browser keeps it, revalidating each time).
 */
export async function sendServed<J>(c: Context, served: Served<unknown>): Promise<Response & TypedResponse<JSONParsed<J>, 200, "json">> {
  return (await sendBytes(c, served)) as Response & TypedResponse<JSONParsed<J>, 200, "json">;
}

async function sendBytes(c: Context, served: Served<unknown>): Promise<Response> {
  const gzip = acceptsGzip(c.req.header("accept-encoding"));
  const etag = gzip ? `${served.etag.slice(0, -1)}-gz"` : served.etag;
  c.header("Cache-Control", "private, no-cache");
  c.header("ETag", etag);
  c.header("Vary", "Accept-Encoding");
  if (noneMatch(c.req.header("if-none-match"), etag)) return c.body(null, 304);
  c.header("Content-Type", "application/json");
  if (gzip) {
    c.header("Content-Encoding", "gzip");
    return c.body((await served.gzip()) as Uint8Array<ArrayBuffer>, 200);
  }
  return c.body(served.json as Uint8Array<ArrayBuffer>, 200);
}
