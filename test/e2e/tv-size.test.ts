import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BigClub, seedBigClub } from "../support/big-club.ts";
import { addRevenue, newCustomer } from "../support/club.ts";
import { call, loginAs, startTestServer, type TestServer } from "../support/harness.ts";
import { launchBrowser, newContext, signInUi } from "./support.ts";

// The wall TV of the biggest club: as many ranks as fit the screen and no more (no
// scrollbar at 1920×1080 or 1280×720), page by page through the ranking and period by
// period, readable from across the room, with a pinned period and a pause that stay.

const shots = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
mkdirSync(shots, { recursive: true });

const REPS = 600;
/** Names that must not be cut: a long Uyghur name in Chinese script, a long Latin one. */
const LONG_NAMES = ["阿卜杜热合曼·买买提明·艾合买提", "Alexandra Konstantinopoulou"];

type Row = { rank: number; repId: string; name: string };

/** The server's ranking of a period (what the TV must show, page by page). */
async function ranking(ts: TestServer, token: string, period: string): Promise<Row[]> {
  const res = await call(ts.url, "GET", `/leaderboard?period=${period}`, { token });
  if (res.status !== 200) throw new Error(`leaderboard: ${res.status}`);
  return res.body.rows;
}

interface Layout {
  n: number;
  ranks: number[];
  repsInDom: number;
  scrollHeight: number;
  scrollWidth: number;
  innerHeight: number;
  innerWidth: number;
  lastBottom: number;
  bodyBottom: number;
  rowHeight: number;
  cutNames: string[];
  spills: string[];
  period: string;
}

async function layout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="board-row"]')];
    const last = rows.at(-1)?.getBoundingClientRect();
    const body = document.querySelector(".tv-body")?.getBoundingClientRect();
    return {
      n: rows.length,
      ranks: rows.map((r) => Number(r.dataset.rank)),
      repsInDom: document.querySelectorAll("[data-rep]").length,
      scrollHeight: document.documentElement.scrollHeight,
      scrollWidth: document.documentElement.scrollWidth,
      innerHeight: window.innerHeight,
      innerWidth: window.innerWidth,
      lastBottom: last?.bottom ?? 0,
      bodyBottom: body?.bottom ?? 0,
      rowHeight: last?.height ?? 0,
      // A name is cut when its text's boxes reach past its cell (an ellipsis, a clamped
      // third line); a glyph's ascent may overhang the line box by a few pixels.
      cutNames: rows
        .map((r) => r.querySelector<HTMLElement>(".name"))
        .filter((e): e is HTMLElement => {
          if (!e) return false;
          const cell = e.getBoundingClientRect();
          const range = document.createRange();
          range.selectNodeContents(e);
          const text = range.getBoundingClientRect();
          const slack = Number.parseFloat(getComputedStyle(e).fontSize) * 0.3;
          return (
            e.scrollWidth > e.clientWidth + 1 ||
            text.right > cell.right + 1 ||
            text.bottom > cell.bottom + slack ||
            text.top < cell.top - slack
          );
        })
        .map((e) => `${e.textContent} ${e.scrollWidth}/${e.clientWidth}×${e.scrollHeight}/${e.clientHeight}`),
      // A cell whose content runs into the next column (a level chip, a 1:3 figure).
      spills: rows.flatMap((r) =>
        [...r.children]
          .filter((c) => !c.classList.contains("name") && c.scrollWidth > c.clientWidth + 1)
          .map((c) => `${c.className}: ${c.textContent} ${c.scrollWidth}/${c.clientWidth}`),
      ),
      period: document.querySelector<HTMLElement>('[data-testid="tv-period"]')?.dataset.period ?? "",
    };
  });
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Whole screen checks: one page of ranks from `first`, fitting the viewport, as many as fit. */
function expectFits(l: Layout, first: number) {
  expect(l.scrollHeight).toBeLessThanOrEqual(l.innerHeight);
  expect(l.scrollWidth).toBeLessThanOrEqual(l.innerWidth);
  expect(l.lastBottom).toBeLessThanOrEqual(l.innerHeight);
  expect(l.lastBottom).toBeLessThanOrEqual(l.bodyBottom + 0.5);
  // As many as fit: one more row would not.
  expect(l.bodyBottom - l.lastBottom).toBeLessThan(l.rowHeight);
  expect(l.ranks).toEqual(range(first, first + l.n - 1));
  // Only the rows on screen are in the DOM.
  expect(l.repsInDom).toBe(l.n);
  expect(l.cutNames).toEqual([]);
  expect(l.spills).toEqual([]);
}

