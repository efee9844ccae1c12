import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function revenueRoutes(_deps: Deps) {
  return new Hono();
}
