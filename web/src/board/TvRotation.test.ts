import { describe, expect, it } from "vitest";
import { boardPages, nameWidth, panelsFor, step, urlOptions } from "./TvRotation.ts";

describe("the TV's rotation", () => {
  it.each([
    [600, 12, 3, 3],
    [600, 12, 20, 20],
    [30, 12, 3, 3],
    [24, 12, 3, 2],
    [12, 12, 3, 1],
    [5, 12, 3, 1],
    [0, 12, 3, 1],
    [600, 0, 3, 1],
  ])("%i rows at %i a page, at most %i pages: %i", (rows, perPage, max, pages) => {
    expect(boardPages(rows, perPage, max)).toBe(pages);
  });

  it("goes page by page, then to the next panel's first page, and round", () => {
    const pages = [3, 2, 1];
    const of = (p: number) => pages[p] ?? 1;
    const seen = [{ panel: 0, page: 0 }];
    for (let i = 0; i < 6; i++) seen.push(step(seen.at(-1)!, 3, of));
    expect(seen.map((s) => `${s.panel}.${s.page}`)).toEqual(["0.0", "0.1", "0.2", "1.0", "1.1", "2.0", "0.0"]);
    // and back: the previous panel's last page
    expect(step({ panel: 1, page: 0 }, 3, of, -1)).toEqual({ panel: 0, page: 2 });
    expect(step({ panel: 0, page: 0 }, 3, of, -1)).toEqual({ panel: 2, page: 0 });
    expect(step({ panel: 0, page: 2 }, 3, of, -1)).toEqual({ panel: 0, page: 1 });
  });

  it("a pinned period is the only panel; its pages still turn", () => {
    expect(panelsFor("quarter")).toEqual([{ kind: "board", period: "quarter" }]);
    expect(panelsFor(null).map((p) => p.period)).toEqual(["month", "quarter", "year"]);
    expect(step({ panel: 0, page: 2 }, 1, () => 3)).toEqual({ panel: 0, page: 0 });
  });

  it("reads its settings from the address, within bounds", () => {
    expect(urlOptions("")).toEqual({ pin: null, pages: 3, everyMs: 15_000, team: null });
    expect(urlOptions("?period=year&pages=5&every=4")).toEqual({ pin: "year", pages: 5, everyMs: 4_000, team: null });
    expect(urlOptions("?period=week&pages=0&every=1")).toEqual({ pin: null, pages: 1, everyMs: 2_000, team: null });
    expect(urlOptions("?pages=abc&every=99999")).toEqual({ pin: null, pages: 3, everyMs: 600_000, team: null });
    const id = "0B7D5A3E-1C2F-4A5B-8C9D-0E1F2A3B4C5D";
    expect(urlOptions(`?team=${id}`).team).toBe(id.toLowerCase());
    expect(urlOptions("?team=blue").team).toBeNull();
    expect(urlOptions("?team=").team).toBeNull();
  });

  it("rotates each period's board, team race and chosen team, in that order", () => {
    const all = panelsFor(null, { teams: true, team: "t1" });
    expect(all.map((p) => `${p.kind}:${p.period}`)).toEqual([
      "board:month",
      "teams:month",
      "team:month",
      "board:quarter",
      "teams:quarter",
      "team:quarter",
      "board:year",
      "teams:year",
      "team:year",
    ]);
    expect(all.filter((p) => p.kind === "team").every((p) => p.kind === "team" && p.teamId === "t1")).toBe(true);
    // a club without teams rotates its boards only; a pinned period keeps its race and team
    expect(panelsFor(null, { teams: false, team: null })).toEqual(panelsFor(null));
    expect(panelsFor("year", { teams: true, team: "t1" }).map((p) => p.kind)).toEqual(["board", "teams", "team"]);
    // a race of 1 page, a team of 2: board 0.0 0.1 → race → team 0.0 0.1 → next period's board
    const pages = [2, 1, 2, 1, 1, 1];
    const seen = [{ panel: 0, page: 0 }];
    for (let i = 0; i < 6; i++) seen.push(step(seen.at(-1)!, 6, (p) => pages[p] ?? 1));
    expect(seen.map((s) => `${s.panel}.${s.page}`)).toEqual(["0.0", "0.1", "1.0", "2.0", "2.1", "3.0", "4.0"]);
  });

  it("measures a name in CJK characters", () => {
    expect(nameWidth("王伟")).toBe(2);
    expect(nameWidth("阿卜杜热合曼·买买提明·艾合买提")).toBeCloseTo(14 + 2 * 0.55);
    expect(nameWidth("Alexandra")).toBeCloseTo(9 * 0.55);
  });
});
