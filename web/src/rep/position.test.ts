import { describe, expect, it, vi } from "vitest";
import { distanceText, fromError, fromReading, MAX_ACCURACY_M, takePosition } from "./position.ts";

const reading = (latitude: number, longitude: number, accuracy: number, timestamp = Date.parse("2026-05-04T02:00:00Z")) => ({
  coords: { latitude, longitude, accuracy },
  timestamp,
});

describe("the position a verified visit carries", () => {
  it.each([
    [
      "a good fix",
      reading(39.9087, 116.3975, 12),
      { position: { lat: 39.9087, lng: 116.3975, accuracy: 12, takenAt: "2026-05-04T02:00:00.000Z" } },
    ],
    [
      "the coarsest fix the server takes",
      reading(0, 0, MAX_ACCURACY_M),
      { position: { lat: 0, lng: 0, accuracy: 5000, takenAt: "2026-05-04T02:00:00.000Z" } },
    ],
    ["a network guess coarser than 5 km: no usable position", reading(0, 0, MAX_ACCURACY_M + 1), { positionError: "unavailable" }],
    [
      "a sub-metre claim counts as 1 m (the server takes > 0)",
      reading(1, 2, 0),
      { position: { lat: 1, lng: 2, accuracy: 1, takenAt: "2026-05-04T02:00:00.000Z" } },
    ],
    [
      "the antimeridian and a pole are positions",
      reading(-90, 180, 30),
      { position: { lat: -90, lng: 180, accuracy: 30, takenAt: "2026-05-04T02:00:00.000Z" } },
    ],
    ["out of range", reading(91, 0, 10), { positionError: "unavailable" }],
    ["not a number", reading(Number.NaN, 0, 10), { positionError: "unavailable" }],
  ])("%s", (_, r, expected) => {
    expect(fromReading(r)).toEqual(expected);
  });

  it("takes the reading's time, or now when the browser gives none", () => {
    const before = Date.now();
    const r = fromReading(reading(1, 1, 5, 0));
    expect("position" in r && Date.parse(r.position.takenAt)).toBeGreaterThanOrEqual(before);
  });

  it.each([
    [1, "denied"],
    [2, "unavailable"],
    [3, "timeout"],
    [99, "unavailable"],
  ])("the browser's error %i is %s", (code, word) => {
    expect(fromError(code)).toBe(word);
  });

  it.each([
    [0, "0 米"],
    [35.4, "35 米"],
    [999, "999 米"],
    [1_000, "1.0 公里"],
    [2_149, "2.1 公里"],
    [99_940, "99.9 公里"],
    [123_456, "123 公里"],
  ])("%d m reads %s", (m, text) => {
    expect(distanceText(m, { m: "米", km: "公里" })).toBe(text);
  });
});

describe("reading the position once", () => {
  const geo = (fn: (ok: PositionCallback, fail: PositionErrorCallback, opts?: PositionOptions) => void) =>
    ({ getCurrentPosition: vi.fn(fn) }) as unknown as Geolocation;

  it("asks once, with high accuracy, an 8 s timeout and a fix at most a minute old", async () => {
    const g = geo((ok) => ok(reading(30, 120, 8) as unknown as GeolocationPosition));
    const r = await takePosition(g);
    expect(r).toMatchObject({ position: { lat: 30, lng: 120, accuracy: 8 } });
    expect(g.getCurrentPosition).toHaveBeenCalledTimes(1);
    expect(vi.mocked(g.getCurrentPosition).mock.calls[0]?.[2]).toEqual({ enableHighAccuracy: true, timeout: 8_000, maximumAge: 60_000 });
  });

  it("answers why there is none: refused, no fix, too slow", async () => {
    for (const [code, word] of [
      [1, "denied"],
      [2, "unavailable"],
      [3, "timeout"],
    ] as const) {
      const g = geo((_, fail) => fail({ code, message: "" } as GeolocationPositionError));
      expect(await takePosition(g)).toEqual({ positionError: word });
    }
  });

  it("no geolocation at all is unavailable; a browser that never answers is cut off as a timeout", async () => {
    expect(await takePosition(undefined)).toEqual({ positionError: "unavailable" });
    vi.useFakeTimers();
    try {
      const pending = takePosition(geo(() => {}));
      await vi.advanceTimersByTimeAsync(12_001);
      expect(await pending).toEqual({ positionError: "timeout" });
    } finally {
      vi.useRealTimers();
    }
  });
});
