/**
 * Screenshots for the README and docs/screenshots/: the demo club (docs/demo.md) on a
 * real server — the phone home screen and the log-a-contact flow as 张伟
 * (rep@demo.club), the manager's board, a rep's page and the TV as the manager, and
 * the manager's pages. The demo club is made as on a first start, a year up to now.
 * Run: pnpm --filter @clubhouse/web build && cd test && npx tsx e2e/screenshots.ts [name]
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO } from "../../server/src/seed/demo.ts";
import { startTestServer } from "../support/harness.ts";
import { DESKTOP, launchBrowser, newContext, PHONE, signInUi } from "./support.ts";

const out = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
mkdirSync(out, { recursive: true });
const only = process.argv[2];

// The demo club as a first start makes it, on a clock that follows the wall clock.
const ts = await startTestServer({ DEMO_CLUB: "on" }, new Date().toISOString());
ts.clock.now = () => new Date();
const { browser, close } = await launchBrowser();
const rep = DEMO.reps[0]!;
try {
  const shot = async (name: string, fn: () => Promise<void>) => {
    if (only && !name.includes(only)) return;
    await fn();
    console.log(`wrote ${name}`);
  };

  await shot("phone", async () => {
    const ctx = await newContext(browser, PHONE);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, DEMO.club, rep.email, rep.password);
    await page.getByTestId("customer-row").first().waitFor();
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${out}/phone-home.png` });
    await page.getByTestId("customer-row").first().click();
    await page.getByTestId("channel-visit").waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/log-contact-1-channel.png` });
    await page.getByTestId("channel-visit").click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/log-contact-2-outcome.png` });
    await page.getByTestId("outcome-interested").click();
    await page.getByTestId("log-saved").waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/log-contact-3-saved.png` });
    await page.getByTestId("log-done").click();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${out}/phone-home-after.png` });
    await page.locator('[data-testid="customer-row"]').first().locator("xpath=..").locator(".row-card").click();
    await page.getByTestId("customer-name").waitFor();
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${out}/phone-customer-card.png` });
    await page.goto(`${ts.url}/diary`);
    await page.getByTestId("diary-status").waitFor();
    await page.screenshot({ path: `${out}/phone-diary.png` });
    await ctx.close();
  });

  await shot("board", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, DEMO.club, DEMO.manager.email, DEMO.manager.password);
    await page.getByTestId("board-row").first().waitFor();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${out}/manager-board.png` });
    // a rep's page, from the board: the rep behind pace this month
    await page.locator('[data-testid="board-rep-link"]', { hasText: "吴敏" }).first().click();
    await page.getByTestId("trend-attainment").first().waitFor();
    await page.getByTestId("rep-diary").first().waitFor();
    await page.waitForTimeout(1200);
    await page.screenshot({ path: `${out}/manager-rep-detail.png` });
    await page.screenshot({ path: `${out}/manager-rep-detail-full.png`, fullPage: true });
    await page.goBack();
    await page.getByTestId("board-row").first().waitFor();
    await page.goto(`${ts.url}/tv`);
    await page.getByTestId("board-row").first().waitFor();
    await page.waitForTimeout(1500);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: `${out}/tv-board.png` });
    await ctx.close();
  });

  await shot("manager-pages", async () => {
    const ctx = await newContext(browser, DESKTOP);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, DEMO.club, DEMO.admin.email, DEMO.admin.password);
    await page.getByTestId("board-row").first().waitFor();
    for (const [path, name] of [
      ["/analysis", "manager-analysis"],
      ["/close", "manager-month-close"],
      ["/targets", "manager-targets"],
      ["/customers", "manager-customers"],
      ["/review", "manager-review"],
      ["/settings", "manager-settings"],
      ["/awards", "manager-awards"],
      ["/import", "manager-import"],
    ] as const) {
      await page.goto(`${ts.url}${path}`);
      await page.waitForLoadState("networkidle");
      // the awards of last year, final, with their certificates
      if (name === "manager-awards") {
        await page.getByRole("button", { name: "上一年" }).click();
        await page.getByTestId("certificate").first().waitFor();
      }
      await page.waitForTimeout(1200);
      await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
    }
    await ctx.close();
  });

  await shot("en", async () => {
    const ctx = await newContext(browser, { ...PHONE, locale: "en-US" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, DEMO.club, rep.email, rep.password);
    await page.getByTestId("customer-row").first().waitFor();
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${out}/phone-home-en.png` });
    await ctx.close();
  });
} finally {
  await close();
  await ts.close();
}
