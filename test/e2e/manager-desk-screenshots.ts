/**
 * Screenshots of the manager's desk screens — complaints, plan adherence, a closed
 * month's targets, the close and drop confirmations, awards, the board's pace legend —
 * at 1440×900 in zh-CN, into docs/screenshots/, from a seeded club on a real server.
 * Run: pnpm --filter @clubhouse/web build && cd test && npx tsx e2e/manager-desk-screenshots.ts
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { call, type Json } from "../support/harness.ts";
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
const HOUR = 3_600_000;

const ts = await startLiveClockServer();
const { browser, close } = await launchBrowser();
const at = async <T>(ago: number, fn: () => Promise<T>) => {
  ts.clock.now = () => new Date(Date.now() - ago);
  try {
    return await fn();
  } finally {
    ts.clock.now = () => new Date();
  }
};
try {
  const club = await seedClub(ts.url, "desk");
  const admin = club.admin.token;
  const mgr = club.manager.token;
  await call(ts.url, "PATCH", "/settings", { token: admin, body: { alarmGraceDays: 0 } });
  await call(ts.url, "PATCH", `/users/${club.rep1.id}`, { token: admin, body: { name: "张伟" } });
  await call(ts.url, "PATCH", `/users/${club.rep2.id}`, { token: admin, body: { name: "陈静" } });
  const rep3 = (
    await call(ts.url, "POST", "/users", {
      token: admin,
      body: { email: "rep3@desk.test", name: "王磊", role: "rep", password: "rep three pass" },
    })
  ).body as Json;
  const rep3Token = (
    await call(ts.url, "POST", "/auth/login", { body: { club: "desk", email: "rep3@desk.test", password: "rep three pass" } })
  ).body.token as string;
  const month = clubMonthNow();
  const [y, m] = month.split("-").map(Number) as [number, number];
  const last = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
  await setTargets(ts.url, mgr, last, { [club.rep1.id]: 60_000, [club.rep2.id]: 60_000, [rep3.id]: 50_000 });
  await setTargets(ts.url, mgr, month, { [club.rep1.id]: 150_000, [club.rep2.id]: 120_000, [rep3.id]: 200_000 });
  await call(ts.url, "POST", `/months/${last}/close`, { token: mgr });
  // 张伟 passes his year's target: the podium has a (provisional) champion
  await call(ts.url, "POST", "/revenue", {
    token: mgr,
    body: { customerId: club.customers[0].id, amount: 120_000, businessLine: "membership", occurredAt: new Date().toISOString() },
  });
  const cs = club.customers;
  // complaints at different ages
  const log = (customerId: string, channel: string, summary: string) =>
    call(ts.url, "POST", "/complaints", { token: mgr, body: { customerId, channel, summary } });
  await at(61 * HOUR, () => log(cs[0].id, "phone", "会员卡积分三个月未到账，多次询问前台无结果"));
  await at(49.5 * HOUR, () => log(cs[1].id, "letter", "高尔夫预约被临时取消，未提前通知"));
  await at(30 * HOUR, () => log(cs[4].id, "visit", "宴会厅空调温度过低，宾客不适"));
  await at(3 * HOUR, () => log(cs[9].id, "wechat", "健身房器械维修时间过长"));
  await at(80 * HOUR, () => log(cs[3].id, "email", "发票抬头开错，需重开")).then(async (r) => {
    await call(ts.url, "POST", `/complaints/${r.body.id}/resolve`, { token: mgr, body: { resolution: "已重开发票并快递寄出" } });
  });
  // plans: this week and the three before
  const today = ((await get(ts.url, mgr, "/diary")) as Json).day as string;
  const plan = (token: string, customerId: string, day: string) =>
    call(ts.url, "POST", "/plans", { token, body: { customerId, day, channel: "visit" } });
  const visit = (token: string, customerId: string, when: Date, channel = "visit") =>
    call(ts.url, "POST", "/contacts", {
      token,
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: { customerId, channel, occurredAt: when.toISOString() },
    });
  const r1 = cs.filter((_, i) => i < 8 && i % 2 === 0);
  const r2 = cs.filter((_, i) => i >= 8 || i % 2 === 1);
  const r3c = [
    (await call(ts.url, "POST", "/customers", { token: rep3Token, body: { name: "首都机场集团", kind: "group" } })).body as Json,
    (await call(ts.url, "POST", "/customers", { token: rep3Token, body: { name: "中粮集团工会", kind: "group" } })).body as Json,
  ];
  for (const [weeksAgo, keep] of [
    [3, [2, 2, 1]],
    [2, [3, 1, 2]],
    [1, [2, 2, 0]],
    [0, [1, 1, 1]],
  ] as const) {
    await at(weeksAgo * 7 * 24 * HOUR, async () => {
      const day = ((await get(ts.url, mgr, "/diary")) as Json).day as string;
      const when = new Date(Date.now() - weeksAgo * 7 * 24 * HOUR);
      for (const [token, list, k] of [
        [club.rep1.token, r1, keep[0]],
        [club.rep2.token, r2, keep[1]],
        [rep3Token, r3c, keep[2]],
      ] as const) {
        for (const [i, c] of list.slice(0, 3).entries()) {
          await plan(token, c.id, day);
          if (i < k) await visit(token, c.id, when);
        }
      }
    });
  }
  void today;
  for (const h of [30, 20, 10]) await visit(club.rep2.token, cs[7].id, new Date(Date.now() - h * HOUR));

  const ctx = await newContext(browser, DESKTOP);
  const page = await ctx.newPage();
  await signInUi(page, ts.url, "desk", "mgr@desk.test", PASSWORDS.manager);
  await page.getByTestId("board-row").first().waitFor();
  // acknowledge alarms so the panel's empty state shows
  const alarms = (await get(ts.url, mgr, "/alarms?status=unacknowledged&limit=200")) as Json;
  for (const a of alarms.items as Json[]) await call(ts.url, "POST", `/alarms/${a.id}/acknowledge`, { token: mgr });
  await page.reload();
  await page.getByTestId("alarms-empty").waitFor();
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${out}/manager-board-pace.png` });

  await page.goto(`${ts.url}/complaints`);
  await page.getByTestId("complaint-row").first().waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/manager-complaints.png` });
  await page.getByTestId("complaint-resolve").first().click();
  await page.getByTestId("resolution").fill("已核实并补录积分，致电客户致歉");
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}/manager-complaints-resolve.png` });
  await page.keyboard.press("Escape");

  await page.goto(`${ts.url}/plans`);
  await page.getByTestId("plans-row").first().waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/manager-plans.png` });

  await page.goto(`${ts.url}/targets`);
  await page.locator("table input").first().waitFor();
  await page.getByRole("button", { name: "上个月" }).click();
  await page.getByTestId("targets-closed").waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/manager-targets-closed.png` });

  await page.goto(`${ts.url}/close`);
  await page.getByText(/^结算于/).waitFor();
  await page.getByTestId("close-month").click();
  await page.getByRole("alertdialog").waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}/manager-close-confirm.png` });
  await page.keyboard.press("Escape");

  await page.goto(`${ts.url}/review`);
  await page.getByTestId("review-drop").first().click();
  await page.getByRole("alertdialog").waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}/manager-review-drop.png` });
  await page.keyboard.press("Escape");

  await page.goto(`${ts.url}/awards`);
  await page.locator(".podium").waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/manager-awards.png` });
  console.log("screenshots written to", out);
} finally {
  await close();
  await ts.close();
}
