import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function repStandingRoutes(_deps: Deps) {
  return new Hono();
}
