/**
 * Screenshots of the manager's users, diaries and reassign screens (1440×900,
 * zh-CN) into docs/screenshots/, from a seeded club on a real server.
 * Run: pnpm --filter @clubhouse/web build && cd test && npx tsx e2e/manager-screenshots.ts
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { call } from "../support/harness.ts";
import { pick } from "./pickers.ts";
import {
  clubMonthNow,
  DESKTOP,
  get,
  launchBrowser,
  newContext,
  PASSWORDS,
  seedClub,
  setTargets,
  signInUi,
  startLiveClockServer,
} from "./support.ts";

const out = resolve(fileURLToPath(import.meta.url), "../../../docs/screenshots");
mkdirSync(out, { recursive: true });

const ts = await startLiveClockServer();
const { browser, close } = await launchBrowser();
try {
  const club = await seedClub(ts.url, "showcase");
  const admin = club.admin.token;
  const rep3 = await call(ts.url, "POST", "/users", {
    token: admin,
    body: { email: "rep3@showcase.test", name: "王磊", role: "rep", password: "rep three pass" },
  });
  for (const [email, name] of [
    ["rep4@showcase.test", "刘洋"],
    ["rep5@showcase.test", "赵敏"],
    ["mgr2@showcase.test", "孙丽"],
  ] as const) {
    await call(ts.url, "POST", "/users", {
      token: admin,
      body: { email, name, role: email.startsWith("mgr") ? "manager" : "rep", password: "another pass 1" },
    });
  }
  await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: admin, body: { name: "张伟" } });
  await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: admin, body: { name: "陈静" } });
  await call(ts.url, "PATCH", `/users/${club.manager.id}`, { token: admin, body: { name: "周经理" } });
  const month = clubMonthNow();
  const back = (n: number) => {
    const [y, m] = month.split("-").map(Number) as [number, number];
    const i = y * 12 + (m - 1) - n;
    return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
  };
  await setTargets(ts.url, club.manager.token, month, { [club.rep1.id]: 150_000, [club.rep2.id]: 120_000, [rep3.body.id]: 200_000 });
  for (const n of [6, 5, 4, 3, 2, 1]) {
    await setTargets(ts.url, club.manager.token, back(n), { [club.rep1.id]: 30_000, [club.rep2.id]: 60_000, [rep3.body.id]: 50_000 });
  }
  await call(ts.url, "POST", `/months/${back(1)}/close`, { token: club.manager.token });
  // diaries: yesterday 张伟 on time? (submitted now, so late), today 陈静 on time
  const today = (await get(ts.url, club.manager.token, "/diary")).day as string;
  const shift = (day: string, by: number) => {
    const [y, m, d] = day.split("-").map(Number) as [number, number, number];
    return new Date(Date.UTC(y, m - 1, d + by, 12)).toISOString().slice(0, 10);
  };
  const yesterday = shift(today, -1);
  await call(ts.url, "PUT", `/diary/${yesterday}`, {
    token: club.rep1.token,
    body: {
      workingTime: "9:00–18:30",
      targets: "拜访华润置地行政部，推进团体会籍续约；电话回访 2 位个人客户",
      progress: "华润置地同意下周二演示；李先生考虑升级金卡",
      notes: "华润置地关心团体价格与餐饮折扣，需经理支持报价",
    },
  });
  await call(ts.url, "POST", `/diary/${yesterday}/submit`, { token: club.rep1.token });
  await call(ts.url, "PUT", `/diary/${today}`, { token: club.rep2.token, body: { notes: "中信银行工会拜访" } });
  await call(ts.url, "POST", `/diary/${today}/submit`, { token: club.rep2.token });

  const ctx = await newContext(browser, DESKTOP);
  const page = await ctx.newPage();
  await signInUi(page, ts.url, "showcase", "mgr@showcase.test", PASSWORDS.manager);
  await page.getByTestId("board-row").first().waitFor();

  await page.goto(`${ts.url}/users`);
  await page.getByTestId("user-row").first().waitFor();
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${out}/manager-users.png` });
  await page.locator(`[data-user="${club.rep2.id}"] [data-testid="user-edit"]`).click();
  await page.getByTestId("edit-role").selectOption("manager");
  await page.getByTestId("edit-save").click();
  await page.getByTestId("user-confirm-dialog").waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}/manager-users-confirm.png` });
  await page.keyboard.press("Escape");

  await page.goto(`${ts.url}/diaries/${yesterday}?rep=${club.rep1.id}`);
  await page.getByTestId("diary-text").waitFor();
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${out}/manager-diaries.png` });

  await page.goto(`${ts.url}/customers`);
  await page.getByTestId("customer-row").first().waitFor();
  await page.getByTestId("customer-select").nth(0).check();
  await page.getByTestId("customer-select").nth(2).check();
  await page.getByTestId("customer-select").nth(3).check();
  await page.waitForTimeout(300);
  await page.screenshot({ path: `${out}/manager-customers-select.png` });
  await page.getByTestId("reassign-selected").click();
  await pick(page.getByTestId("reassign-to"), "王磊");
  await page.getByTestId("reassign-reason").fill("张伟调往高尔夫业务线，客户交接");
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}/manager-reassign.png` });
  await page.keyboard.press("Escape");

  // A rep's page (manager-rep-detail*.png) is taken from the demo club by screenshots.ts.
  await ctx.close();
  console.log("done");
} finally {
  await close();
  await ts.close();
}
