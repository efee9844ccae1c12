import { createApp, type Deps, testConfig } from "@clubhouse/server";

/**
 * The OpenAPI document exactly as the server serves it (GET /api/v1/openapi.json), asked
 * of the app in-process: no server, no database (building it runs no route's handler).
 */
export async function servedDocument(): Promise<OpenApiDocument> {
  const quiet = () => {};
  const logger = { info: quiet, warn: quiet, error: quiet, debug: quiet };
  const deps = { config: testConfig(), logger } as unknown as Deps;
  const res = await createApp(deps).request("/api/v1/openapi.json");
  if (res.status !== 200) throw new Error(`the OpenAPI document answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as OpenApiDocument;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: Record<string, unknown>;
  [key: string]: unknown;
}
export interface Operation {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  [key: string]: unknown;
}
