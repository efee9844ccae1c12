import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function refreshRoutes(_deps: Deps) {
  return new Hono();
}
