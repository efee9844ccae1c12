import { describe, expect, it } from "vitest";
import { acceptsGzip, noneMatch } from "./derived-cache.ts";

describe("acceptsGzip (Accept-Encoding)", () => {
  it.each([
    [undefined, false],
    ["", false],
    ["gzip", true],
    ["GZIP", true],
    ["Gzip", true],
    ["gzip, deflate, br", true],
    ["br, gzip", true],
    ["deflate,gzip", true],
    ["br;q=1.0, gzip;q=0.8, *;q=0.1", true],
    ["gzip;q=0.5", true],
    ["gzip; q=0.001", true],
    ["gzip;q=1", true],
    ["*", true],
    ["identity, *;q=0.5", true],
    ["gzip;q=0", false],
    ["gzip; q=0", false],
    ["gzip;q=0.0", false],
    ["gzip;q=0.000", false],
    ["*;q=0", false],
    ["identity", false],
    ["br", false],
    ["deflate, br, zstd", false],
    ["x-gzip", false],
    ["gzipper", false],
    ["br, gzip;q=0", false],
    ["gzip;q=0, *", false],
    ["*, gzip;q=0", false],
    ["*;q=0, gzip", true],
  ] as const)("%j → %s", (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});

describe("noneMatch (If-None-Match)", () => {
  it.each([
    [undefined, false],
    ["", false],
    ['"abc"', true],
    ['W/"abc"', true],
    ['"x", "abc"', true],
    ['"x","y"', false],
    ["*", true],
    [" * ", true],
    ['"abc-gz"', false],
    ["abc", false],
  ] as const)("%j → %s", (header, expected) => {
    expect(noneMatch(header, '"abc"')).toBe(expected);
  });
});
