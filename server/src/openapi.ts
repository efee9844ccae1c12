import type { Hono } from "hono";
import { generateSpecs, resolver } from "hono-openapi";
import type { OpenAPIV3_1 } from "openapi-types";
import type { z } from "zod";
import { alarmsAnswers } from "./alarms/responses.ts";
import { analysisAnswers } from "./analysis/responses.ts";
import { authAnswers } from "./auth/responses.ts";
import { awardsAnswers } from "./awards/responses.ts";
import { cardsAnswers } from "./cards/responses.ts";
import { contactsAnswers } from "./contacts/responses.ts";
import { customersAnswers } from "./customers/responses.ts";
import { diaryAnswers } from "./diary/responses.ts";
import { type Answer, type Answers, errorEnvelope, type Method } from "./http/answers.ts";
import { leaderboardAnswers } from "./leaderboard/responses.ts";
import { notifyAnswers } from "./notify/responses.ts";
import { plansAnswers } from "./plans/responses.ts";
import { promotionsAnswers } from "./promotions/responses.ts";
import { prospectsAnswers } from "./prospects/responses.ts";
import { quotasAnswers } from "./quotas/responses.ts";
import { realtimeAnswers } from "./realtime/responses.ts";
import { refreshAnswers } from "./refresh/responses.ts";
import { revenueAnswers } from "./revenue/responses.ts";
import { settingsAnswers } from "./settings/responses.ts";
import { teamsAnswers } from "./teams/responses.ts";
import { usersAnswers } from "./users/responses.ts";
import { idempotencyKey } from "./writes/idempotency.ts";

/** Every route's answers, by hono path (`/customers/:id`), method and status. */
export const answers = {
  ...authAnswers,
  ...usersAnswers,
  ...teamsAnswers,
  ...settingsAnswers,
  ...customersAnswers,
  ...revenueAnswers,
  ...cardsAnswers,
  ...analysisAnswers,
  ...alarmsAnswers,
  ...contactsAnswers,
  ...prospectsAnswers,
  ...plansAnswers,
  ...promotionsAnswers,
  ...diaryAnswers,
  ...refreshAnswers,
  ...quotasAnswers,
  ...leaderboardAnswers,
  ...awardsAnswers,
  ...realtimeAnswers,
  ...notifyAnswers,
} satisfies Answers;

/** Routes anyone may call: no session. */
const PUBLIC = new Set(["POST /signup", "POST /auth/login"]);
/** Routes that throttle their callers (auth/service.ts). */
const THROTTLED = new Set(["POST /signup", "POST /auth/login"]);
/** Writes that honour an `Idempotency-Key` (contacts/idempotency.ts): whether it is required. */
const IDEMPOTENT: Record<string, boolean> = {
  "POST /contacts": true,
  "POST /contacts/{id}/void": false,
  "POST /contacts/{id}/accept": false,
  "POST /customers": false,
  "POST /revenue": false,
  "POST /card-sales": false,
};

/** Reads served from the derived cache (http/derived-cache.ts `sendServed`): an ETag, and 304 to a matching If-None-Match. */
const REVALIDATED = new Set(["GET /analysis/tiers", "GET /analysis/share", "GET /leaderboard"]);

/** The document's sections (operations are tagged by their routes' describeRoute). */
const TAGS: Record<string, string> = {
  auth: "Sign-up, sign-in and the session",
  users: "The club's admins, managers, team leads and reps",
  teams: "Teams and their leads",
  settings: "The club's thresholds, cadence, grace days, business lines, visit radius and position retention",
  customers: "Customers: records, history, referrals, tiers, CSV import and export, reassignment and handover",
  complaints: "Complaints and their 48-hour clock",
  revenue: "The revenue ledger and its CSV import",
  cards: "Card types and card sales",
  analysis: "Tiers, Pareto, spend share and business-line mix",
  alarms: "Alarms and their acknowledgement",
  contacts: "Contacts, the existing/prospect ratio and overdue customers",
  prospects: "The prospect review",
  plans: "Visit plans and their adherence",
  promotions: "Public promotions",
  diary: "Work diaries",
  refresh: "The quarterly record refresh",
  quotas: "Targets, quota attainment, month close and standing",
  leaderboard: "The rep and team leaderboards",
  awards: "The year's awards and certificates",
  live: "The live boards",
  notify: "Notification channels (group bots and webhooks) and their deliveries",
};

