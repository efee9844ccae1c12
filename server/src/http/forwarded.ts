import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";
import type { TLSSocket } from "node:tls";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * Which proxies in front of the server are trusted to tell us who the client is
 * (`TRUST_PROXY`): none, the nearest `hops` of them, or those at the listed
 * addresses / CIDR ranges. The one reader of X-Forwarded-For / -Proto / -Host:
 * the login and signup throttles, the cookie's `Secure` flag, the CSRF origin
 * check and the socket handshake's origin check all ask this module.
 *
 * Proxies append to X-Forwarded-For, so only its right-hand end was written by
 * machines we trust; everything to the left of the last trusted proxy's entry is
 * whatever the client chose to send. We therefore read from the right: the peer
 * of the TCP connection, then the X-Forwarded-For entries right to left, skipping
 * one entry per trusted proxy. The first entry we cannot vouch for is the client.
 * X-Forwarded-Proto and -Host are read the same way, at the entry the outermost
 * trusted proxy wrote.
 */
export type TrustProxy =
  | { readonly kind: "off" }
  | { readonly kind: "hops"; readonly hops: number }
  | { readonly kind: "list"; readonly proxies: readonly string[]; readonly match: (address: string) => boolean };

export const TRUST_NONE: TrustProxy = { kind: "off" };

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is 10.0.0.1; brackets and zone ids go. */
export function normalizeAddress(address: string): string {
  let a = address.trim();
  if (a.startsWith("[") && a.includes("]")) a = a.slice(1, a.indexOf("]"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped?.[1]) return mapped[1];
  return a.toLowerCase();
}

/**
 * `false` / `0` → off; `true` → 1 hop (the old boolean meaning); `1`, `2`, … → that
 * many hops; otherwise a comma list of addresses or CIDR ranges (`10.0.0.0/8, ::1`).
 * Throws with a readable message on anything else.
 */
export function parseTrustProxy(raw: string): TrustProxy {
  const v = raw.trim().toLowerCase();
  if (v === "" || v === "false" || v === "0") return TRUST_NONE;
  if (v === "true") return { kind: "hops", hops: 1 };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 32) throw new Error("a hop count must be at most 32");
    return { kind: "hops", hops };
  }
  const proxies = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const list = new BlockList();
  for (const p of proxies) {
    const [addr = "", bits, extra] = p.split("/");
    const address = normalizeAddress(addr);
    const family = isIP(address);
    if (family === 0 || extra !== undefined) throw new Error(`"${p}" is not an address or CIDR range`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const prefix = /^\d+$/.test(bits) ? Number(bits) : Number.NaN;
    if (!(prefix >= 0 && prefix <= (family === 4 ? 32 : 128))) throw new Error(`"${p}" has a bad prefix length`);
    list.addSubnet(address, prefix, type);
  }
  if (proxies.length === 0) throw new Error("expected false, a hop count or a list of proxy addresses");
  const match = (address: string) => {
    const a = normalizeAddress(address);
    const family = isIP(a);
    return family !== 0 && list.check(a, family === 4 ? "ipv4" : "ipv6");
  };
  return { kind: "list", proxies, match };
}

/** The parts of a request this module reads, from Hono or from a raw IncomingMessage. */
export interface RequestFacts {
  /** The TCP peer's address, when known. */
  peer: string | undefined;
  /** Whether the connection to this server itself is TLS. */
  encrypted: boolean;
  /** The Host header. */
  host: string;
  header(name: "x-forwarded-for" | "x-forwarded-proto" | "x-forwarded-host"): string | string[] | undefined;
}

/** A header's comma separated entries, across repeated headers, in order. */
function entries(v: string | string[] | undefined): string[] {
  const all = Array.isArray(v) ? v.join(",") : (v ?? "");
  return all
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** An entry counted from the right (0 = right-most); the left-most one when there are fewer. */
function fromRight(list: string[], index: number): string | undefined {
  if (list.length === 0) return undefined;
  return list[Math.max(0, list.length - 1 - index)];
}

export interface Forwarded {
  /** The client's address as far as trusted proxies vouch for it. */
  address: string;
  /** "http" or "https", as the client reached the outermost trusted proxy. */
  proto: string;
  /** The host the client asked for. */
  host: string;
  /** How many trusted proxies stood between the client and this server (0: headers ignored). */
  proxies: number;
}

export function forwarded(req: RequestFacts, trust: TrustProxy): Forwarded {
  const peer = req.peer ? normalizeAddress(req.peer) : "unknown";
  const own = { address: peer, proto: req.encrypted ? "https" : "http", host: req.host, proxies: 0 };
  if (trust.kind === "off" || (trust.kind === "hops" && trust.hops === 0)) return own;
  // Right to left: the peer, then the X-Forwarded-For entries the proxies appended.
  const chain = [peer, ...entries(req.header("x-forwarded-for")).map(normalizeAddress).reverse()];
  // n: how many of the nearest machines are trusted proxies (the peer counts as one).
  let n = 0;
  if (trust.kind === "hops") n = trust.hops;
  else while (n < chain.length && trust.match(chain[n] as string)) n++;
  if (n === 0) return own;
  const i = Math.min(n, chain.length - 1);
  // The outermost trusted proxy wrote the (n - 1)-th entry from the right of -Proto / -Host.
  const proto = fromRight(entries(req.header("x-forwarded-proto")), n - 1)?.toLowerCase();
  const host = fromRight(entries(req.header("x-forwarded-host")), n - 1);
  return {
    address: chain[i] as string,
    proto: proto === "https" || proto === "http" ? proto : own.proto,
    host: host ?? own.host,
    proxies: n,
  };
}

/** `proto://host` of the request as the client made it. */
export function forwardedOrigin(req: RequestFacts, trust: TrustProxy): string {
  const f = forwarded(req, trust);
  return `${f.proto}://${f.host}`;
}

/** The facts of a Hono request on the Node server. */
export function honoFacts(c: Context): RequestFacts {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined;
  }
  const url = new URL(c.req.url);
  return { peer, encrypted: url.protocol === "https:", host: url.host, header: (name) => c.req.header(name) };
}

/** The facts of a raw Node request (the socket.io handshake). */
export function nodeFacts(req: IncomingMessage): RequestFacts {
  return {
    peer: req.socket.remoteAddress,
    encrypted: Boolean((req.socket as TLSSocket).encrypted),
    host: req.headers.host ?? "",
    header: (name) => req.headers[name],
  };
}

export function isHttps(c: Context, trust: TrustProxy): boolean {
  return forwarded(honoFacts(c), trust).proto === "https";
}
