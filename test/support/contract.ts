import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { type OpenApiDocument, servedDocument } from "../contract/document.ts";

/**
 * Every answer the API tests receive is checked against the OpenAPI document (harness.ts
 * `call`): the operation its method and path match, the status it answered, and the
 * schema the document gives that status (OpenAPI 3.1 = JSON Schema 2020-12). A status the
 * document does not list for the operation, or a body its schema refuses, fails the test.
 */
export interface Contract {
  /** Why this answer (to `path` from the server's root) breaks the document, or undefined when it keeps to it. */
  check(method: string, path: string, status: number, contentType: string | null, body: unknown): string | undefined;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
}

/** Fixed path segments outrank a parameter (`/customers/reassign` before `/customers/{id}`). */
const specificity = (template: string) =>
  template
    .split("/")
    .map((s) => (s.startsWith("{") ? "1" : "0"))
    .join("");

/**
 * Every object schema with listed properties is closed (`additionalProperties: false`
 * unless it says otherwise): an answer carrying a field the document does not name fails
 * its test, so a field added to an answer must be added to its schema too.
 */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) for (const n of node) closed(n);
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.type === "object" && o.properties && !("additionalProperties" in o)) o.additionalProperties = false;
    for (const v of Object.values(o)) closed(v);
  }
  return node;
}

export function contractOf(document: OpenApiDocument): Contract {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  ajv.addSchema(closed(structuredClone(document)) as object, "openapi.json");
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(document.paths))
    for (const method of Object.keys(item)) {
      const source = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{\w+\\?\}/g, "[^/]+");
      routes.push({ method: method.toUpperCase(), template, pattern: new RegExp(`^${source}/?$`) });
    }
  routes.sort((a, b) => specificity(a.template).localeCompare(specificity(b.template)));
  const compiled = new Map<string, ValidateFunction>();
  const pointer = (...parts: string[]) => `openapi.json#/${parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;

  return {
    check(method, path, status, contentType, body) {
      const full = path.split("?")[0]!;
      // Outside /api/v1 (health, metrics, the web app), and the document itself: not operations.
      if (!full.startsWith("/api/v1/") || full === "/api/v1/openapi.json") return undefined;
      const bare = full.slice("/api/v1".length);
      const route = routes.find((r) => r.method === method.toUpperCase() && r.pattern.test(bare));
      if (!route) {
        // Not an operation: an unknown path's 404 (or a 405) is the only answer it may get.
        return status === 404 || status === 405 ? undefined : `${method} ${path} answered ${status} but is not in the document`;
      }
      const op = document.paths[route.template]![route.method.toLowerCase()]!;
      const documented = op.responses[String(status)];
      if (!documented) return `${method} ${route.template} answered ${status}, which the document does not list`;
      const media = Object.keys(documented.content ?? {});
      if (media.length === 0)
        return body === null || body === "" ? undefined : `${method} ${route.template} ${status} has no body in the document`;
      const type = (contentType ?? "").split(";")[0]!.trim();
      if (!media.includes(type))
        return `${method} ${route.template} ${status} answered ${type || "no content type"}, not ${media.join(" or ")}`;
      if (type !== "application/json") return undefined;
      const key = `${route.method} ${route.template} ${status}`;
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.compile({
          $ref: pointer("paths", route.template, route.method.toLowerCase(), "responses", String(status), "content", type, "schema"),
        });
        compiled.set(key, validate);
      }
      if (validate(body)) return undefined;
      const errors = (validate.errors ?? [])
        .slice(0, 5)
        .map(
          (e) =>
            `${e.instancePath || "(body)"} ${e.message}${e.keyword === "additionalProperties" ? ` (${String(e.params.additionalProperty)})` : ""}`,
        );
      return `${method} ${route.template} ${status} does not match the document: ${errors.join("; ")}`;
    },
  };
}

let shared: Promise<Contract> | undefined;
/** The contract of the document this server build serves, built once per test worker. */
export function servedContract(): Promise<Contract> {
  shared ??= servedDocument().then(contractOf);
  return shared;
}
