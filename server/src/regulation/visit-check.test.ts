import { describe, expect, it } from "vitest";
import { distanceMeters, EARTH_RADIUS_M, positionUsable, verifiedShare, visitCheck } from "./visit-check.ts";

/** Metres along a meridian as degrees of latitude (one degree is 2πR/360 ≈ 111,195 m). */
const north = (m: number) => (m * 360) / (2 * Math.PI * EARTH_RADIUS_M);
const pin = { lat: 31.2304, lng: 121.4737 }; // Shanghai, People's Square
const at = new Date("2026-05-03T10:00:00Z");
const pos = (metresNorth: number, accuracy = 10, takenAt?: Date | null) => ({
  lat: pin.lat + north(metresNorth),
  lng: pin.lng,
  accuracy,
  takenAt,
});

describe("distanceMeters (haversine, R = 6,371,008.8 m, whole metres)", () => {
  it.each([
    ["the same point", { lat: 10, lng: 20 }, { lat: 10, lng: 20 }, 0],
    ["one degree of latitude", { lat: 0, lng: 0 }, { lat: 1, lng: 0 }, 111_195],
    ["one degree of longitude on the equator", { lat: 0, lng: 0 }, { lat: 0, lng: 1 }, 111_195],
    ["across the antimeridian, not around the world", { lat: 0, lng: 179.999 }, { lat: 0, lng: -179.999 }, 222],
    ["at the pole every longitude is one point", { lat: 90, lng: 0 }, { lat: 90, lng: 120 }, 0],
    ["over the pole", { lat: 89.999, lng: 0 }, { lat: 89.999, lng: 180 }, 222],
    ["antipodes: half the circumference", { lat: 0, lng: 0 }, { lat: 0, lng: 180 }, 20_015_114],
    ["Shanghai to Beijing", { lat: 31.2304, lng: 121.4737 }, { lat: 39.9042, lng: 116.4074 }, 1_067_312],
  ])("%s", (_name, a, b, metres) => {
    expect(distanceMeters(a, b)).toBe(metres);
    expect(distanceMeters(b, a)).toBe(metres);
  });

  it("rounds to whole metres", () => {
    expect(distanceMeters(pin, { lat: pin.lat + north(299.4), lng: pin.lng })).toBe(299);
    expect(distanceMeters(pin, { lat: pin.lat + north(299.6), lng: pin.lng })).toBe(300);
  });
});

describe("visitCheck", () => {
  const base = { inPerson: true, pin, radiusM: 300, occurredAt: at };
  it.each([
    // name, position, pin, radius, expected state, distance
    ["not in person: no check", { ...base, inPerson: false, position: pos(0) }, null],
    ["no position (refused, unavailable, timeout)", { ...base, position: null }, { state: "no_position", distanceM: null }],
    ["no position and no pin: no_position first", { ...base, position: undefined, pin: null }, { state: "no_position", distanceM: null }],
    ["a position but no pin", { ...base, pin: null, position: pos(0) }, { state: "no_pin", distanceM: null }],
    ["at the pin", { ...base, position: pos(0) }, { state: "on_site", distanceM: 0 }],
    ["inside the radius", { ...base, position: pos(250, 5) }, { state: "on_site", distanceM: 250 }],
    ["exactly radius + accuracy: on the boundary is on site", { ...base, position: pos(310, 10) }, { state: "on_site", distanceM: 310 }],
    ["one metre past radius + accuracy", { ...base, position: pos(311, 10) }, { state: "off_site", distanceM: 311 }],
    [
      "accuracy above the radius allows the radius once more, no further",
      { ...base, position: pos(600, 2000) },
      { state: "on_site", distanceM: 600 },
    ],
    ["… and one metre past it is off site", { ...base, position: pos(601, 2000) }, { state: "off_site", distanceM: 601 }],
    ["2 km away", { ...base, position: pos(2000, 20) }, { state: "off_site", distanceM: 2000 }],
    ["a smaller club radius", { ...base, radiusM: 50, position: pos(101, 60) }, { state: "off_site", distanceM: 101 }],
    ["a larger club radius", { ...base, radiusM: 5000, position: pos(4999, 1) }, { state: "on_site", distanceM: 4999 }],
  ] as const)("%s", (_name, input, expected) => {
    expect(visitCheck(input)).toEqual(expected);
  });

  it("across the antimeridian and at the poles", () => {
    const fiji = { lat: -17, lng: 179.9995 };
    expect(visitCheck({ ...base, pin: fiji, position: { lat: -17, lng: -179.9995, accuracy: 5 } })).toEqual({
      state: "on_site",
      distanceM: 106,
    });
    expect(visitCheck({ ...base, pin: { lat: 90, lng: 0 }, position: { lat: 90, lng: -150, accuracy: 5 } })).toEqual({
      state: "on_site",
      distanceM: 0,
    });
    expect(visitCheck({ ...base, pin: { lat: -89.99, lng: 0 }, position: { lat: -89.99, lng: 180, accuracy: 5 } })).toEqual({
      state: "off_site",
      distanceM: 2224,
    });
  });

  it.each([
    ["taken at logging (no takenAt)", undefined, "on_site"],
    ["taken exactly 15 minutes before", new Date(at.getTime() - 15 * 60_000), "on_site"],
    ["taken exactly 15 minutes after", new Date(at.getTime() + 15 * 60_000), "on_site"],
    ["taken 15 minutes and a millisecond before: stale", new Date(at.getTime() - 15 * 60_000 - 1), "no_position"],
    ["taken 15 minutes and a millisecond after", new Date(at.getTime() + 15 * 60_000 + 1), "no_position"],
    ["taken an hour before", new Date(at.getTime() - 3_600_000), "no_position"],
  ])("a position %s", (_name, takenAt, state) => {
    expect(visitCheck({ ...base, position: pos(20, 10, takenAt) })?.state).toBe(state);
    expect(positionUsable(pos(20, 10, takenAt), at)).toBe(state === "on_site");
  });
});

describe("verifiedShare", () => {
  it.each([
    [{ inPerson: 0, onSite: 0, accepted: 0 }, null],
    [{ inPerson: 4, onSite: 2, accepted: 1 }, 0.75],
    [{ inPerson: 3, onSite: 3, accepted: 0 }, 1],
    [{ inPerson: 5, onSite: 0, accepted: 0 }, 0],
  ])("%o → %s", (c, share) => {
    expect(verifiedShare(c)).toBe(share);
  });
});
