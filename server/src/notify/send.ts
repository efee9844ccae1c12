import { accepted, buildRequest, type ChannelKind, type Message } from "./formats.ts";

export interface SendResult {
  ok: boolean;
  /** The HTTP status, when an answer came. */
  responseCode: number | null;
  error: string | null;
  durationMs: number;
}

/** What a stored channel holds to send: its secrets never leave this module's callers' scope. */
export interface SendChannel {
  kind: ChannelKind;
  url: string;
  secret: string | null;
}

/** Anything that could carry a secret out into a log or an answer is cut out of error text. */
export function scrub(text: string, channel: SendChannel): string {
  let out = text;
  const secrets = [channel.url, channel.secret ?? ""];
  try {
    const u = new URL(channel.url);
    secrets.push(u.search.slice(1), u.pathname, ...[...u.searchParams.values()]);
  } catch {}
  for (const s of secrets.filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(s).join("…");
  return out;
}

/** One attempt: POST the message as the channel's app wants it. Never throws. */
export async function sendOnce(channel: SendChannel, msg: Message, timeoutMs: number): Promise<SendResult> {
  const started = performance.now();
  const done = (r: Omit<SendResult, "durationMs">): SendResult => ({
    ...r,
    error: r.error === null ? null : scrub(r.error, channel).slice(0, 300),
    durationMs: Math.round(performance.now() - started),
  });
  try {
    const req = buildRequest(channel, msg);
    // redirect: manual — a signed message goes to the address the club gave, nowhere else
    const res = await fetch(req.url, {
      method: "POST",
      headers: req.headers,
      body: req.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = (await res.text()).slice(0, 4096);
    const verdict = accepted(channel.kind, res.status, text);
    return done({ ok: verdict.ok, responseCode: res.status, error: verdict.error ?? null });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why =
      e.name === "TimeoutError" || e.name === "AbortError"
        ? `timeout after ${timeoutMs} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message ?? "network error");
    return done({ ok: false, responseCode: null, error: why });
  }
}
