import { z } from "zod";
import { type Answers, noContent } from "../http/answers.ts";

/** What this area's routes answer, by path, method and status (the OpenAPI document's responses). */
export const channelList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(["wecom", "dingtalk", "feishu", "webhook"]),
      name: z.string(),
      urlHint: z.string(),
      secretHint: z.string().nullable(),
      events: z.array(z.enum(["quota_alarm", "month_close", "complaint_overdue", "refresh_stale", "card_sold", "awards"])),
      language: z.enum(["zh-CN", "en"]),
      enabled: z.boolean(),
      consecutiveFailures: z.number(),
      disabledAt: z.string().nullable(),
      createdAt: z.string(),
      updatedAt: z.string(),
    }),
  ),
  events: z.array(z.enum(["quota_alarm", "month_close", "complaint_overdue", "refresh_stale", "card_sold", "awards"])),
});

export const channel = z.object({
  id: z.string(),
  kind: z.enum(["wecom", "dingtalk", "feishu", "webhook"]),
  name: z.string(),
  urlHint: z.string(),
  secretHint: z.string().nullable(),
  events: z.array(z.enum(["quota_alarm", "month_close", "complaint_overdue", "refresh_stale", "card_sold", "awards"])),
  language: z.enum(["zh-CN", "en"]),
  enabled: z.boolean(),
  consecutiveFailures: z.number(),
  disabledAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const channelTest = z.object({
  ok: z.boolean(),
  responseCode: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
});

export const deliveryPage = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      messageId: z.string().nullable(),
      event: z.string(),
      attempt: z.number(),
      ok: z.boolean(),
      responseCode: z.number().nullable(),
      error: z.string().nullable(),
      durationMs: z.number(),
      at: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const notifyAnswers = {
  "/notify/channels": { $get: { 200: channelList }, $post: { 201: channel } },
  "/notify/channels/:id": { $patch: { 200: channel }, $delete: { 204: noContent } },
  "/notify/channels/:id/test": { $post: { 200: channelTest } },
  "/notify/channels/:id/deliveries": { $get: { 200: deliveryPage } },
} satisfies Answers;
