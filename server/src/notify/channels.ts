import { randomUUID } from "node:crypto";
import { notifyChannels, notifyDeliveries, type Tx, withTenant } from "@clubhouse/db";
import { and, desc, eq, lt, or } from "drizzle-orm";
import { audit } from "../audit.ts";
import type { ServiceContext } from "../deps.ts";
import { NotFound, ValidationError } from "../errors.ts";
import { fieldIssue } from "../http/field-codes.ts";
import { cursorPart, decodeCursor, page } from "../http/paging.ts";
import { NOTIFY_EVENTS, type NotifyEvent, type NotifyLanguage } from "./events.ts";
import { type ChannelKind, isStandardSecret } from "./formats.ts";
import { renderMessage } from "./render.ts";
import { sendOnce } from "./send.ts";
import { wakeClub } from "./wakeups.ts";

type ChannelRow = typeof notifyChannels.$inferSelect;

export interface ChannelInput {
  kind: ChannelKind;
  name: string;
  url: string;
  secret?: string | undefined;
  events: NotifyEvent[];
  language?: NotifyLanguage | undefined;
  enabled?: boolean | undefined;
}

export type ChannelPatch = Partial<Omit<ChannelInput, "kind">>;

/** The last four characters of a secret, when it is long enough that they give nothing away. */
function hint(secret: string): string {
  return secret.length >= 12 ? `…${secret.slice(-4)}` : "…";
}

