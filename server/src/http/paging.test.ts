import { describe, expect, it } from "vitest";
import { ValidationError } from "../errors.ts";
import { cursorPart, decodeCursor, encodeCursor } from "./paging.ts";

const ID = "0b7e6a52-3c1d-4f0e-9a8b-2c3d4e5f6a7b";
const raw = (text: string) => Buffer.from(text).toString("base64url");
const instantId = [cursorPart.instant, cursorPart.uuid] as const;

describe("decodeCursor gives back what encodeCursor wrote", () => {
  it.each([
    [instantId, ["2026-02-10T02:00:00.000Z", ID]],
    [instantId, ["0001-01-01T00:00:00Z", ID]],
    [instantId, ["2026-02-10T10:00:00+08:00", ID]],
    [
      [cursorPart.day, cursorPart.uuid],
      ["2024-02-29", ID],
    ],
    [
      [cursorPart.week, cursorPart.uuid],
      ["2026-W53", ID],
    ],
    [
      [cursorPart.text, cursorPart.uuid],
      ["华".repeat(200), ID],
    ],
    [
      [cursorPart.text, cursorPart.uuid],
      ["", ID],
    ],
    [[cursorPart.offset], [0]],
    [[cursorPart.offset], [Number.MAX_SAFE_INTEGER]],
  ] as const)("%#: %j", (schema, parts) => {
    expect(decodeCursor(encodeCursor([...parts]), schema)).toEqual(parts);
  });

  it("no cursor is no cursor", () => expect(decodeCursor(undefined, instantId)).toBeUndefined());
});

describe("anything else is a 400 naming cursor", () => {
  it.each([
    ["huge number", instantId, [1e308, "x"]],
    ["number for an instant", instantId, [1e308, ID]],
    ["not a date", instantId, ["x", ID]],
    ["30 February", instantId, ["2026-02-30T00:00:00.000Z", ID]],
    ["hour 24", instantId, ["2026-02-10T24:00:00Z", ID]],
    ["year 0", instantId, ["0000-01-01T00:00:00Z", ID]],
    ["expanded year", instantId, ["+275760-09-13T00:00:00.000Z", ID]],
    ["five-digit year", instantId, ["99999-01-01T00:00:00Z", ID]],
    ["a day for an instant", instantId, ["2026-02-10", ID]],
    ["not a uuid", instantId, ["2026-02-10T02:00:00.000Z", "x"]],
    ["uuid with a g", instantId, ["2026-02-10T02:00:00.000Z", "0b7e6a52-3c1d-4f0e-9a8b-2c3d4e5f6a7g"]],
    ["null", instantId, [null, ID]],
    ["object", instantId, [{}, ID]],
    ["too few", instantId, ["2026-02-10T02:00:00.000Z"]],
    ["too many", instantId, ["2026-02-10T02:00:00.000Z", ID, ID]],
    ["bad day", [cursorPart.day, cursorPart.uuid], ["2026-02-29", ID]],
    ["week 54", [cursorPart.week, cursorPart.uuid], ["2026-W54", ID]],
    ["text too long", [cursorPart.text, cursorPart.uuid], ["x".repeat(501), ID]],
    ["NUL in text", [cursorPart.text, cursorPart.uuid], ["a\u0000b", ID]],
    ["number for text", [cursorPart.text, cursorPart.uuid], [1, ID]],
    ["negative offset", [cursorPart.offset], [-1]],
    ["fractional offset", [cursorPart.offset], [0.5]],
    ["unsafe offset", [cursorPart.offset], [2 ** 53]],
    ["string offset", [cursorPart.offset], ["1"]],
  ] as const)("%s", (_, schema, parts) => {
    expect(() => decodeCursor(encodeCursor(parts as unknown as (string | number)[]), schema)).toThrow(ValidationError);
  });

  it.each(["", "garbage!", "%ZZ", raw("{}"), raw("null"), raw("[1,"), raw('{"0":1,"length":1}'), "////"])("%j", (cursor) => {
    try {
      decodeCursor(cursor, [cursorPart.offset]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).fields).toHaveProperty("cursor");
    }
  });
});
