import { alarms, withTenant } from "@clubhouse/db";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Json, startTestServer, type TestServer } from "../support/harness.ts";
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
    }
    expect(refused).toEqual([]);
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

  it("sees their team's pace levels and alarms on the board, live, and nothing of another team's (zh-CN)", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    const teamAlarms = async () => ((await get(ts.url, c.leadA.token, "/alarms?status=unacknowledged&limit=100")).items as Json[]).length;
    const n0 = await teamAlarms();
    expect(n0).toBeGreaterThanOrEqual(2);
    await signInUi(page, ts.url, c.slug, `leada@${c.slug}.test`, "leada password 1");
    await page.waitForURL(/\/customers$/);
    // the header above every screen: the team's live counts
    await expect.poll(() => page.getByTestId("my-team-alarms").getAttribute("data-n")).toBe(String(n0));
    expect(await page.getByTestId("my-team-alarms").textContent()).toContain("未确认警报");
    await page.locator('aside nav a[href="/board"]').click();
    await page.waitForURL(/\/board$/);
    const row = (repId: string) => page.locator(`[data-testid="board-row"][data-rep="${repId}"]`);
    // pace levels for the team's reps; none shown for another team's (the lead gets no level of theirs)
    await expect.poll(() => row(c.rep1.id).locator('.chip[class*="level-"]').count()).toBe(1);
    expect(await row(c.rep2.id).locator('.chip[class*="level-"]').count()).toBe(1);
    expect(await row(c.rep3.id).locator(".chip.none").count()).toBe(1);
    expect(await row(c.rep4.id).locator(".chip.none").count()).toBe(1);
    // the alarm panel: the team's alarms, counted by the server
    await expect.poll(() => page.getByTestId("alarm-count").textContent()).toBe(String(n0));
    await expect.poll(() => page.getByTestId("alarm").count()).toBe(n0);
    const names = await page.getByTestId("alarm").locator(".alarm-who").allTextContents();
    expect(names.every((n) => n === "rep1" || n === "rep2")).toBe(true);
    // live: another team's alarm, then one of the team's; only the second moves the lead's panel
    const raise = async (repId: string, key: string) => {
      await withTenant(ts.server.deps.database, c.tenantId, (tx) =>
        tx.insert(alarms).values({
          tenantId: c.tenantId,
          key,
          kind: "pace",
          repId,
          level: "60",
          message: key,
          raisedAt: new Date("2026-03-15T01:30:00Z"),
        }),
      );
      await ts.server.deps.live.boardChanged(c.tenantId);
    };
    await raise(c.rep3.id, "e2e:other-team");
    await raise(c.rep2.id, "e2e:team");
    await expect.poll(() => page.getByTestId("alarm-count").textContent()).toBe(String(n0 + 1));
    await expect.poll(() => page.getByTestId("alarm").count()).toBe(n0 + 1);
    await expect.poll(() => page.getByTestId("my-team-alarms").getAttribute("data-n")).toBe(String(n0 + 1));
    expect(await page.getByTestId("alarm").filter({ hasText: "rep3" }).count()).toBe(0);
    await expectAccessible(page);
    await ctx.close();
  });

  it("edits a team customer on its card and resolves a team complaint", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    const writes: string[] = [];
    page.on("response", (res) => {
      const m = res.request().method();
      if (res.url().includes("/api/v1/") && m !== "GET") writes.push(`${m} ${new URL(res.url()).pathname} ${res.status()}`);
    });
    await signInUi(page, ts.url, c.slug, `leada@${c.slug}.test`, "leada password 1");
    await page.waitForURL(/\/customers$/);
    await page.locator(`[data-testid="customer-row"][data-customer="${c.customerOf.rep2.id}"] a`).first().click();
    await page.waitForURL(new RegExp(`/c/${c.customerOf.rep2.id}$`));
    // the lead's card: no contact, sale or revenue of their own to record; editing, review and complaints are theirs
    await page.getByTestId("card-complaint").waitFor();
    for (const id of ["card-log", "card-sell", "card-revenue"]) expect(await page.getByTestId(id).count()).toBe(0);
    await page.getByTestId("card-reviewed").click();
    await expect.poll(() => writes.some((w) => w.startsWith(`POST /api/v1/customers/${c.customerOf.rep2.id}/refresh`))).toBe(true);
    await page.getByRole("button", { name: "编辑" }).click();
    await page.locator('form input[name="name"]').fill("组长改过的客户");
    await page.locator('form input[name="phone"]').fill("13900000002");
    await page.getByRole("button", { name: "保存" }).click();
    await expect.poll(() => page.getByTestId("customer-name").textContent()).toBe("组长改过的客户");
    const saved = await get(ts.url, c.manager.token, `/customers/${c.customerOf.rep2.id}`);
    expect(saved).toMatchObject({ name: "组长改过的客户", ownerId: c.rep2.id });
    expect(saved.profile.phone).toBe("13900000002");
    // the team's open complaints, and one answered
    await page.goto(`${ts.url}/complaints`);
    await page.getByTestId("complaint-row").first().waitFor();
    const shown = await page.getByTestId("complaint-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id")));
    const all = (await get(ts.url, c.manager.token, "/complaints?status=open&limit=100")).items as Json[];
    const mine = all.filter((x) => x.ownerId === c.rep1.id || x.ownerId === c.rep2.id).map((x) => x.id);
    expect([...shown].sort()).toEqual([...mine].sort());
    const target = all.find((x) => x.ownerId === c.rep1.id)!;
    await page.locator(`[data-testid="complaint-row"][data-id="${target.id}"] [data-testid="complaint-resolve"]`).click();
    await page.getByTestId("resolution").fill("已致电客户，问题解决");
    await page.getByTestId("resolution-save").click();
    await expect
      .poll(async () =>
        (await call(ts.url, "GET", "/complaints?status=resolved&limit=100", { token: c.manager.token })).body.items.map((x: Json) => x.id),
      )
      .toContain(target.id);
    expect(writes.filter((w) => !w.endsWith(" 200"))).toEqual([]);
    expect(writes.some((w) => w.startsWith("PATCH /api/v1/customers/"))).toBe(true);
    expect(writes.some((w) => w.includes("/resolve"))).toBe(true);
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