describe("the wall TV of a club of 600 reps", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let big: BigClub;

  beforeAll(async () => {
    // PostgreSQL (the big club is seeded with set-based SQL), on the wall clock like the browser's.
    ts = await startTestServer({}, new Date().toISOString(), "postgres");
    ts.clock.now = () => new Date();
    ({ browser, close: closeBrowser } = await launchBrowser());
    big = await seedBigClub(ts, { slug: "e2e-tv-big", reps: REPS, customers: 6_000, contactsEarlier: 5_000 });
    // Two of this month's top five get names that do not fit one line (renamed as a manager would).
    const top = await ranking(ts, big.manager.token, "month");
    for (const [i, name] of [
      [1, LONG_NAMES[0]],
      [4, LONG_NAMES[1]],
    ] as const) {
      const res = await call(ts.url, "PATCH", `/users/${top[i]?.repId}`, { token: big.manager.token, body: { name } });
      expect(res.status).toBe(200);
    }
  }, 240_000);
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  const openTv = async (viewport: { width: number; height: number }, query: string) => {
    const ctx = await newContext(browser, { viewport });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, big.slug, big.manager.email, big.manager.password);
    await page.waitForURL(/\/board$/);
    await page.goto(`${ts.url}/tv${query}`);
    await page.locator('[data-testid="board-row"][data-rank="1"]').waitFor({ timeout: 30_000 });
    await page.locator(".tv .live-dot.on").waitFor();
    return { ctx, page };
  };
  const firstRank = (page: Page) => page.locator('[data-testid="board-row"]').first().getAttribute("data-rank");
  /** The reps on screen, in order: the server's ranking of `period` from `from`, N of them. */
  const expectRanking = async (page: Page, period: string, from: number) => {
    const shown = await page.locator('[data-testid="board-row"]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.rep));
    const server = await ranking(ts, big.manager.token, period);
    expect(shown).toEqual(server.slice(from - 1, from - 1 + shown.length).map((r) => r.repId));
  };

  it("at 1920×1080: ranks 1–N (N > 10) fill the screen without scrolling in large type, then N+1–2N, 2N+1–3N, then the quarter and the year", async () => {
    const { ctx, page } = await openTv({ width: 1920, height: 1080 }, "?every=6&pages=3");
    await page.evaluate(() => localStorage.removeItem("clubhouse.tv.v1"));
    await expect.poll(async () => (await layout(page)).n, { timeout: 10_000 }).toBeGreaterThan(10);
    const l = await layout(page);
    expect(l.period).toBe("month");
    expectFits(l, 1);
    await expectRanking(page, "month", 1);
    const n = l.n;
    // Today's contacts: the server's count of the club's day (thousands, with the reader's separator), not a sum in the browser.
    expect(big.counts.contactsToday).toBeGreaterThanOrEqual(1_000);
    await expect.poll(() => page.getByTestId("board-today-total").textContent()).toBe(big.counts.contactsToday.toLocaleString("zh-CN"));

    // Readable across a room: every figure of a row, and the page indicator, at least ~28 px.
    const sizes = await page.evaluate(() => {
      const px = (sel: string) => [...document.querySelectorAll(sel)].map((e) => Number.parseFloat(getComputedStyle(e).fontSize));
      return {
        main: [
          ...px(".tv-row:not(.head) .rank"),
          ...px(".tv-row .name:not(.long)"),
          ...px(".tv-row .att strong"),
          ...px(".tv-row .money strong"),
          ...px(".tv-row .ratio"),
          ...px(".tv-row .today"),
          ...px(".tv-period"),
          ...px(".tv-where"),
          ...px(".tv-next"),
          ...px(".tv-chip"),
        ],
        long: px(".tv-row .name.long"),
        chips: px(".tv-row .chip"),
        heads: px(".tv-row.head th"),
      };
    });
    expect(Math.min(...sizes.main)).toBeGreaterThanOrEqual(28);
    expect(sizes.long.length).toBeGreaterThan(0); // the long name on page one: smaller, on two lines, whole
    expect(Math.min(...sizes.long)).toBeGreaterThanOrEqual(26);
    expect(Math.min(...sizes.chips, ...sizes.heads)).toBeGreaterThanOrEqual(22);
    expect(await page.getByTestId("tv-page").textContent()).toContain(`第 1–${n} 名`);
    expect(await page.getByTestId("tv-next").textContent()).toMatch(new RegExp(`\\d+ 秒后：第 ${n + 1}–${2 * n} 名`));
    await page.screenshot({ path: resolve(shots, "tv-big.png") });

    // The next pages of the ranking.
    await expect.poll(() => firstRank(page), { timeout: 12_000 }).toBe(String(n + 1));
    expectFits(await layout(page), n + 1);
    expect((await layout(page)).n).toBe(n);
    await expectRanking(page, "month", n + 1);
    await expect.poll(() => firstRank(page), { timeout: 12_000 }).toBe(String(2 * n + 1));
    expectFits(await layout(page), 2 * n + 1);
    await expectRanking(page, "month", 2 * n + 1);
    expect(await page.getByTestId("tv-next").textContent()).toContain("本季度");

    // Then the next period from rank 1 again, with its own ranking; then the year's.
    await expect.poll(async () => (await layout(page)).period, { timeout: 12_000 }).toBe("quarter");
    await expect.poll(() => firstRank(page)).toBe("1");
    expectFits(await layout(page), 1);
    await expectRanking(page, "quarter", 1);
    await expect.poll(async () => (await layout(page)).period, { timeout: 30_000 }).toBe("year");
    await expect.poll(() => firstRank(page)).toBe("1");
    expectFits(await layout(page), 1);
    await expectRanking(page, "year", 1);
    await ctx.close();
  });

  it("at 1280×720 the same screen fits, every row whole", async () => {
    const { ctx, page } = await openTv({ width: 1280, height: 720 }, "?every=60");
    await expect.poll(async () => (await layout(page)).n, { timeout: 10_000 }).toBeGreaterThan(8);
    expectFits(await layout(page), 1);
    const min = await page.evaluate(() =>
      Math.min(
        ...[...document.querySelectorAll(".tv-row:not(.head) .rank, .tv-row .name, .tv-row .money strong")].map((e) =>
          Number.parseFloat(getComputedStyle(e).fontSize),
        ),
      ),
    );
    expect(min).toBeGreaterThanOrEqual(18);
    await page.screenshot({ path: resolve(shots, "tv-720.png") });
    await ctx.close();
  });

  it("a pinned period stays (across a reload), a pause holds the page, and the board still moves live", async () => {
    const { ctx, page } = await openTv({ width: 1920, height: 1080 }, "?every=3&pages=2");
    await page.evaluate(() => localStorage.removeItem("clubhouse.tv.v1"));
    // Pin the year with the small control: the year shows, from rank 1, and stays the year.
    await page.getByTestId("tv-pin-year").click();
    await expect.poll(async () => (await layout(page)).period).toBe("year");
    expect(await page.getByTestId("tv-pin-year").getAttribute("aria-pressed")).toBe("true");
    const n = (await layout(page)).n;
    const seen = new Set<string>();
    const until = Date.now() + 8_000;
    while (Date.now() < until) {
      seen.add((await layout(page)).period);
      await page.waitForTimeout(250);
    }
    expect([...seen]).toEqual(["year"]);
    // Kept small on the TV's browser, and after a reload.
    const kept = await page.evaluate(() => localStorage.getItem("clubhouse.tv.v1") ?? "");
    expect(JSON.parse(kept)).toEqual({ pin: "year", paused: false });
    expect(kept.length).toBeLessThan(64);
    await page.reload();
    await page.locator('[data-testid="board-row"]').first().waitFor();
    await expect.poll(async () => (await layout(page)).period).toBe("year");

    // Keys: 1 pins the month; Space pauses (the page holds); 0 rotates again; Space resumes.
    await page.keyboard.press("1");
    await expect.poll(async () => (await layout(page)).period).toBe("month");
    await expect.poll(() => firstRank(page), { timeout: 10_000 }).toBe("1");
    await page.keyboard.press("Space");
    await expect.poll(() => page.getByTestId("tv-next").textContent()).toBe("已暂停");
    expect(JSON.parse(await page.evaluate(() => localStorage.getItem("clubhouse.tv.v1") ?? ""))).toEqual({ pin: "month", paused: true });
    const held = await firstRank(page);
    await page.waitForTimeout(7_000);
    expect(await firstRank(page)).toBe(held);
    expect((await layout(page)).period).toBe("month");
    await page.keyboard.press("ArrowRight");
    await expect.poll(() => firstRank(page)).toBe(String(held === "1" ? n + 1 : 1));
    await page.keyboard.press("ArrowLeft");
    await expect.poll(() => firstRank(page)).toBe(held);

    // Live, while paused on ranks 1–N of the month: a rep from the bottom of the board takes the lead.
    const rep = big.reps.at(-1);
    if (!rep) throw new Error("no reps");
    const repToken = await loginAs(ts.url, big.slug, rep.email, big.repPassword);
    const c = await newCustomer(ts.url, repToken, { name: "华润置地（北京）有限公司", status: "active" });
    await addRevenue(ts.url, big.manager.token, { customerId: c.id, amount: 90_000_000, occurredAt: new Date().toISOString() });
    await expect.poll(() => page.locator('[data-testid="board-row"]').first().getAttribute("data-rep"), { timeout: 20_000 }).toBe(rep.id);
    expectFits(await layout(page), 1);

    await page.keyboard.press("0");
    await page.keyboard.press("Space");
    expect(JSON.parse(await page.evaluate(() => localStorage.getItem("clubhouse.tv.v1") ?? ""))).toEqual({ pin: null, paused: false });
    await expect.poll(() => page.getByTestId("tv-next").textContent()).toMatch(/秒后/);
    await ctx.close();
  });
});
