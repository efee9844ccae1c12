import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import { ownOrigin } from "../realtime/handshake.ts";
import { forwarded, forwardedOrigin, parseTrustProxy, type RequestFacts } from "./forwarded.ts";

function req(peer: string, headers: { xff?: string | string[]; proto?: string; host?: string } = {}, encrypted = false): RequestFacts {
  return {
    peer,
    encrypted,
    host: "app.internal:3000",
    header: (name) => (name === "x-forwarded-for" ? headers.xff : name === "x-forwarded-proto" ? headers.proto : headers.host),
  };
}

describe("TRUST_PROXY parsing", () => {
  it.each([
    ["false", { kind: "off" }],
    ["0", { kind: "off" }],
    ["", { kind: "off" }],
    ["true", { kind: "hops", hops: 1 }],
    ["TRUE", { kind: "hops", hops: 1 }],
    ["1", { kind: "hops", hops: 1 }],
    ["2", { kind: "hops", hops: 2 }],
  ])("%j → %j", (raw, expected) => {
    expect(parseTrustProxy(raw)).toEqual(expected);
  });

  it("reads a list of addresses and CIDR ranges, IPv4 and IPv6", () => {
    const t = parseTrustProxy(" 10.0.0.0/8, 192.168.1.7 ,::1, fd00::/8");
    if (t.kind !== "list") throw new Error("expected a list");
    expect(t.proxies).toEqual(["10.0.0.0/8", "192.168.1.7", "::1", "fd00::/8"]);
    expect(t.match("10.200.3.4")).toBe(true);
    expect(t.match("::ffff:10.1.1.1")).toBe(true);
    expect(t.match("192.168.1.7")).toBe(true);
    expect(t.match("192.168.1.8")).toBe(false);
    expect(t.match("::1")).toBe(true);
    expect(t.match("fd12::5")).toBe(true);
    expect(t.match("fe80::1")).toBe(false);
    expect(t.match("not an address")).toBe(false);
  });

  it.each(["yes", "10.0.0.0/33", "10.0.0/8", "::1/129", "1.2.3.4/8/9", "33", "proxy.example.com"])("refuses %j", (raw) => {
    expect(() => parseTrustProxy(raw)).toThrow();
  });

  it("is what the configuration holds, and a bad value stops the server from starting", () => {
    expect(loadConfig({}).TRUST_PROXY).toEqual({ kind: "off" });
    expect(loadConfig({ TRUST_PROXY: "true" }).TRUST_PROXY).toEqual({ kind: "hops", hops: 1 });
    expect(loadConfig({ TRUST_PROXY: "2" }).TRUST_PROXY).toEqual({ kind: "hops", hops: 2 });
    expect(() => loadConfig({ TRUST_PROXY: "yes" })).toThrow(/TRUST_PROXY/);
  });
});

