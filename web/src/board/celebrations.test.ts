import { describe, expect, it } from "vitest";
import { addNews, celebrateOn, crossings, enqueue, NEWS_MAX, type News } from "./celebrations.ts";
import { FONT_GROW_MAX, fill, ROW_GROW_MAX } from "./TvRotation.ts";

const row = (repId: string, attainment: number | null, revenue = 0) => ({ repId, name: `rep ${repId}`, revenue, target: 1000, attainment });
const board = (month: string, ...rows: ReturnType<typeof row>[]) => ({ month, rows });
const crossed = (n: News[]) => n.map((x) => x.repId);

describe("a rep crossing 100% of the month", () => {
  it.each([
    ["just below to exactly 100%", 0.99, 1, ["a"]],
    ["below to above", 0.5, 1.4, ["a"]],
    ["already above", 1, 1.2, []],
    ["falling back below", 1.1, 0.9, []],
    ["still below", 0.2, 0.99, []],
    ["no target before", null, 1.2, []],
    ["no target now", 0.5, null, []],
  ] as const)("%s", (_, before, after, want) => {
    expect(crossed(crossings(board("2026-12", row("a", before)), board("2026-12", row("a", after)), 1))).toEqual(want);
  });

  it("several at once, each once, with the revenue reached", () => {
    const out = crossings(
      board("2026-12", row("a", 0.9), row("b", 0.5), row("c", 0.1)),
      board("2026-12", row("a", 1.05, 1050), row("b", 2, 2000), row("c", 0.2)),
      42,
    );
    expect(out).toEqual([
      { id: "target:2026-12:a", kind: "target", repId: "a", name: "rep a", amount: 1050, target: 1000, at: 42 },
      { id: "target:2026-12:b", kind: "target", repId: "b", name: "rep b", amount: 2000, target: 1000, at: 42 },
    ]);
  });

  it("is not the first board, a rep new on the board, nor a new month", () => {
    expect(crossings(null, board("2026-12", row("a", 1.5)), 1)).toEqual([]);
    expect(crossings(board("2026-12", row("b", 0.1)), board("2026-12", row("a", 1.5), row("b", 0.2)), 1)).toEqual([]);
    expect(crossings(board("2026-11", row("a", 0.5)), board("2026-12", row("a", 1.5)), 1)).toEqual([]);
  });
});

const card = (id: string, at: number): News => ({ id, kind: "card", repId: "a", name: "A", cardType: "Gold", amount: 100, at });

describe("the day's news", () => {
  it("newest first, each once", () => {
    let day = addNews({ day: "", items: [] }, "2026-12-06", [card("1", 10), card("2", 30)]);
    day = addNews(day, "2026-12-06", [card("3", 20), card("2", 30)]);
    expect(day.items.map((n) => n.id)).toEqual(["2", "3", "1"]);
    expect(addNews(day, "2026-12-06", [card("1", 10)])).toBe(day);
  });

  it("a new club day clears the ticker", () => {
    const day = addNews({ day: "", items: [] }, "2026-12-06", [card("1", 10)]);
    expect(addNews(day, "2026-12-07", [card("2", 20)])).toEqual({ day: "2026-12-07", items: [card("2", 20)] });
    expect(addNews(day, "2026-12-07", [])).toEqual({ day: "2026-12-07", items: [] });
  });

  it(`keeps the newest ${NEWS_MAX}`, () => {
    const many = Array.from({ length: NEWS_MAX + 5 }, (_, i) => card(String(i), i));
    const day = addNews({ day: "", items: [] }, "d", many);
    expect(day.items).toHaveLength(NEWS_MAX);
    expect(day.items[0]?.id).toBe(String(NEWS_MAX + 4));
  });

  it("queues celebrations in order, each once", () => {
    const q = enqueue([card("1", 1)], [card("2", 2), card("1", 1), card("3", 3)]);
    expect(q.map((n) => n.id)).toEqual(["1", "2", "3"]);
  });

  it.each([
    ["", true],
    ["?celebrate=off", false],
    ["?celebrate=OFF&period=month", false],
    ["?celebrate=0", false],
    ["?celebrate=on", true],
  ])("%s celebrates: %s", (search, on) => {
    expect(celebrateOn(search)).toBe(on);
  });
});

describe("a short page fills the TV", () => {
  it("a full page does not grow", () => {
    expect(fill(12, 800, 40, 60)).toEqual({ grow: 1, font: 1 });
  });
  it("three rows grow to fill most of the body, never past it", () => {
    const { grow, font } = fill(3, 600, 40, 60);
    expect(grow).toBeGreaterThan(1);
    expect(font).toBe(FONT_GROW_MAX);
    expect(40 * font + 3 * 60 * grow).toBeLessThanOrEqual(600);
    expect(40 * font + 3 * 60 * grow).toBeGreaterThan(0.9 * 600);
  });
  it("one row grows at most so much", () => {
    expect(fill(1, 5000, 40, 60).grow).toBe(ROW_GROW_MAX);
  });
  it("no rows or no measure: as is", () => {
    expect(fill(0, 800, 40, 60)).toEqual({ grow: 1, font: 1 });
    expect(fill(3, 0, 40, 60)).toEqual({ grow: 1, font: 1 });
  });
});