const ERROR_REF = { $ref: "#/components/schemas/Error" } as const;
const ERROR_LINES: Record<number, string> = {
  400: "Bad input: `fields` and `fieldCodes` name the offending fields",
  401: "No session, or it has ended",
  403: "The caller's role may not do this (or a cookie-authenticated write came from another site)",
  404: "No such row, or one of another club or rep",
  409: "A conflict: a duplicate, or an Idempotency-Key reused for another request",
  413: "The body is too large",
  415: "The body is not text/csv",
  422: "A rule of the club refused the change",
  429: "Too many attempts; `Retry-After` says when to try again",
  503: "The database is busy or unavailable; retry",
};

function errorsOf(method: string, path: string, op: OpenAPIV3_1.OperationObject, csvIn: boolean): number[] {
  const key = `${method.toUpperCase()} ${path}`;
  const write = method !== "get";
  const input = write || (op.parameters?.length ?? 0) > 0;
  const statuses = [503];
  if (input) statuses.push(400);
  // Signing in answers 401 to a wrong club, email or password; sign-up 403 when it is closed.
  if (key === "POST /auth/login") statuses.push(401);
  if (key === "POST /signup") statuses.push(403);
  if (!PUBLIC.has(key)) statuses.push(401);
  // Rows of another club or rep, named in the path, the query or the body, answer 404;
  // a rule may refuse what was asked (a period not yet over, a closed month), 422.
  if (!PUBLIC.has(key)) statuses.push(403, ...(input ? [404, 422] : []));
  if (write) statuses.push(409, 413);
  if (csvIn) statuses.push(415);
  if (THROTTLED.has(key)) statuses.push(429);
  return statuses.sort((a, b) => a - b);
}

async function jsonSchemaOf(schema: z.ZodType, components: OpenAPIV3_1.ComponentsObject) {
  const out = await resolver(schema).toOpenAPISchema();
  const into = components as Record<string, object | undefined>;
  for (const [kind, entries] of Object.entries(out.components ?? {})) into[kind] = { ...into[kind], ...entries };
  return out.schema;
}

async function responseOf(status: string, answer: Answer, components: OpenAPIV3_1.ComponentsObject): Promise<OpenAPIV3_1.ResponseObject> {
  const description = status === "201" ? "Created" : status === "202" ? "Accepted" : status === "204" ? "No content" : "OK";
  if ("kind" in answer) {
    if (answer.kind === "none") return { description };
    const media = answer.kind === "csv" ? "text/csv" : "text/html";
    return { description, content: { [media]: { schema: { type: "string" } } } };
  }
  return { description, content: { "application/json": { schema: await jsonSchemaOf(answer as z.ZodType, components) } } };
}

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/**
 * The API's OpenAPI 3.1 document, from the routes' own zod schemas: hono-openapi reads the
 * request schemas off the validators; the answers, error statuses, headers, CSV bodies and
 * security are added here from `answers` and the tables above. A route without a documented
 * answer is an error, so the document cannot leave one out.
 */
