import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function repContactRoutes(_deps: Deps) {
  return new Hono();
}
