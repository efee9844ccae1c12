/** Small shared names; every API shape comes from the server's routes through `api.ts`. */
export type Channel = "visit" | "demo" | "phone" | "letter";
export type Outcome = "none" | "interested" | "signed" | "declined";
export type Level = "ok" | "80" | "60" | "20";
export type Period = "month" | "quarter" | "year";
export type { CloseReason } from "../../server/src/regulation/month-close.ts";