/** A bot's URL carries its key (WeCom `key`, DingTalk `access_token`, Feishu's hook id): only its host and last four characters are shown. */
export function urlHint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/${hint(url)}`;
  } catch {
    return hint(url);
  }
}

/** A channel as the API shows it: never its URL or secret, only hints of them. */
export function presentChannel(c: ChannelRow) {
  return {
    id: c.id,
    kind: c.kind,
    name: c.name,
    urlHint: urlHint(c.url),
    secretHint: c.secret ? hint(c.secret) : null,
    events: c.events as NotifyEvent[],
    language: c.language as NotifyLanguage,
    enabled: c.enabled,
    consecutiveFailures: c.consecutiveFailures,
    disabledAt: c.disabledAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** What each kind needs: a signing secret for DingTalk, Feishu and webhooks (a Standard Webhooks `whsec_…` one for those); none for WeCom. */
function checkSecret(kind: ChannelKind, secret: string | null | undefined) {
  if (kind === "wecom") {
    if (secret)
      throw new ValidationError({ secret: fieldIssue("invalid", "a WeCom group bot has no signing secret (its key is in the URL)") });
    return;
  }
  if (!secret) throw new ValidationError({ secret: fieldIssue("required", "is required to sign messages") });
  if (kind === "webhook" && !isStandardSecret(secret))
    throw new ValidationError({
      secret: fieldIssue("invalid_format", "must be whsec_ followed by 24 to 64 bytes in base64", { format: "whsec_…" }),
    });
}

export async function listChannels(ctx: ServiceContext) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const rows = await tx.select().from(notifyChannels).orderBy(notifyChannels.createdAt, notifyChannels.id);
    return { items: rows.map(presentChannel), events: [...NOTIFY_EVENTS] };
  });
}

export async function createChannel(ctx: ServiceContext, input: ChannelInput) {
  checkSecret(input.kind, input.secret);
  const now = new Date();
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [row] = await tx
      .insert(notifyChannels)
      .values({
        tenantId: ctx.tenantId,
        kind: input.kind,
        name: input.name,
        url: input.url,
        secret: input.secret ?? null,
        events: [...new Set(input.events)],
        language: input.language ?? "zh-CN",
        enabled: input.enabled ?? true,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    // the audit trail names the channel, never its URL or secret
    await audit(tx, ctx.tenantId, ctx.actor, "notify.channel.create", "notify_channel", row!.id, {
      kind: row!.kind,
      name: row!.name,
      events: row!.events,
    });
    return presentChannel(row!);
  });
}

async function loadChannel(tx: Tx, id: string) {
  // row-level security: another club's channel is simply not there (404)
  const [row] = await tx.select().from(notifyChannels).where(eq(notifyChannels.id, id)).for("update");
  if (!row) throw new NotFound("channel");
  return row;
}

export async function updateChannel(ctx: ServiceContext, id: string, patch: ChannelPatch) {
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const row = await loadChannel(tx, id);
    const secret = patch.secret === undefined ? row.secret : patch.secret;
    checkSecret(row.kind, secret);
    const now = new Date();
    const enabling = patch.enabled === true && !row.enabled;
    const [next] = await tx
      .update(notifyChannels)
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.secret !== undefined ? { secret: patch.secret } : {}),
        ...(patch.events !== undefined ? { events: [...new Set(patch.events)] } : {}),
        ...(patch.language !== undefined ? { language: patch.language } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
        // switched back on: its failures are forgiven, its waiting messages go out
        ...(enabling ? { consecutiveFailures: 0, disabledAt: null } : {}),
        ...(patch.enabled === false && row.enabled ? { disabledAt: now } : {}),
        updatedAt: now,
      })
      .where(eq(notifyChannels.id, id))
      .returning();
    // its waiting messages are due again: the next sweep visits the club
    if (enabling) await wakeClub(tx, ctx.tenantId, now);
    await audit(tx, ctx.tenantId, ctx.actor, "notify.channel.update", "notify_channel", id, {
      changed: Object.keys(patch).map((k) => (k === "secret" || k === "url" ? `${k} (hidden)` : k)),
    });
    return presentChannel(next!);
  });
}

export async function deleteChannel(ctx: ServiceContext, id: string) {
  await withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const row = await loadChannel(tx, id);
    await tx.delete(notifyChannels).where(eq(notifyChannels.id, id));
    await audit(tx, ctx.tenantId, ctx.actor, "notify.channel.delete", "notify_channel", id, { kind: row.kind, name: row.name });
  });
}

/**
 * "Send test message": one attempt now, outside the outbox (nothing to retry: the
 * person pressing the button reads the answer), logged like any delivery. It does not
 * count towards the channel's failures.
 */
export async function testChannel(ctx: ServiceContext, id: string) {
  const row = await withTenant(ctx.deps.database, ctx.tenantId, (tx) => loadChannel(tx, id));
  const msgId = randomUUID();
  const data = { channelName: row.name };
  const rendered = renderMessage("test", data, row.language as NotifyLanguage);
  const r = await sendOnce(row, { id: msgId, event: "test", data, rendered, createdAt: new Date() }, ctx.deps.config.NOTIFY_TIMEOUT_MS);
  await withTenant(ctx.deps.database, ctx.tenantId, (tx) =>
    tx.insert(notifyDeliveries).values({
      tenantId: ctx.tenantId,
      channelId: id,
      messageId: null,
      event: "test",
      attempt: 1,
      ok: r.ok,
      responseCode: r.responseCode,
      error: r.error,
      durationMs: r.durationMs,
      at: new Date(),
    }),
  );
  return { ok: r.ok, responseCode: r.responseCode, error: r.error, durationMs: r.durationMs };
}

/** The channel's delivery log, newest first: every attempt with its outcome and the answer's status. */
export async function listDeliveries(ctx: ServiceContext, id: string, q: { limit: number; cursor?: string | undefined }) {
  const after = decodeCursor(q.cursor, [cursorPart.instant, cursorPart.uuid]);
  return withTenant(ctx.deps.database, ctx.tenantId, async (tx) => {
    const [ch] = await tx.select({ id: notifyChannels.id }).from(notifyChannels).where(eq(notifyChannels.id, id));
    if (!ch) throw new NotFound("channel");
    const rows = await tx
      .select()
      .from(notifyDeliveries)
      .where(
        and(
          eq(notifyDeliveries.channelId, id),
          after
            ? or(
                lt(notifyDeliveries.at, new Date(after[0])),
                and(eq(notifyDeliveries.at, new Date(after[0])), lt(notifyDeliveries.id, after[1])),
              )
            : undefined,
        ),
      )
      .orderBy(desc(notifyDeliveries.at), desc(notifyDeliveries.id))
      .limit(q.limit + 1);
    return page(
      rows,
      q.limit,
      (d) => ({
        id: d.id,
        messageId: d.messageId,
        event: d.event,
        attempt: d.attempt,
        ok: d.ok,
        responseCode: d.responseCode,
        error: d.error,
        durationMs: d.durationMs,
        at: d.at.toISOString(),
      }),
      (d) => [d.at, d.id],
    );
  });
}
