import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRevenue, type Club, makeClub, newCustomer } from "../support/club.ts";
import { addUser, call, type Json, type TestServer } from "../support/harness.ts";
import { expectAccessible } from "./axe.ts";
import { pick } from "./pickers.ts";
import { clubMonthNow, DESKTOP, get, launchBrowser, newContext, PASSWORDS, signInUi, startLiveClockServer } from "./support.ts";

const shots = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");

/** The club month before this one, and a day in it (last month's spend makes this month's tiers). */
function lastMonthDay(): string {
  const [y, m] = clubMonthNow().split("-").map(Number) as [number, number];
  const prev = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
  return `${prev}-10T10:00:00+08:00`;
}

// A rep leaves: the manager disables them, the board warns that their customers have
// no active owner, and the manager hands the book over spread by tier; the warning goes.
describe("manager hands a leaving rep's book over", () => {
  let ts: TestServer;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let club: Club;
  let rep3: { id: string };
  const book: Json[] = [];

  beforeAll(async () => {
    ts = await startLiveClockServer();
    ({ browser, close: closeBrowser } = await launchBrowser());
    club = await makeClub(ts.url, "e2e-handover");
    await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { name: "张伟" } });
    await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: club.admin.token, body: { name: "陈静" } });
    rep3 = await addUser(ts.url, club.admin.token, "rep", "rep3@e2e-handover.test");
    await call(ts.url, "PATCH", `/users/${rep3.id}`, { token: club.admin.token, body: { name: "王磊" } });
    // two of each tier: A (≥ ¥10,000 last month), B (≥ ¥5,000), C
    const spends = [12000, 11000, 6000, 5500, 0, 0];
    for (const [i, amount] of spends.entries()) {
      const cu = await newCustomer(ts.url, club.rep1.token, { name: `交接客户${i + 1}`, status: "active" });
      if (amount > 0) await addRevenue(ts.url, club.manager.token, { customerId: cu.id, amount, occurredAt: lastMonthDay() });
      book.push(cu);
    }
  });
  afterAll(async () => {
    await closeBrowser?.();
    await ts?.close();
  });

  it("disable → the board warns → hand over spread by tier → the warning is gone (zh-CN)", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    expect(await page.getByTestId("unowned-warning").count()).toBe(0);

    // disable 张伟 on the users screen
    await page.goto(`${ts.url}/users`);
    const row = page.locator(`[data-testid="user-row"][data-user="${club.rep1.id}"]`);
    await row.getByTestId("user-disable").click();
    await page.getByTestId("user-disable-confirm").click();
    await row.getByTestId("user-handover").waitFor();

    // the board warns while any customer of a disabled rep is not handed over
    await page.goto(`${ts.url}/board`);
    const warning = page.getByTestId("unowned-warning");
    await expect.poll(() => warning.textContent(), { timeout: 15_000 }).toContain("6 位客户的营销代表已停用，尚未交接。");
    await expectAccessible(page);
    await page.screenshot({ animations: "disabled", path: `${shots}/manager-handover-board-warning.png` });
    await warning.getByTestId("unowned-link").click();
    await page.waitForURL(/\/handover$/);
    await expect.poll(() => page.getByTestId("unowned-total").textContent()).toBe("共 6 位客户待交接");
    expect(await page.getByTestId("unowned-row").count()).toBe(6);
    await expectAccessible(page);
    await page.screenshot({ animations: "disabled", path: `${shots}/manager-handover-unowned.png` });

    await page.getByTestId("unowned-handover").click();
    const dialog = page.getByTestId("handover-dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("张伟 的全部客户");
    // nothing chosen: refused before sending
    await dialog.getByTestId("handover-preview-button").click();
    await expect.poll(() => dialog.locator("#handover-to-error").textContent()).toBe("请选择在职的营销代表。");
    await dialog.getByTestId("handover-spread").check();
    await pick(dialog.getByTestId("handover-add"), "陈静");
    await pick(dialog.getByTestId("handover-add"), "王磊");
    await dialog.getByTestId("handover-by-tier").check();
    await dialog.getByTestId("handover-reason").fill("张伟离职，客户交接");
    await dialog.getByTestId("handover-preview-button").click();
    const preview = dialog.getByTestId("handover-preview");
    await preview.waitFor();
    // each receiver gets one of each tier
    await expect.poll(() => preview.getByTestId("handover-receiver-tiers").allTextContents()).toEqual(["1 / 1 / 1", "1 / 1 / 1"]);
    expect(await preview.getByTestId("handover-receiver-customers").allTextContents()).toEqual(["3", "3"]);
    await expectAccessible(page);
    await dialog.getByTestId("handover-confirm").scrollIntoViewIfNeeded();
    await page.screenshot({ animations: "disabled", path: `${shots}/manager-handover-preview.png` });
    // the preview moved nothing
    expect((await get(ts.url, club.manager.token, "/customers?unowned=true")).total).toBe(6);
    await dialog.getByTestId("handover-confirm").click();
    await expect.poll(() => dialog.getByTestId("handover-done").textContent()).toContain("已交接 6 位客户。");
    await dialog.getByTestId("handover-close").click();
    await expect.poll(() => page.getByTestId("unowned-total").textContent()).toBe("共 0 位客户待交接");
    expect(await page.getByTestId("unowned-row").count()).toBe(0);
    expect(await page.getByTestId("handover-notice").textContent()).toBe("已交接 6 位客户。");

    // every customer has an active owner, three each, with the reason in its history
    const owners = await Promise.all(book.map(async (c) => (await get(ts.url, club.manager.token, `/customers/${c.id}`)).ownerId));
    expect(owners.filter((o) => o === club.rep2.id)).toHaveLength(3);
    expect(owners.filter((o) => o === rep3.id)).toHaveLength(3);
    const history = await get(ts.url, club.manager.token, `/customers/${book[0].id}/history`);
    expect(history.items.find((h: Json) => h.kind === "handed_over")).toMatchObject({
      changes: [
        { field: "ownerId", old: club.rep1.id },
        { field: "reason", new: "张伟离职，客户交接" },
      ],
    });

    // the warning is gone from the board
    await page.goto(`${ts.url}/board`);
    await page.getByTestId("board-row").first().waitFor();
    await expect.poll(() => page.getByTestId("unowned-warning").count()).toBe(0);
    await ctx.close();
  });

  it("says it in English", async () => {
    const leaving = await addUser(ts.url, club.admin.token, "rep", "rep4@e2e-handover.test");
    await call(ts.url, "PATCH", `/users/${leaving.id}`, { token: club.admin.token, body: { name: "Li Na" } });
    const token = (
      await call(ts.url, "POST", "/auth/login", { body: { club: club.slug, email: "rep4@e2e-handover.test", password: "rep password 1" } })
    ).body.token;
    const cu = await newCustomer(ts.url, token, { name: "Harbour Club", status: "active" });
    await call(ts.url, "PATCH", `/users/${leaving.id}`, { token: club.manager.token, body: { disabled: true } });
    const ctx = await newContext(browser, { ...DESKTOP, locale: "en-US" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, club.slug, `mgr@${club.slug}.test`, PASSWORDS.manager);
    await page.waitForURL(/\/board$/);
    await expect
      .poll(() => page.getByTestId("unowned-warning").textContent(), { timeout: 15_000 })
      .toContain("1 customer of a disabled rep is not handed over yet.");
    // from the users screen, straight to that rep's handover
    await page.goto(`${ts.url}/users`);
    await page.locator(`[data-testid="user-row"][data-user="${leaving.id}"]`).getByTestId("user-handover").click();
    const dialog = page.getByTestId("handover-dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("Hand over Li Na's customers");
    await pick(dialog.getByTestId("handover-to"), "王磊");
    await dialog.getByTestId("handover-reason").fill("Left the club");
    await dialog.getByTestId("handover-preview-button").click();
    await dialog.getByTestId("handover-confirm").click();
    await expect.poll(() => dialog.getByTestId("handover-done").textContent()).toContain("1 customer handed over.");
    expect((await get(ts.url, club.manager.token, `/customers/${cu.id}`)).ownerId).toBe(rep3.id);
    await expectAccessible(page);
    await ctx.close();
  });
});
