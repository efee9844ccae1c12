import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function quotaRoutes(_deps: Deps) {
  return new Hono();
}
