import { notifyOutbox, withTenant } from "@clubhouse/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runJobsOnce } from "../../server/src/jobs/scheduler.ts";
import { type Club, makeClub, newCustomer } from "../support/club.ts";
import { call, expectErrorShape, type Json, startTestServer, type TestServer } from "../support/harness.ts";
import { dingtalkValid, feishuValid, type Receiver, standardValid, startReceiver, waitFor } from "../support/receiver.ts";

// Notifications (docs/notify.md): the outbox, the four formats and their signatures,
// retries, the disable rule, secrets and tenancy — on both databases.

const WHSEC = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
const DING_SECRET = "SEC0123456789abcdef-dingtalk-secret";
const FEISHU_SECRET = "feishu-signing-secret-42";
const WECOM_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";

let t: TestServer;
let a: Club;
let b: Club;
let wecom: Receiver;
let ding: Receiver;
let feishu: Receiver;
let hook: Receiver;
let gold: Json;

beforeAll(async () => {
  t = await startTestServer({
    NOTIFY_POLL_MS: 100,
    NOTIFY_RETRY_BASE_MS: 200,
    NOTIFY_RETRY_MAX_MS: 400,
    NOTIFY_TIMEOUT_MS: 3_000,
    NOTIFY_LEASE_MS: 10_000,
    NOTIFY_DISABLE_AFTER: 3,
  });
  [a, b] = await Promise.all([makeClub(t.url, "notify-a"), makeClub(t.url, "notify-b")]);
  [wecom, ding, feishu, hook] = await Promise.all([
    startReceiver(),
    startReceiver(),
    startReceiver('{"code":0,"msg":"success","data":{}}'),
    startReceiver(""),
  ]);
  gold = (await call(t.url, "POST", "/card-types", { token: a.manager.token, body: { name: "Gold 金卡", listPrice: 120000 } })).body;
});
afterAll(async () => {
  await t?.close();
  await Promise.all([wecom, ding, feishu, hook].map((r) => r?.close()));
});

const addChannel = async (token: string, body: Record<string, unknown>) => call(t.url, "POST", "/notify/channels", { token, body });
const sell = async (club: Club, name: string) => {
  const p = await newCustomer(t.url, club.rep1.token, { name });
  const sale = await call(t.url, "POST", "/card-sales", { token: club.rep1.token, body: { customerId: p.id, cardTypeId: gold.id } });
  expect(sale.status).toBe(201);
  return sale.body;
};
const deliveries = async (token: string, id: string) =>
  (await call(t.url, "GET", `/notify/channels/${id}/deliveries`, { token })).body.items as Json[];
const outboxRows = (tenantId: string) => withTenant(t.db.database, tenantId, (tx) => tx.select().from(notifyOutbox));

