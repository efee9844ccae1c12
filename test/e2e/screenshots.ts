/**
 * Screenshots for the README and docs/screenshots/: a seeded club on a real server,
 * the phone home screen, the log-a-contact flow, the manager's board and the TV.
 * Run: pnpm --filter @clubhouse/web build && cd test && npx tsx e2e/screenshots.ts
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { call } from "../support/harness.ts";
import {
  clubMonthNow,
  DESKTOP,
  launchBrowser,
  newContext,
  PASSWORDS,
  PHONE,
  seedClub,
  setTargets,
  signInUi,
  startLiveClockServer,
} from "./support.ts";

const out = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
mkdirSync(out, { recursive: true });
const only = process.argv[2];

const ts = await startLiveClockServer();
const { browser, close } = await launchBrowser();
try {
  const club = await seedClub(ts.url, "showcase");
  await setTargets(ts.url, club.manager.token, clubMonthNow(), { [club.rep1.id]: 150_000, [club.rep2.id]: 120_000 });
  // A third rep far behind, so the board shows every alarm colour.
  const rep3 = await call(ts.url, "POST", "/users", {
    token: club.admin.token,
    body: { email: "rep3@showcase.test", name: "王磊", role: "rep", password: "rep three pass" },
  });
  await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: club.admin.token, body: { name: "张伟" } });
  await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: club.admin.token, body: { name: "陈静" } });
  await setTargets(ts.url, club.manager.token, clubMonthNow(), { [rep3.body.id]: 200_000 });
  // Three closed months behind us, so month close has outcomes to show: 陈静 under 80% three
  // months running (warning), 王磊 at 0% (removal), 张伟 fine.
  const month = clubMonthNow();
  const back = (n: number) => {
    const [y, m] = month.split("-").map(Number) as [number, number];
    const i = y * 12 + (m - 1) - n;
    return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
  };
  for (const n of [3, 2, 1]) {
    await setTargets(ts.url, club.manager.token, back(n), { [club.rep1.id]: 30_000, [club.rep2.id]: 60_000, [rep3.body.id]: 50_000 });
  }
  await call(ts.url, "POST", `/months/${back(1)}/close`, { token: club.manager.token });

  const shot = async (name: string, fn: () => Promise<void>) => {
    if (only && !name.includes(only)) return;
    await fn();
    console.log(`wrote ${name}`);
  };

  await shot("phone", async () => {
    const ctx = await newContext(browser, PHONE);
    const page = await ctx.newPage();
    await signInUi(page, ts.url, "showcase", "rep1@showcase.test", PASSWORDS.rep1);
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
    await signInUi(page, ts.url, "showcase", "mgr@showcase.test", PASSWORDS.manager);
    await page.getByTestId("board-row").first().waitFor();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${out}/manager-board.png` });
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
    await signInUi(page, ts.url, "showcase", "admin@showcase.test", "correct horse battery");
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
      await page.waitForTimeout(1200);
      await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
    }
    await ctx.close();
  });

  await shot("en", async () => {
    const ctx = await newContext(browser, { ...PHONE, locale: "en-US" });
    const page = await ctx.newPage();
    await signInUi(page, ts.url, "showcase", "rep1@showcase.test", PASSWORDS.rep1);
    await page.getByTestId("customer-row").first().waitFor();
    await page.waitForTimeout(800);
    await page.screenshot({ path: `${out}/phone-home-en.png` });
    await ctx.close();
  });
} finally {
  await close();
  await ts.close();
}
