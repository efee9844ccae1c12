import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function planRoutes(_deps: Deps) {
  return new Hono();
}
