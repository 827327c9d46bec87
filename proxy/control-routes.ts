/**
 * The proxy's own routes, under `/__recorder/`: the harness declares which test runs
 * now (one proxy per worker, so one test at a time), and collects what the recorder did
 * for it. A request whose headers carry a test id is filed under that one instead.
 *
 *     POST /__recorder/test     {"testId": "<id>"}  the test that runs now (null: none)
 *     GET  /__recorder/test                         {"testId": <id or null>}
 *     GET  /__recorder/journal?test_id=ID[&keep=1]  what was replayed, recorded or missed for ID
 */
import { Hono } from "hono";
import type { CurrentTest, Journal } from "../recorder/index.ts";

export const CONTROL_PREFIX = "/__recorder";

export function controlRoutes(current: CurrentTest, journal: Journal): Hono {
  const routes = new Hono();
  routes.post("/test", async (c) => {
    const body = (await c.req.json().catch(() => undefined)) as { testId?: unknown } | undefined;
    const testId = body?.testId;
    if (testId !== null && (typeof testId !== "string" || testId === "")) {
      return c.json(
        { error: 'Send a JSON body {"testId": "<test id>"}, or {"testId": null} when no test runs.' },
        400,
      );
    }
    current.set(testId ?? undefined);
    // A test that starts afresh: its ids, its clock and its journal restart.
    if (testId) journal.begin(testId);
    return c.body(null, 204);
  });
  routes.get("/test", (c) => c.json({ testId: current.testId ?? null }));
  routes.get("/journal", (c) => {
    const testId = c.req.query("test_id");
    if (!testId) return c.json({ error: "test_id is required: /__recorder/journal?test_id=<test id>" }, 400);
    return c.json(c.req.query("keep") === "1" ? journal.peek(testId) : journal.take(testId));
  });
  routes.all("*", (c) =>
    c.json(
      {
        error: `No control route ${c.req.method} ${c.req.path}: there are POST/GET ${CONTROL_PREFIX}/test and GET ${CONTROL_PREFIX}/journal.`,
      },
      404,
    ),
  );
  return routes;
}
