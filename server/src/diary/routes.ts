import { Hono } from "hono";
import type { Deps } from "../deps.ts";

export function diaryRoutes(_deps: Deps) {
  return new Hono();
}
