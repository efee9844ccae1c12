import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function analysisRoutes(_deps: Deps) {
  return new Hono();
}
