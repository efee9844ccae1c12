import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { retryDelay } from "./deliver.ts";
import { accepted, buildRequest, dingtalkSign, feishuSign, isStandardSecret, standardSignature } from "./formats.ts";
import { renderMessage } from "./render.ts";
import { scrub } from "./send.ts";

const msg = (event: "card_sold" | "test" = "card_sold") => ({
  id: "msg-1",
  event,
  data: { repName: "张伟", cardType: "Gold", amount: 120000 },
  rendered: renderMessage(event, { repName: "张伟", cardType: "Gold", amount: 120000, channelName: "群" }, "zh-CN"),
  createdAt: new Date("2026-03-15T02:00:00Z"),
});

describe("notify formats", () => {
  it("words a quota alarm as the group reads it", () => {
    const r = renderMessage(
      "quota_alarm",
      { repName: "张伟", achieved: 69600, target: 120000, pace: 0.7, level: "80", month: "2026-03" },
      "zh-CN",
    );
    expect(r.title).toBe("【配额预警】");
    expect(r.lines[0]).toBe("张伟 本月完成 58%（目标 ¥120,000）");
    const en = renderMessage(
      "quota_alarm",
      { repName: "Zhang", achieved: 69600, target: 120000, pace: 0.7, level: "80", month: "2026-03" },
      "en",
    );
    expect(en.lines[0]).toBe("Zhang: 58% of this month's target (¥120,000)");
  });

  it("signs as each app's documentation says (the known DingTalk and Feishu examples' formulas)", () => {
    expect(dingtalkSign("SECabc", 1700000000000)).toBe(createHmac("sha256", "SECabc").update("1700000000000\nSECabc").digest("base64"));
    expect(feishuSign("s", 1700000000)).toBe(createHmac("sha256", "1700000000\ns").update("").digest("base64"));
    const secret = `whsec_${Buffer.alloc(24, 7).toString("base64")}`;
    expect(standardSignature(secret, "id", 5, "{}")).toBe(
      `v1,${createHmac("sha256", Buffer.alloc(24, 7)).update("id.5.{}").digest("base64")}`,
    );
    expect(isStandardSecret(secret)).toBe(true);
    expect(isStandardSecret("whsec_short")).toBe(false);
    expect(isStandardSecret("plain")).toBe(false);
  });

  it("puts DingTalk's timestamp and sign in the URL, url-encoded", () => {
    const now = new Date(1700000000000);
    const req = buildRequest({ kind: "dingtalk", url: "https://oapi.dingtalk.com/robot/send?access_token=t", secret: "SECx" }, msg(), now);
    const u = new URL(req.url);
    expect(u.searchParams.get("access_token")).toBe("t");
    expect(u.searchParams.get("timestamp")).toBe("1700000000000");
    expect(u.searchParams.get("sign")).toBe(dingtalkSign("SECx", 1700000000000));
    expect(req.url).not.toMatch(/sign=[^&]*[+/=]/);
    expect(JSON.parse(req.body).msgtype).toBe("markdown");
  });

  it("reads the bots' answers: a 200 with an error code is a failure", () => {
    expect(accepted("wecom", 200, '{"errcode":0,"errmsg":"ok"}').ok).toBe(true);
    expect(accepted("wecom", 200, '{"errcode":93000,"errmsg":"invalid webhook url"}')).toEqual({
      ok: false,
      error: "code 93000: invalid webhook url",
    });
    expect(accepted("feishu", 200, '{"code":19021,"msg":"sign match fail"}').ok).toBe(false);
    expect(accepted("feishu", 200, '{"code":0,"msg":"success"}').ok).toBe(true);
    expect(accepted("webhook", 204, "").ok).toBe(true);
    expect(accepted("webhook", 500, "boom").ok).toBe(false);
    expect(accepted("dingtalk", 200, "<html>").ok).toBe(false);
  });

  it("backs off exponentially up to the cap", () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, 1000, 10_000))).toEqual([1000, 2000, 4000, 8000, 10_000]);
    expect(retryDelay(500, 1000, 3_600_000)).toBe(3_600_000);
  });

  it("cuts a channel's address and secret out of error text", () => {
    const ch = { kind: "wecom" as const, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-1234-efgh", secret: null };
    expect(scrub("bad key abcd-1234-efgh at https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd-1234-efgh", ch)).not.toContain(
      "abcd-1234-efgh",
    );
  });
});