describe("notify: formats and signatures", () => {
  const ids: Record<string, string> = {};

  it("adds one channel of each kind; answers show hints, never the URL's key or the secret", async () => {
    const made = await Promise.all([
      addChannel(a.admin.token, {
        kind: "wecom",
        name: "销售群",
        url: `${wecom.url}/cgi-bin/webhook/send?key=${WECOM_KEY}`,
        events: ["card_sold", "quota_alarm", "complaint_overdue"],
      }),
      addChannel(a.manager.token, {
        kind: "dingtalk",
        name: "钉钉",
        url: `${ding.url}/robot/send?access_token=ding-token-abcdef123456`,
        secret: DING_SECRET,
        events: ["card_sold"],
      }),
      addChannel(a.manager.token, {
        kind: "feishu",
        name: "飞书",
        url: `${feishu.url}/open-apis/bot/v2/hook/feishu-hook-id-987654`,
        secret: FEISHU_SECRET,
        events: ["card_sold"],
      }),
      addChannel(a.admin.token, {
        kind: "webhook",
        name: "ERP",
        url: `${hook.url}/hooks/clubhouse`,
        secret: WHSEC,
        events: ["card_sold"],
        language: "en",
      }),
    ]);
    for (const m of made) expect(m.status).toBe(201);
    for (const [k, m] of ["wecom", "ding", "feishu", "hook"].entries()) ids[m] = made[k]!.body.id as string;
    const list = await call(t.url, "GET", "/notify/channels", { token: a.manager.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(4);
    expect(list.body.events).toContain("card_sold");
    const text = JSON.stringify([made.map((m) => m.body), list.body]);
    for (const s of [WECOM_KEY, DING_SECRET, FEISHU_SECRET, WHSEC, "ding-token-abcdef123456", "feishu-hook-id-987654", WHSEC.slice(6)])
      expect(text).not.toContain(s);
    const dingRow = (list.body.items as Json[]).find((c) => c.id === ids.ding);
    expect(dingRow.secretHint).toBe(`…${DING_SECRET.slice(-4)}`);
    expect(dingRow.urlHint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…3456$/);
    expect((list.body.items as Json[]).find((c) => c.id === ids.wecom).secretHint).toBeNull();
  });

  it("a card sale reaches each app once, in its format, signed as that app checks it", async () => {
    const sale = await sell(a, "Format Co");
    await waitFor(
      () => wecom.got.length >= 1 && ding.got.length >= 1 && feishu.got.length >= 1 && hook.got.length >= 1,
      15_000,
      "four deliveries",
    );

    const w = wecom.got[0]!;
    expect(w.query.get("key")).toBe(WECOM_KEY);
    expect(w.body.msgtype).toBe("markdown");
    expect(w.body.markdown.content).toContain("【售卡喜报】");
    expect(w.body.markdown.content).toContain("rep1 售出 Gold 金卡，¥120,000（新卡客户）");

    const d = ding.got[0]!;
    expect(d.query.get("access_token")).toBe("ding-token-abcdef123456");
    expect(dingtalkValid(d, DING_SECRET)).toBe(true);
    expect(dingtalkValid(d, "another secret")).toBe(false);
    expect(d.body.msgtype).toBe("markdown");
    expect(d.body.markdown.title).toBe("【售卡喜报】");
    expect(d.body.markdown.text).toContain("¥120,000");

    const f = feishu.got[0]!;
    expect(feishuValid(f, FEISHU_SECRET)).toBe(true);
    expect(feishuValid(f, "wrong")).toBe(false);
    expect(f.body.msg_type).toBe("interactive");
    expect(f.body.card.header.title.content).toBe("【售卡喜报】");

    const h = hook.got[0]!;
    expect(standardValid(h, WHSEC)).toBe(true);
    expect(standardValid(h, `whsec_${Buffer.from("another secret of 24 bytes!").toString("base64")}`)).toBe(false);
    expect(h.body.type).toBe("card_sold");
    expect(h.body.data.saleId).toBe(sale.id);
    expect(h.body.data.amount).toBe(120000);
    expect(h.body.data.title).toBe("[Card sold]");

    // delivered once each; the log says so
    await new Promise((r) => setTimeout(r, 500));
    expect([wecom.got.length, ding.got.length, feishu.got.length, hook.got.length]).toEqual([1, 1, 1, 1]);
    const log = await deliveries(a.manager.token, ids.hook!);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ ok: true, responseCode: 200, event: "card_sold", attempt: 1, messageId: h.headers["webhook-id"] });
  });

  it("a quota alarm and an overdue complaint go to the channel that chose them, worded for the group", async () => {
    wecom.got.length = 0;
    const put = await call(t.url, "PUT", `/targets/${a.rep2.id}/2026-03`, { token: a.manager.token, body: { amount: 120000 } });
    expect(put.status).toBe(200);
    const cust = await newCustomer(t.url, a.rep2.token, { name: "Pace Co", status: "active" });
    const rev = await call(t.url, "POST", "/revenue", {
      token: a.rep2.token,
      body: { customerId: cust.id, amount: 1000, businessLine: "catering", occurredAt: "2026-03-14T12:00:00+08:00" },
    });
    expect(rev.status).toBe(201);
    const alarm = await waitFor(
      () => wecom.got.find((r) => String(r.body.markdown?.content).includes("【配额预警】")),
      15_000,
      "quota alarm",
    );
    expect(alarm.body.markdown.content).toContain("rep2 本月完成 0%（目标 ¥120,000）");

    const complaint = await call(t.url, "POST", "/complaints", {
      token: a.manager.token,
      body: { customerId: cust.id, channel: "phone", summary: "空调太冷" },
    });
    expect(complaint.status).toBe(201);
    t.clock.advance(49 * 3_600_000);
    await runJobsOnce(t.server.deps, ["complaint-alarms"]);
    const late = await waitFor(() => wecom.got.find((r) => String(r.body.markdown?.content).includes("【投诉超时】")), 15_000, "complaint");
    expect(late.body.markdown.content).toContain("Pace Co");
    expect(late.body.markdown.content).toContain("空调太冷");
    // a second sweep raises nothing new and sends nothing new
    await runJobsOnce(t.server.deps, ["complaint-alarms"]);
    await new Promise((r) => setTimeout(r, 400));
    expect(wecom.got.filter((r) => String(r.body.markdown?.content).includes("【投诉超时】"))).toHaveLength(1);
    t.clock.advance(-49 * 3_600_000);
  });

  it("the year's champions are announced once, after the club year ends", async () => {
    hook.got.length = 0;
    const on = await call(t.url, "PATCH", `/notify/channels/${ids.hook}`, {
      token: a.manager.token,
      body: { events: ["card_sold", "awards"] },
    });
    expect(on.body.events).toEqual(["card_sold", "awards"]);
    expect((await call(t.url, "PUT", `/targets/${a.rep1.id}/2025-05`, { token: a.manager.token, body: { amount: 50000 } })).status).toBe(
      200,
    );
    const cu = await newCustomer(t.url, a.rep1.token, { name: "Champion Co", status: "active" });
    const rev = await call(t.url, "POST", "/revenue", {
      token: a.manager.token,
      body: { customerId: cu.id, amount: 60000, businessLine: "golf", occurredAt: "2025-05-10T10:00:00+08:00" },
    });
    expect(rev.status).toBe(201);
    await runJobsOnce(t.server.deps, ["awards-notify"]);
    await runJobsOnce(t.server.deps, ["awards-notify"]);
    const msg = await waitFor(() => hook.got.find((r) => r.body.type === "awards"), 15_000, "awards");
    expect(msg.body.data.year).toBe("2025");
    expect(msg.body.data.champion).toMatchObject({ repId: a.rep1.id, name: "rep1", revenue: 60000, attainment: 1.2 });
    expect(msg.body.data.title).toBe("[2025 sales awards]");
    expect(msg.body.data.text).toBe("Champion: rep1 (¥60,000, 120% of target)");
    await new Promise((r) => setTimeout(r, 400));
    expect(hook.got.filter((r) => r.body.type === "awards")).toHaveLength(1);
  });

  it("a month close's removal reaches the channel that chose month_close", async () => {
    const patch = await call(t.url, "PATCH", `/notify/channels/${ids.wecom}`, {
      token: a.manager.token,
      body: { events: ["card_sold", "quota_alarm", "complaint_overdue", "month_close"] },
    });
    expect(patch.body.events).toContain("month_close");
    expect((await call(t.url, "PUT", `/targets/${a.rep2.id}/2026-02`, { token: a.manager.token, body: { amount: 50000 } })).status).toBe(
      200,
    );
    const closed = await call(t.url, "POST", "/months/2026-02/close", { token: a.manager.token });
    expect(closed.status).toBe(200);
    const msg = await waitFor(() => wecom.got.find((r) => String(r.body.markdown?.content).includes("【不再聘用】")), 15_000, "removal");
    expect(msg.body.markdown.content).toContain("rep2 2026-02 月结：完成 0%，报总经理办公室");
    expect(msg.body.markdown.content).toContain("当月完成率低于20%");
  });

  it("a refused sale enqueues nothing: the outbox row is in the sale's transaction", async () => {
    const before = (await outboxRows(a.tenantId)).length;
    const p = await newCustomer(t.url, a.rep1.token, { name: "Refused Co" });
    const cheap = await call(t.url, "POST", "/card-sales", {
      token: a.rep1.token,
      body: { customerId: p.id, cardTypeId: gold.id, price: 1 },
    });
    expectErrorShape(cheap, 422, "rule_violation");
    expect((await outboxRows(a.tenantId)).length).toBe(before);
  });

  it("send test message: one attempt now, logged, worded in the channel's language", async () => {
    hook.got.length = 0;
    const res = await call(t.url, "POST", `/notify/channels/${ids.hook}/test`, { token: a.manager.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, responseCode: 200, error: null });
    expect(hook.got).toHaveLength(1);
    expect(standardValid(hook.got[0]!, WHSEC)).toBe(true);
    expect(hook.got[0]!.body.data.title).toBe("[Test message]");
    const wt = await call(t.url, "POST", `/notify/channels/${ids.wecom}/test`, { token: a.admin.token });
    expect(wt.body.ok).toBe(true);
    expect(wecom.got.at(-1)!.body.markdown.content).toContain("【测试消息】");
    const log = await deliveries(a.manager.token, ids.hook!);
    expect(log[0]).toMatchObject({ event: "test", ok: true, messageId: null });
  });
});

