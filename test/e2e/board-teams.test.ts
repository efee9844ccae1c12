import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BigClub, seedBigClub } from "../support/big-club.ts";
import { call, startTestServer, type TestServer } from "../support/harness.ts";
import { addPerson } from "../support/teams.ts";
import { expectAccessible } from "./axe.ts";
import { DESKTOP, get, launchBrowser, newContext, signInUi } from "./support.ts";

// Teams on the board and the wall TV (a club of 240 reps in 6 teams): the team race
// panel ranked as the server ranks it, a team filter that keeps club ranks, a lead's
// board opening on their team, and on the TV the team race and the chosen team
// (?team=) as slides that fit 1920×1080 in large type.

const TEAMS = 6;
const REPS = 240;

type Row = { rank: number; repId: string; teamId: string | null };
type TeamRow = { rank: number; teamId: string; name: string; revenue: number; reps: number };

describe("teams on the board and the TV", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let big: BigClub;
  let lead: { id: string; token: string };

  beforeAll(async () => {
    ts = await startTestServer({}, new Date().toISOString(), "postgres");
    ts.clock.now = () => new Date();
    ({ browser, close: closeBrowser } = await launchBrowser());
    big = await seedBigClub(ts, { slug: "e2e-teams", reps: REPS, customers: 2_400, contactsEarlier: 2_000, teams: TEAMS });
    lead = await addPerson(ts.url, big.manager.token, big.slug, "lead", "leadx");
    const res = await call(ts.url, "PATCH", `/teams/${big.teams[1]!.id}`, { token: big.manager.token, body: { leadId: lead.id } });
    expect(res.status).toBe(200);
  }, 240_000);
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  const race = async (period = "month"): Promise<TeamRow[]> =>
    (await get(ts.url, big.manager.token, `/leaderboard/teams?period=${period}`)).rows;
  const board = async (period = "month"): Promise<Row[]> => (await get(ts.url, big.manager.token, `/leaderboard?period=${period}`)).rows;
  const shownReps = (page: Page) =>
    page.locator('[data-testid="board-row"]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.rep ?? ""));

  it("the manager's board: the team race as the server ranks it, and a team filter that keeps club ranks (zh-CN)", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, big.slug, big.manager.email, big.manager.password);
    await page.waitForURL(/\/board$/);
    await page.getByTestId("team-race").waitFor();
    await expect.poll(() => page.getByTestId("team-race-row").count()).toBe(TEAMS);
    const server = await race();
    expect(server.reduce((s, r) => s + r.reps, 0)).toBe(REPS);
    const shown = await page
      .getByTestId("team-race-row")
      .evaluateAll((rows) => rows.map((r) => [(r as HTMLElement).dataset.team, Number((r as HTMLElement).dataset.rank)]));
    expect(shown).toEqual(server.map((r) => [r.teamId, r.rank]));
    expect(await page.getByTestId("team-race").textContent()).toContain("团队排名");
    expect(await page.getByTestId("team-race-row").first().textContent()).toContain(server[0]!.name);
    await page.screenshot({ path: "docs/screenshots/board-teams-zh-desktop.png" });

    // Narrow to the third team: only its reps, with their club ranks.
    const team = server[2]!;
    await page.getByTestId("team-filter").selectOption(team.teamId);
    const rows = await board();
    const ofTeam = rows.filter((r) => r.teamId === team.teamId);
    await expect.poll(async () => (await shownReps(page))[0]).toBe(ofTeam[0]!.repId);
    const reps = await shownReps(page);
    expect(reps.length).toBeGreaterThan(5);
    expect(reps).toEqual(ofTeam.slice(0, reps.length).map((r) => r.repId));
    const ranks = await page.locator('[data-testid="board-row"] .rank').allTextContents();
    expect(ranks.map(Number)).toEqual(ofTeam.slice(0, reps.length).map((r) => r.rank));
    expect(ofTeam[1]!.rank).toBeGreaterThan(2); // club ranks, not 1, 2, 3 …
    // choosing the team in the race again shows everyone
    await page.locator(`[data-testid="team-race-row"][data-team="${team.teamId}"] button`).click();
    await expect.poll(async () => (await shownReps(page))[0]).toBe(rows[0]!.repId);
    expect(await page.getByTestId("team-filter").inputValue()).toBe("");
    await expectAccessible(page);
    await ctx.close();
  });

  it("a lead's board opens on their team, and switches to the whole club", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, big.slug, `leadx@${big.slug}.test`, "leadx password 1");
    await page.waitForURL(/\/customers$/);
    await page.locator('aside nav a[href="/board"]').click();
    await page.waitForURL(/\/board$/);
    const mine = big.teams[1]!.id;
    await expect.poll(() => page.getByTestId("team-filter").inputValue()).toBe(mine);
    const rows = await board();
    const ofTeam = rows.filter((r) => r.teamId === mine);
    await expect.poll(async () => (await shownReps(page))[0]).toBe(ofTeam[0]!.repId);
    const reps = await shownReps(page);
    expect(reps).toEqual(ofTeam.slice(0, reps.length).map((r) => r.repId));
    // the whole club's board, and every team's race, are the lead's too
    await expect.poll(() => page.getByTestId("team-race-row").count()).toBe(TEAMS);
    await page.getByTestId("team-filter").selectOption("");
    await expect.poll(async () => (await shownReps(page))[0]).toBe(rows[0]!.repId);
    await ctx.close();
  });

  it("the TV rotates the month's board, its team race and the chosen team, each fitting 1920×1080 in large type", async () => {
    const ctx = await newContext(browser, { viewport: { width: 1920, height: 1080 } });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, big.slug, big.manager.email, big.manager.password);
    await page.waitForURL(/\/board$/);
    const chosen = big.teams[3]!;
    await page.evaluate(() => localStorage.removeItem("clubhouse.tv.v1"));
    await page.goto(`${ts.url}/tv?every=4&pages=1&period=month&team=${chosen.id}`);
    await page.locator('[data-testid="board-row"][data-rank="1"]').waitFor({ timeout: 30_000 });
    const panel = () => page.getByTestId("tv-period").getAttribute("data-panel");
    expect(await panel()).toBe("board");
    expect(await page.getByTestId("tv-next").textContent()).toContain("本月团队排名");

    // The team race: every team, in the server's order, one line each, nothing taller than the screen.
    await expect.poll(panel, { timeout: 10_000 }).toBe("teams");
    await page.getByTestId("tv-team-row").first().waitFor();
    const server = await race();
    const teamRows = await page
      .getByTestId("tv-team-row")
      .evaluateAll((rows) => rows.map((r) => [(r as HTMLElement).dataset.team, Number((r as HTMLElement).dataset.rank)]));
    expect(teamRows).toEqual(server.map((r) => [r.teamId, r.rank]));
    const fit = await page.evaluate(() => {
      const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="tv-team-row"]')];
      const px = (sel: string) => [...document.querySelectorAll(sel)].map((e) => Number.parseFloat(getComputedStyle(e).fontSize));
      return {
        scrollHeight: document.documentElement.scrollHeight,
        scrollWidth: document.documentElement.scrollWidth,
        lastBottom: rows.at(-1)?.getBoundingClientRect().bottom ?? 0,
        spills: rows.flatMap((r) =>
          [...r.children].filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => `${c.className}: ${c.textContent}`),
        ),
        sizes: [
          ...px(".tv-team-row:not(.head) .rank"),
          ...px(".tv-team-row .name"),
          ...px(".tv-team-row .att strong"),
          ...px(".tv-team-row .money strong"),
          ...px(".tv-team-row .today"),
          ...px(".tv-period"),
        ],
      };
    });
    expect(fit.scrollHeight).toBeLessThanOrEqual(1080);
    expect(fit.scrollWidth).toBeLessThanOrEqual(1920);
    expect(fit.lastBottom).toBeLessThanOrEqual(1080);
    expect(fit.spills).toEqual([]);
    expect(Math.min(...fit.sizes)).toBeGreaterThanOrEqual(28);
    expect(await page.getByTestId("tv-panel-name").textContent()).toContain("团队排名");
    await page.screenshot({ path: "docs/screenshots/tv-teams.png" });

    // The chosen team: its reps only, club ranks kept, its name on screen.
    await expect.poll(panel, { timeout: 10_000 }).toBe("team");
    expect(await page.getByTestId("tv-period").getAttribute("data-team")).toBe(chosen.id);
    expect(await page.getByTestId("tv-panel-name").textContent()).toContain(chosen.name);
    const ofTeam = (await board()).filter((r) => r.teamId === chosen.id);
    await expect.poll(async () => (await shownReps(page))[0]).toBe(ofTeam[0]!.repId);
    const reps = await shownReps(page);
    expect(reps.length).toBeGreaterThan(10);
    expect(reps).toEqual(ofTeam.slice(0, reps.length).map((r) => r.repId));
    const ranks = await page.locator('[data-testid="board-row"] .rank').allTextContents();
    expect(ranks.map(Number)).toEqual(ofTeam.slice(0, reps.length).map((r) => r.rank));
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(1080);

    // then round to the month's board again (the period is pinned by the address)
    await expect.poll(panel, { timeout: 10_000 }).toBe("board");
    await ctx.close();
  });

  it("targets by team: a manager lists one team's reps, sees its total, and sets one target for all of them", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, big.slug, big.manager.email, big.manager.password);
    await page.waitForURL(/\/board$/);
    await page.goto(`${ts.url}/targets`);
    await page.getByTestId("target-row").first().waitFor();
    const team = big.teams[4]!;
    await page.getByTestId("targets-team").selectOption(team.id);
    const members = big.reps.filter((_, k) => k % TEAMS === 4).map((r) => r.id);
    await expect.poll(() => page.getByTestId("target-row").count()).toBe(members.length);
    const listed = await page.getByTestId("target-row").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.rep ?? ""));
    expect(listed.sort()).toEqual([...members].sort());
    await expect.poll(() => page.getByTestId("team-target-total").textContent()).toContain(team.name);
    const before = (await race()).find((r) => r.teamId === team.id) as TeamRow & { target: number };
    const yuan = (v: number) => `¥${v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    await expect.poll(() => page.getByTestId("team-target-sum").textContent()).toBe(yuan(before.target));
    await page.getByTestId("team-target-amount").fill("20000");
    await page.getByTestId("team-target-set").click();
    await expect.poll(() => page.getByTestId("team-target-done").textContent()).toContain(String(members.length));
    const after = (await race()).find((r) => r.teamId === team.id) as TeamRow & { target: number };
    expect(after.target).toBe(20_000 * members.length);
    await expect.poll(() => page.getByTestId("team-target-sum").textContent()).toBe(yuan(after.target));
    // a bad amount is said in words, nothing is sent
    await page.getByTestId("team-target-amount").fill("12.345");
    await page.getByTestId("team-target-set").click();
    await expect.poll(() => page.locator('[data-testid="team-targets"] .field-error').textContent()).toContain("两位小数");
    await ctx.close();
  });

  it("with many teams the filter is a type-ahead, and the race lists every team", async () => {
    // seven more (empty) teams: thirteen in all
    for (let i = 0; i < 7; i++) {
      const res = await call(ts.url, "POST", "/teams", { token: big.manager.token, body: { name: `新组${i + 1}` } });
      expect(res.status).toBe(201);
    }
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, big.slug, big.manager.email, big.manager.password);
    await page.waitForURL(/\/board$/);
    await expect.poll(() => page.getByTestId("team-race-row").count()).toBe(TEAMS + 7);
    expect(await page.getByTestId("team-filter").count()).toBe(0);
    const team = big.teams[0]!;
    const input = page.getByTestId("team-filter-search").getByRole("combobox");
    await input.fill(team.name.slice(0, 2));
    await page.getByRole("option", { name: team.name }).click();
    const ofTeam = (await board()).filter((r) => r.teamId === team.id);
    await expect.poll(async () => (await shownReps(page))[0]).toBe(ofTeam[0]!.repId);
    const reps = await shownReps(page);
    expect(reps).toEqual(ofTeam.slice(0, reps.length).map((r) => r.repId));
    await ctx.close();
  });
});
