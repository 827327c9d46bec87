/** `/v1/responses`: create (plain or streamed), retrieve, delete, list, input items. */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { invalidParameter, notFound } from "../errors.ts";
import { finalResponse, prepareResponse, type ResponseDeps, runResponse } from "../responses/orchestrator.ts";
import { parseCreateBody } from "../responses/request.ts";
import { readJson } from "./json-body.ts";
import { listPage, paginate, parsePageQuery } from "./pagination.ts";

export function responsesRoutes(deps: ResponseDeps): Hono {
  const app = new Hono();

  app.post("/responses", async (c) => {
    const body = parseCreateBody(await readJson(c), deps.tools);
    // The caller going away (a dropped connection, an aborted fetch, a cancelled stream)
    // cancels the upstream call, so nothing half-heard is recorded or kept running.
    const cancel = new AbortController();
    c.req.raw.signal.addEventListener("abort", () => cancel.abort(), { once: true });
    const prepared = await prepareResponse(body, deps, cancel.signal);
    const events = runResponse(prepared, deps, cancel.signal);
    if (!body.stream) {
      const result = await finalResponse(events);
      if (result.failure) throw result.failure;
      return c.json(result.response);
    }
    return streamSSE(c, async (sse) => {
      sse.onAbort(() => cancel.abort());
      let sequence = 0;
      try {
        for await (const event of events) {
          sequence = event.sequence_number + 1;
          await sse.writeSSE({ event: event.type, data: JSON.stringify(event) });
        }
      } catch (error) {
        // Only a fault of the stack itself lands here; upstream failures end in response.failed.
        console.error("[stack] streaming a response failed:", error);
        const message = error instanceof Error ? error.message : String(error);
        const event = {
          type: "error",
          code: "server_error",
          message,
          param: null,
          sequence_number: sequence,
        };
        await sse.writeSSE({ event: "error", data: JSON.stringify(event) });
      }
    });
  });

  app.get("/responses", (c) => {
    const query = parsePageQuery(c.req.query());
    const model = c.req.query("model");
    const page = deps.store.list({ ...query, model });
    if (!page)
      throw invalidParameter(
        query.after ? "after" : "before",
        `No response with id '${query.after ?? query.before}'.`,
      );
    const data = page.data.map((record) => ({ ...record.response, input: record.inputItems }));
    return c.json(listPage(data, page.hasMore));
  });

  app.get("/responses/:id", (c) => c.json(stored(deps, c.req.param("id")).response));

  app.delete("/responses/:id", (c) => {
    const id = c.req.param("id");
    if (!deps.store.delete(id)) throw responseNotFound(id);
    return c.json({ id, object: "response", deleted: true });
  });

  app.get("/responses/:id/input_items", (c) => {
    const record = stored(deps, c.req.param("id"));
    return c.json(paginate(record.inputItems, parsePageQuery(c.req.query())));
  });

  return app;
}

function stored(deps: ResponseDeps, id: string) {
  const record = deps.store.get(id);
  if (!record) throw responseNotFound(id);
  return record;
}

function responseNotFound(id: string) {
  return notFound(`Response with id '${id}' not found.`);
}