describe("notify: retries and the disable rule", () => {
  it("a receiver that fails then recovers: retried with the same id, then delivered; the log shows both", async () => {
    const flaky = await startReceiver("");
    flaky.answer = (_r, n) =>
      n === 1 ? { status: 500, body: `boom ${flaky.url}/flaky?token=flaky-token-secret` } : { status: 204, body: "" };
    try {
      const ch = await addChannel(a.manager.token, {
        kind: "webhook",
        name: "Flaky",
        url: `${flaky.url}/flaky?token=flaky-token-secret`,
        secret: WHSEC,
        events: ["card_sold"],
      });
      expect(ch.status).toBe(201);
      await sell(a, "Retry Co");
      await waitFor(() => flaky.got.length >= 2, 15_000, "the retry");
      const [first, second] = flaky.got as [Json, Json];
      expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
      expect(second.raw).toBe(first.raw);
      expect(standardValid(second, WHSEC)).toBe(true);
      expect(second.at - first.at).toBeGreaterThanOrEqual(150);
      const log = await waitFor(async () => {
        const l = await deliveries(a.manager.token, ch.body.id);
        return l.length >= 2 && l;
      });
      expect(log.map((d: Json) => [d.attempt, d.ok, d.responseCode])).toEqual([
        [2, true, 204],
        [1, false, 500],
      ]);
      // the answer's text is kept for the log, with the channel's address cut out
      expect(log[1].error).toContain("HTTP 500");
      expect(JSON.stringify(log)).not.toContain("flaky-token-secret");
      await new Promise((r) => setTimeout(r, 600));
      expect(flaky.got).toHaveLength(2);
      await call(t.url, "DELETE", `/notify/channels/${ch.body.id}`, { token: a.manager.token });
    } finally {
      await flaky.close();
    }
  });

  it("after N failures in a row the channel is disabled and the managers get a channel_disabled alarm", async () => {
    const dead = await startReceiver("");
    dead.answer = () => ({ status: 503, body: "down" });
    try {
      const ch = await addChannel(a.admin.token, {
        kind: "webhook",
        name: "Dead end",
        url: `${dead.url}/x`,
        secret: WHSEC,
        events: ["card_sold"],
      });
      await sell(a, "Dead Co 1");
      await sell(a, "Dead Co 2");
      const off = await waitFor(async () => {
        const l = (await call(t.url, "GET", "/notify/channels", { token: a.manager.token })).body.items as Json[];
        const c = l.find((x) => x.id === ch.body.id);
        return c && !c.enabled && c;
      });
      expect(off.consecutiveFailures).toBe(3);
      expect(off.disabledAt).not.toBeNull();
      const alarms = await call(t.url, "GET", "/alarms?kind=channel_disabled", { token: a.manager.token });
      expect(alarms.status).toBe(200);
      const alarm = (alarms.body.items as Json[]).find((x) => x.subjectId === ch.body.id);
      expect(alarm).toMatchObject({ kind: "channel_disabled", data: { channelName: "Dead end", failures: 3 } });
      // disabled: nothing more is tried
      const tries = dead.got.length;
      await new Promise((r) => setTimeout(r, 800));
      expect(dead.got.length).toBe(tries);
      // the messages still wait; enabling again forgives the failures and sends them
      dead.answer = () => ({ status: 200, body: "" });
      const on = await call(t.url, "PATCH", `/notify/channels/${ch.body.id}`, { token: a.admin.token, body: { enabled: true } });
      expect(on.body).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledAt: null });
      await waitFor(
        () =>
          new Set(dead.got.filter((r) => r.headers["webhook-id"]).map((r) => r.headers["webhook-id"])).size === 2 &&
          dead.got.slice(tries).length >= 2,
      );
      expect(alarms.body.items.some((x: Json) => JSON.stringify(x).includes(WHSEC))).toBe(false);
      await call(t.url, "DELETE", `/notify/channels/${ch.body.id}`, { token: a.admin.token });
    } finally {
      await dead.close();
    }
  });
});

