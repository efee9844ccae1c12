import { z } from "zod";
import { type LiveEventName, liveEvents, specOf } from "./event-table.ts";

/**
 * The live contract section of docs/realtime.md, written from the table of events
 * (event-table.ts) by `pnpm docs:live`; live-doc.test.ts fails when the doc is not
 * what this would write.
 */
export const BEGIN = "<!-- live-contract:begin -->";
export const END = "<!-- live-contract:end -->";

type Json = {
  type?: string | string[];
  properties?: Record<string, Json>;
  required?: string[];
  additionalProperties?: Json | boolean;
  items?: Json;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Json[];
  format?: string;
};

/** A JSON schema in the short TypeScript-like notation the doc uses. */
function shape(s: Json): string {
  if (s.anyOf) return s.anyOf.map(shape).join(" | ");
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.type)) return s.type.join(" | ");
  switch (s.type) {
    case "object": {
      const props = Object.entries(s.properties ?? {});
      const extra = s.additionalProperties;
      if (props.length === 0) return typeof extra === "object" && Object.keys(extra).length > 0 ? `{[k]: ${shape(extra)}}` : "{…}";
      const req = new Set(s.required ?? []);
      const fields = props.map(([k, v]) => `${k}${req.has(k) ? "" : "?"}: ${shape(v)}`);
      // a loose object carries more fields than these
      if (typeof extra === "object") fields.push("…");
      return `{${fields.join(", ")}}`;
    }
    case "array":
      return `${s.items ? shape(s.items) : "unknown"}[]`;
    case "string":
      return s.format === "uuid" ? "uuid" : s.format === "date-time" ? "ISO time" : "string";
    case undefined:
      return "unknown";
    default:
      return s.type;
  }
}

/** An event's payload, in short. */
export function payloadShape(event: LiveEventName): string {
  return shape(z.toJSONSchema(specOf(event).schema, { io: "output", unrepresentable: "any" }) as Json);
}

const WORDS = { club: "the whole club", managers: "managers and admins", rep: "the rep it names (`repId`)" } as const;

function audienceOf(event: LiveEventName): { who: string; leads: string } {
  const spec = specOf(event);
  if (spec.kind === "channel") return { who: spec.audience, leads: spec.leads };
  const who = spec.to.map((r) => (r === "rep" && spec.toRepWhen ? `${WORDS[r]}, when ${spec.toRepWhen}` : WORDS[r])).join("; ");
  const leads = spec.to.includes("club")
    ? "yes (the club's room)"
    : "no (in neither the managers' nor a rep's room): their team's part of the boards shows it";
  return { who, leads };
}

const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

/** The section between the markers, markers included. */
export function liveContract(): string {
  const names = Object.keys(liveEvents) as LiveEventName[];
  const published = names.filter((n) => specOf(n).kind === "published");
  const sent = names.filter((n) => specOf(n).kind === "channel");
  const rows = (list: LiveEventName[]) =>
    list.map((n) => {
      const a = audienceOf(n);
      return `| \`${n}\` | \`${cell(payloadShape(n))}\` | ${cell(a.who)} | ${cell(a.leads)} | ${cell(specOf(n).about)} |`;
    });
  const head = ["| Event | Payload | Who receives it | Team leads | What it says |", "|---|---|---|---|---|"];
  return [
    BEGIN,
    "<!-- written by `pnpm docs:live` from server/src/realtime/event-table.ts: do not edit by hand -->",
    "",
    "Announced by writes, after commit, through `publishCommitted` / `publishAfterCommit` (outbox.ts),",
    "to the rooms the table names (`recipientsOf`). `…` in a payload: more fields may follow.",
    "",
    ...head,
    ...rows(published),
    "",
    "Sent by the live channel itself (live.ts):",
    "",
    ...head,
    ...rows(sent),
    "",
    END,
  ].join("\n");
}

/** `doc` with its live contract section replaced by what the table says now. */
export function withLiveContract(doc: string): string {
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error("docs/realtime.md has no live contract markers");
  return doc.slice(0, from) + liveContract() + doc.slice(to + END.length);
}