describe("client address and protocol, read from the right", () => {
  const off = parseTrustProxy("false");
  const one = parseTrustProxy("1");
  const two = parseTrustProxy("2");
  const list = parseTrustProxy("10.0.0.0/8, 172.16.0.5");

  it.each([
    // [what, trust, peer, X-Forwarded-For, expected address]
    ["off: the headers are ignored", off, "10.0.0.2", "6.6.6.6", "10.0.0.2"],
    ["off: the peer, IPv4-mapped, is plain IPv4", off, "::ffff:127.0.0.1", undefined, "127.0.0.1"],
    ["1 hop: the right-most entry", one, "10.0.0.2", "6.6.6.6, 203.0.113.9", "203.0.113.9"],
    ["1 hop: a spoofed left part changes nothing", one, "10.0.0.2", "1.1.1.1, 2.2.2.2, 203.0.113.9", "203.0.113.9"],
    ["1 hop: repeated headers are one list", one, "10.0.0.2", ["1.1.1.1", "203.0.113.9"], "203.0.113.9"],
    ["1 hop: no header, the peer", one, "10.0.0.2", undefined, "10.0.0.2"],
    ["2 hops: the second from the right", two, "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.7", "203.0.113.9"],
    ["2 hops: fewer entries, the left-most", two, "10.0.0.2", "203.0.113.9", "203.0.113.9"],
    ["list: skips the listed proxies", list, "10.0.0.2", "6.6.6.6, 203.0.113.9, 172.16.0.5, 10.9.9.9", "203.0.113.9"],
    ["list: an unlisted peer is the client", list, "198.51.100.1", "6.6.6.6", "198.51.100.1"],
    ["list: all trusted, the left-most", list, "10.0.0.2", "10.0.0.3", "10.0.0.3"],
  ] as const)("%s", (_what, trust, peer, xff, expected) => {
    expect(forwarded(req(peer, { xff: xff as string | string[] | undefined }), trust).address).toBe(expected);
  });

  it.each([
    // [what, trust, peer, X-Forwarded-For, X-Forwarded-Proto, expected protocol]
    ["off: a claimed https is ignored", off, "10.0.0.2", "1.2.3.4", "https", "http"],
    ["1 hop: the proxy appended https to the client's http", one, "10.0.0.2", "1.2.3.4", "http, https", "https"],
    ["1 hop: the proxy appended http to the client's https", one, "10.0.0.2", "1.2.3.4", "https, http", "http"],
    ["1 hop: a proxy that only sets -Proto", one, "10.0.0.2", undefined, "https", "https"],
    ["2 hops: the outer proxy's entry", two, "10.0.0.2", "1.2.3.4, 10.0.0.9", "http, https, http", "https"],
    ["2 hops: one overwritten entry", two, "10.0.0.2", "1.2.3.4, 10.0.0.9", "https", "https"],
    ["list: the outermost listed proxy's entry", list, "10.0.0.2", "1.2.3.4, 172.16.0.5", "http, https, http", "https"],
    ["list: an unlisted peer's claim is ignored", list, "198.51.100.1", "1.2.3.4", "https", "http"],
    ["garbage falls back to the connection's own", one, "10.0.0.2", "1.2.3.4", "gopher", "http"],
  ] as const)("%s", (_what, trust, peer, xff, proto, expected) => {
    expect(forwarded(req(peer, { xff, proto }), trust).proto).toBe(expected);
  });

  it("builds the origin from the trusted entries, the own host and scheme otherwise", () => {
    expect(forwardedOrigin(req("10.0.0.2", { xff: "1.2.3.4", proto: "https", host: "evil.test, club.example.com" }), one)).toBe(
      "https://club.example.com",
    );
    expect(forwardedOrigin(req("10.0.0.2", { xff: "1.2.3.4", proto: "http", host: "club.example.com" }), off)).toBe(
      "http://app.internal:3000",
    );
    expect(forwardedOrigin(req("10.0.0.2", {}, true), off)).toBe("https://app.internal:3000");
  });
});

describe("the socket handshake's own origin", () => {
  const handshake = (headers: Record<string, string>) =>
    ({
      socket: { remoteAddress: "::ffff:10.0.0.2", encrypted: false },
      headers: { host: "app.internal:3000", ...headers },
    }) as unknown as IncomingMessage;

  it("reads X-Forwarded-Proto / -Host from the right, like HTTP requests", () => {
    const req = handshake({
      "x-forwarded-for": "1.2.3.4",
      "x-forwarded-proto": "http, https",
      "x-forwarded-host": "evil.test, club.example.com",
    });
    expect(ownOrigin(req, parseTrustProxy("1"))).toBe("https://club.example.com");
    expect(ownOrigin(req, parseTrustProxy("false"))).toBe("http://app.internal:3000");
    expect(ownOrigin(req, parseTrustProxy("192.168.0.0/16"))).toBe("http://app.internal:3000");
    expect(ownOrigin(req, parseTrustProxy("10.0.0.0/8"))).toBe("https://club.example.com");
  });
});
