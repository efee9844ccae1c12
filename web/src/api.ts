/**
 * The one API client. Routes that exist on the server are called through
 * `hono/client` over the server's exported `ApiType`, so their inputs and
 * outputs are checked against the real route definitions at compile time.
 * A failed call always throws (ApiError with the server's code, message and
 * per-field messages, or NetworkError): errors are never returned as data.
 */
import { hc, type InferResponseType } from "hono/client";
import { createSignal } from "solid-js";
import type { ApiType } from "../../server/src/app.ts";
import type { FieldCoded } from "./i18n/fields.ts";

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    fields?: Record<string, string>;
    fieldCodes?: Record<string, FieldCoded>;
    requestId?: string;
  };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    /** Each refused field's stable code and parameters: word these, never `fields`' English lines. */
    readonly fieldCodes: Record<string, FieldCoded> = {},
  ) {
    super(message);
  }
}

/** The request never reached the server (offline, DNS, connection reset). */
export class NetworkError extends Error {}

/** Set when the server says the session is gone, so the shell can show the sign-in form. */
const [signedOut, setSignedOut] = createSignal(false);

export { setSignedOut, signedOut };

async function apiFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(input, { ...init, credentials: "same-origin" });
  } catch (err) {
    throw new NetworkError((err as Error).message || "network error");
  }
  if (res.ok) return res;
  let body: Partial<ErrorBody> | undefined;
  try {
    body = (await res.json()) as Partial<ErrorBody>;
  } catch {}
  const e = body?.error;
  if (res.status === 401 && !String(input).endsWith("/auth/login")) setSignedOut(true);
  throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.fields ?? {}, e?.fieldCodes ?? {});
}

export const client = hc<ApiType>("/api/v1", { fetch: apiFetch });

/** The JSON body of a successful typed call (apiFetch has already thrown on any error). */
export async function data<T>(call: Promise<{ json(): Promise<T> }>): Promise<T> {
  return (await call).json();
}

/**
 * A CSV upload: the file's bytes as they are (text/csv, no charset), so the server
 * detects UTF-8 or GB18030 itself; pasted text goes as UTF-8.
 */
export async function uploadCsv<T>(path: string, file: Blob | ArrayBuffer): Promise<T> {
  const res = await apiFetch(`/api/v1${path}`, { method: "POST", headers: { "content-type": "text/csv" }, body: file });
  return (await res.json()) as T;
}

export type Me = InferResponseType<typeof client.me.$get, 200>;
export type Customer = InferResponseType<(typeof client.customers)[":id"]["$get"], 200>;
export type CustomerPage = InferResponseType<typeof client.customers.$get, 200>;
export type Settings = InferResponseType<typeof client.settings.$get, 200>;
export type User = InferResponseType<typeof client.users.$get, 200>["items"][number];
export type Alarm = InferResponseType<typeof client.alarms.$get, 200>["items"][number];
export type TierAnalysis = InferResponseType<typeof client.analysis.tiers.$get, 200>;
export type ShareAnalysis = InferResponseType<typeof client.analysis.share.$get, 200>;
export type MixAnalysis = InferResponseType<typeof client.analysis.mix.$get, 200>;
export type HistoryPage = InferResponseType<(typeof client.customers)[":id"]["history"]["$get"], 200>;
export type Contact = InferResponseType<(typeof client.contacts)[":id"]["$get"], 200>;
export type ContactPage = InferResponseType<typeof client.contacts.$get, 200>;
export type Ratio = InferResponseType<(typeof client.reps)[":id"]["ratio"]["$get"], 200>;
export type Standing = InferResponseType<(typeof client.reps)[":id"]["standing"]["$get"], 200>;
export type Leaderboard = InferResponseType<typeof client.leaderboard.$get, 200>;
export type LeaderboardRow = Leaderboard["rows"][number];
/** One team of the race (leaderboard/teams.ts on the server): its reps' rows of the board summed. */
export type TeamRaceRow = InferResponseType<typeof client.leaderboard.teams.$get, 200>["rows"][number];
export type Quota = InferResponseType<typeof client.quota.$get, 200>;
export type QuotaRow = Quota["reps"][number];
export type Diary = InferResponseType<(typeof client.diary)[":date"]["$get"], 200>;
export type Awards = InferResponseType<(typeof client.awards)[":year"]["$get"], 200>;
export type RefreshProgress = InferResponseType<typeof client.refresh.progress.$get, 200>;
export type MonthResults = InferResponseType<(typeof client.months)[":month"]["results"]["$get"], 200>;