export async function openApiDocument(api: Hono): Promise<OpenAPIV3_1.Document> {
  const components: OpenAPIV3_1.ComponentsObject = {
    schemas: { Error: await jsonSchemaOf(errorEnvelope, {}) },
    securitySchemes: {
      bearer: { type: "http", scheme: "bearer", description: "The token from POST /auth/login or POST /signup" },
      cookie: { type: "apiKey", in: "cookie", name: "session", description: "The session cookie set by POST /auth/login" },
    },
    headers: {
      IdempotentReplayed: {
        description: "`true` when this answer is a replay of the first request with the same Idempotency-Key",
        schema: { type: "string", enum: ["true"] },
      },
      RetryAfter: { description: "Seconds to wait before trying again", schema: { type: "string" } },
      ETag: { description: "The answer's version; send it back in If-None-Match to get a 304 while it holds", schema: { type: "string" } },
    },
  };
  const spec = await generateSpecs(api, {
    defaultValidationErrorResponse: false,
    // The CSV exports and templates end in .csv: they are operations, not static files.
    excludeStaticFile: false,
    documentation: {
      info: { title: "Clubhouse API", version: "1", description: "Multi-tenant CRM for membership clubs. See docs/api.md." },
      servers: [{ url: "/api/v1" }],
    },
  });
  const tags = new Set<string>();
  const keySchema = await jsonSchemaOf(idempotencyKey, components);
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    const honoPath = path.replace(/\{(\w+)\}/g, ":$1");
    for (const method of METHODS) {
      const op = item?.[method as OpenAPIV3_1.HttpMethods] as OpenAPIV3_1.OperationObject | undefined;
      if (!op) continue;
      const key = `${method.toUpperCase()} ${path}`;
      const documented = (answers as Answers)[honoPath]?.[`$${method}` as Method];
      if (!documented) throw new Error(`${key} has no documented answer (server/src/*/responses.ts)`);
      for (const t of op.tags ?? []) tags.add(t);
      const csvIn = method === "post" && path.endsWith("/import");
      if (csvIn) {
        op.requestBody = {
          required: true,
          description: "The CSV file (UTF-8, or GB18030 with `charset=gb18030`)",
          content: { "text/csv": { schema: { type: "string" } } },
        };
      }
      const idempotent = IDEMPOTENT[key];
      if (idempotent !== undefined) {
        op.parameters = [
          ...(op.parameters ?? []),
          {
            name: "Idempotency-Key",
            in: "header",
            required: idempotent,
            description:
              "A key the client chooses per write (a UUID is typical); a repeat with the same key and body answers the first response",
            schema: keySchema,
          } as OpenAPIV3_1.ParameterObject,
        ];
      }
      const responses: OpenAPIV3_1.ResponsesObject = {};
      for (const [status, answer] of Object.entries(documented)) {
        const response = await responseOf(status, answer, components);
        if (idempotent !== undefined) response.headers = { "Idempotent-Replayed": { $ref: "#/components/headers/IdempotentReplayed" } };
        responses[status] = response;
      }
      if (REVALIDATED.has(key)) {
        op.parameters = [
          ...(op.parameters ?? []),
          {
            name: "If-None-Match",
            in: "header",
            required: false,
            description: "The ETag of an answer the client holds",
            schema: { type: "string" },
          },
        ];
        const ok = responses["200"] as OpenAPIV3_1.ResponseObject;
        ok.headers = { ...ok.headers, ETag: { $ref: "#/components/headers/ETag" } };
        responses["304"] = { description: "Not modified: the answer the client holds (its ETag) is current" };
      }
      for (const status of errorsOf(method, path, op, csvIn)) {
        const response: OpenAPIV3_1.ResponseObject = {
          description: ERROR_LINES[status] ?? "Error",
          content: { "application/json": { schema: ERROR_REF } },
        };
        if (status === 429) response.headers = { "Retry-After": { $ref: "#/components/headers/RetryAfter" } };
        responses[String(status)] = response;
      }
      op.responses = responses;
      if (PUBLIC.has(key)) op.security = [];
    }
  }
  return {
    ...spec,
    tags: [...tags].sort().map((name) => ({ name, description: TAGS[name] ?? name })),
    components: { ...spec.components, ...components, schemas: { ...spec.components?.schemas, ...components.schemas } },
    security: [{ bearer: [] }, { cookie: [] }],
  };
}
