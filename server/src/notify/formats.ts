import { createHmac } from "node:crypto";
import type { NotifyEvent } from "./events.ts";
import type { Rendered } from "./render.ts";

export type ChannelKind = "wecom" | "dingtalk" | "feishu" | "webhook";

export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface Message {
  /** The message's id: the same on every retry (Standard Webhooks `webhook-id`). */
  id: string;
  event: NotifyEvent | "test";
  data: Record<string, unknown>;
  rendered: Rendered;
  /** When the event happened (the outbox row's creation). */
  createdAt: Date;
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };

/** DingTalk group bot signing: base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)), timestamp in ms. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`).digest("base64");
}

/** Feishu custom bot signing: base64(HMAC-SHA256 keyed with `${timestamp}\n${secret}` over nothing), timestamp in seconds. */
export function feishuSign(secret: string, timestampSec: number): string {
  return createHmac("sha256", `${timestampSec}\n${secret}`).update("").digest("base64");
}

/** Standard Webhooks: `v1,` + base64(HMAC-SHA256(base64-decoded secret after `whsec_`, `${id}.${timestamp}.${body}`)). */
export function standardSignature(secret: string, id: string, timestampSec: number, body: string): string {
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret, "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestampSec}.${body}`).digest("base64")}`;
}

/** A Standard Webhooks secret: `whsec_` and 24 to 64 bytes in base64. */
export function isStandardSecret(secret: string): boolean {
  if (!secret.startsWith("whsec_")) return false;
  const b64 = secret.slice("whsec_".length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return false;
  const n = Buffer.from(b64, "base64").length;
  return n >= 24 && n <= 64;
}

const WECOM_COLOR = { alert: "warning", warn: "warning", info: "comment", good: "info" } as const;
const FEISHU_TEMPLATE = { alert: "red", warn: "orange", info: "blue", good: "green" } as const;

/** The request a channel of `kind` takes for `msg`, signed as that app wants, at `now`. */
export function buildRequest(
  channel: { kind: ChannelKind; url: string; secret: string | null },
  msg: Message,
  now: Date = new Date(),
): OutgoingRequest {
  const { title, lines, tone } = msg.rendered;
  switch (channel.kind) {
    case "wecom": {
      // 企业微信 group bot: markdown, the key is in the URL; <font color> is WeCom's own markup.
      const content = [`<font color="${WECOM_COLOR[tone]}">**${title}**</font>`, ...lines.map((l) => `> ${l}`)].join("\n");
      return { url: channel.url, headers: JSON_HEADERS, body: JSON.stringify({ msgtype: "markdown", markdown: { content } }) };
    }
    case "dingtalk": {
      const ts = now.getTime();
      const url = new URL(channel.url);
      if (channel.secret) {
        // URLSearchParams url-encodes the base64 (+, /, =) as DingTalk asks
        url.searchParams.set("timestamp", String(ts));
        url.searchParams.set("sign", dingtalkSign(channel.secret, ts));
      }
      const text = [`#### ${title}`, ...lines].join("\n\n");
      return { url: url.toString(), headers: JSON_HEADERS, body: JSON.stringify({ msgtype: "markdown", markdown: { title, text } }) };
    }
    case "feishu": {
      const ts = Math.floor(now.getTime() / 1000);
      const card = {
        config: { wide_screen_mode: true },
        header: { title: { tag: "plain_text", content: title }, template: FEISHU_TEMPLATE[tone] },
        elements: [{ tag: "div", text: { tag: "lark_md", content: lines.join("\n") } }],
      };
      const signed = channel.secret ? { timestamp: String(ts), sign: feishuSign(channel.secret, ts) } : {};
      return { url: channel.url, headers: JSON_HEADERS, body: JSON.stringify({ ...signed, msg_type: "interactive", card }) };
    }
    case "webhook": {
      const ts = Math.floor(now.getTime() / 1000);
      const body = JSON.stringify({
        type: msg.event,
        timestamp: msg.createdAt.toISOString(),
        data: { ...msg.data, title, text: lines.join("\n") },
      });
      const headers: Record<string, string> = { ...JSON_HEADERS, "webhook-id": msg.id, "webhook-timestamp": String(ts) };
      if (channel.secret) headers["webhook-signature"] = standardSignature(channel.secret, msg.id, ts, body);
      return { url: channel.url, headers, body };
    }
  }
}

/**
 * Whether the app took the message. The IM bots answer 200 with an error code in the
 * body (a wrong signature, a rate limit), so a 2xx alone is not enough for them.
 */
export function accepted(kind: ChannelKind, status: number, text: string): { ok: boolean; error?: string } {
  if (status < 200 || status >= 300) return { ok: false, error: `HTTP ${status}${text ? `: ${text.slice(0, 160)}` : ""}` };
  if (kind === "webhook") return { ok: true };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { ok: false, error: `unreadable answer: ${text.slice(0, 160)}` };
  }
  const code = kind === "feishu" ? (body.code ?? body.StatusCode) : body.errcode;
  if (code === 0 || code === undefined) return { ok: true };
  const msg = kind === "feishu" ? (body.msg ?? body.StatusMessage) : body.errmsg;
  return { ok: false, error: `code ${String(code)}: ${String(msg ?? "").slice(0, 160)}` };
}
