import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Json, startTestServer, type TestServer } from "../support/harness.ts";
import { makeTeamClub, type TeamClub } from "../support/teams.ts";
import { expectAccessible } from "./axe.ts";
import { DESKTOP, get, launchBrowser, newContext, PHONE, signInUi } from "./support.ts";

// A team lead in the browser (docs/access.md): the desk without the club-wide screens,
// landing on their team's customers under "我的团队", and only those customers.
describe("a team lead's desk", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let c: TeamClub;

  beforeAll(async () => {
    ts = await startTestServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    c = await makeTeamClub(ts, "e2e-lead");
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("signs in, lands on the team's customers, and sees only those (zh-CN)", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, c.slug, `leada@${c.slug}.test`, "leada password 1");
    await page.waitForURL(/\/customers$/);
    await expect.poll(() => page.getByTestId("my-team-name").textContent()).toContain("Team A e2e-lead");
    expect(await page.getByTestId("my-team").textContent()).toContain("我的团队");
    await page.getByTestId("customer-row").first().waitFor();
    const shown = await page.getByTestId("customer-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-customer")).sort());
    const expected = [c.customerOf.rep1.id, c.customerOf.rep2.id].sort();
    expect(shown).toEqual(expected);
    // and the server says the same to the lead
    expect(((await get(ts.url, c.leadA.token, "/customers?limit=200")).items as Json[]).map((x) => x.id).sort()).toEqual(expected);
    const nav = await page.getByRole("navigation").first().textContent();
    for (const hidden of ["用户", "设置", "导入", "月度结算", "小组", "分析"]) expect(nav).not.toContain(hidden);
    expect(nav).toContain("客户");
    await page.screenshot({ path: "docs/screenshots/lead-customers-zh-desktop.png" });
    await expectAccessible(page);
    await ctx.close();
  });

  it("every screen of the lead's desk opens without a refusal", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    const refused: string[] = [];
    page.on("response", (res) => {
      if (res.url().includes("/api/v1/") && res.status() === 403) refused.push(`${res.request().method()} ${new URL(res.url()).pathname}`);
    });
    await signInUi(page, ts.url, c.slug, `leada@${c.slug}.test`, "leada password 1");
    await page.waitForURL(/\/customers$/);
    const links = await page.locator("aside nav a").evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
    for (const href of links.filter((h) => h !== "/tv")) {
      await page.locator(`aside nav a[href="${href}"]`).click();
      await page.waitForURL(new RegExp(`${href}`));
      await page.waitForLoadState("networkidle");
      await page.screenshot({ path: `/tmp/lead-${href.replace(/\W/g, "") || "root"}.png` });
    }
    expect(refused).toEqual([]);
    await ctx.close();
  });

  it("the lead's board opens on their team (club ranks kept), with every team's race, and shows the club on request", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, c.slug, `leada@${c.slug}.test`, "leada password 1");
    await page.waitForURL(/\/customers$/);
    await page.locator('aside nav a[href="/board"]').click();
    await expect.poll(() => page.getByTestId("team-filter").inputValue()).toBe(c.teamA.id);
    const reps = () => page.getByTestId("board-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-rep")).sort());
    await expect.poll(reps).toEqual([c.rep1.id, c.rep2.id].sort());
    const race = (await get(ts.url, c.leadA.token, "/leaderboard/teams?period=month")).rows as Json[];
    expect(race.map((r) => r.teamId).sort()).toEqual([c.teamA.id, c.teamB.id].sort());
    await expect.poll(() => page.getByTestId("team-race-row").count()).toBe(2);
    // the reps in no team: rep4 only
    await page.getByTestId("team-filter").selectOption("none");
    await expect.poll(reps).toEqual([c.rep4.id]);
    await page.getByTestId("team-filter").selectOption("");
    await expect.poll(reps).toEqual([c.rep1.id, c.rep2.id, c.rep3.id, c.rep4.id].sort());
    await ctx.close();
  });

  it("on a phone too", async () => {
    const ctx = await newContext(browser, PHONE);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, c.slug, `leadb@${c.slug}.test`, "leadb password 1");
    await page.waitForURL(/\/customers$/);
    await expect.poll(() => page.getByTestId("my-team-name").textContent()).toContain("Team B e2e-lead");
    await page.getByTestId("customer-row").first().waitFor();
    const shown = await page.getByTestId("customer-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-customer")));
    expect(shown).toEqual([c.customerOf.rep3.id]);
    await page.screenshot({ path: "docs/screenshots/lead-customers-zh-phone.png" });
    await ctx.close();
  });

  it("a manager sees the teams with their counts and creates one", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, c.slug, `mgr@${c.slug}.test`, "manager pass 1");
    await page.waitForURL(/\/board$/);
    await page.getByRole("link", { name: "小组", exact: true }).click();
    await page.getByTestId("team-row").first().waitFor();
    const count = (id: string) => page.locator(`[data-testid="team-row"][data-team="${id}"] [data-testid="team-count"]`).textContent();
    expect(await count(c.teamA.id)).toBe("2");
    expect(await count(c.teamB.id)).toBe("1");
    await page.getByTestId("team-name").fill("华东组");
    await page.getByTestId("team-add").click();
    await expect.poll(() => page.getByTestId("teams-notice").textContent()).toContain("华东组");
    await expect.poll(() => page.getByTestId("team-row").count()).toBe(3);
    await page.screenshot({ path: "docs/screenshots/manager-teams-zh-desktop.png" });
    await expectAccessible(page);
    const teams = (await get(ts.url, c.manager.token, "/teams")).items as Json[];
    expect(teams.find((x) => x.name === "华东组")).toMatchObject({ memberCount: 0, lead: null });
    await ctx.close();
  });
});