describe("notify: input, roles and clubs", () => {
  it("bad input is a 400 naming the field", async () => {
    const base = { kind: "webhook", name: "X", url: "https://example.com/h", secret: WHSEC, events: ["card_sold"] };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, url: "ftp://example.com/h" }, "url"],
      // plain http only to this machine: a secret or a message never crosses a network unencrypted
      [{ ...base, url: "http://example.com/h" }, "url"],
      [{ ...base, url: "http://10.0.0.5:8080/h" }, "url"],
      [{ ...base, url: "not a url" }, "url"],
      [{ ...base, url: "https://" }, "url"],
      [{ ...base, url: "javascript:alert(1)" }, "url"],
      [{ ...base, kind: "slack" }, "kind"],
      [{ ...base, events: ["everything"] }, "events.0"],
      [{ ...base, secret: "plain" }, "secret"],
      [{ ...base, secret: undefined }, "secret"],
      [{ ...base, kind: "dingtalk", secret: undefined }, "secret"],
      [{ ...base, kind: "wecom", secret: "abc" }, "secret"],
      [{ ...base, language: "fr" }, "language"],
      [{ ...base, name: "" }, "name"],
      [{ ...base, extra: 1 }, "body"],
    ];
    for (const [body, field] of cases) {
      const res = await addChannel(a.manager.token, body);
      expectErrorShape(res, 400);
      expect(Object.keys(res.body.error.fields)).toContain(field);
    }
    const list = (await call(t.url, "GET", "/notify/channels", { token: a.manager.token })).body.items as Json[];
    const id = list[0].id;
    expectErrorShape(await call(t.url, "PATCH", `/notify/channels/${id}`, { token: a.manager.token, body: {} }), 400);
    expectErrorShape(await call(t.url, "PATCH", `/notify/channels/${id}`, { token: a.manager.token, body: { url: "gopher://x" } }), 400);
    expectErrorShape(await call(t.url, "GET", "/notify/channels/not-an-id/deliveries", { token: a.manager.token }), 400);
  });

  it("reps may not see or change channels", async () => {
    expectErrorShape(await call(t.url, "GET", "/notify/channels", { token: a.rep1.token }), 403);
    expectErrorShape(await addChannel(a.rep1.token, { kind: "wecom", name: "x", url: "https://example.com/", events: [] }), 403);
  });

  it("club B cannot see, change, test or read the log of club A's channels (404), and hears nothing of A", async () => {
    const aList = (await call(t.url, "GET", "/notify/channels", { token: a.manager.token })).body.items as Json[];
    const id = aList[0].id;
    const bList = await call(t.url, "GET", "/notify/channels", { token: b.admin.token });
    expect(bList.body.items).toEqual([]);
    const before = wecom.got.length;
    expectErrorShape(await call(t.url, "POST", `/notify/channels/${id}/test`, { token: b.admin.token }), 404, "not_found");
    expectErrorShape(await call(t.url, "GET", `/notify/channels/${id}/deliveries`, { token: b.manager.token }), 404, "not_found");
    expectErrorShape(
      await call(t.url, "PATCH", `/notify/channels/${id}`, { token: b.admin.token, body: { enabled: false } }),
      404,
      "not_found",
    );
    expectErrorShape(await call(t.url, "DELETE", `/notify/channels/${id}`, { token: b.admin.token }), 404, "not_found");
    expect(wecom.got.length).toBe(before);
    // B's own card sale goes nowhere near A's channels
    const bGold = (await call(t.url, "POST", "/card-types", { token: b.manager.token, body: { name: "B Gold", listPrice: 5000 } })).body;
    const p = await newCustomer(t.url, b.rep1.token, { name: "B Co" });
    expect(
      (await call(t.url, "POST", "/card-sales", { token: b.rep1.token, body: { customerId: p.id, cardTypeId: bGold.id } })).status,
    ).toBe(201);
    expect(await outboxRows(b.tenantId)).toEqual([]);
    const still = (await call(t.url, "GET", "/notify/channels", { token: a.manager.token })).body.items as Json[];
    expect(still.find((c) => c.id === id)?.enabled).toBe(aList[0].enabled);
  });
});
