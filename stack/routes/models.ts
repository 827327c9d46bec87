/** `/v1/models`: the models the configured providers serve, and a health check. */
import { Hono } from "hono";
import type { ProviderRegistry } from "../providers/registry.ts";

export function modelsRoutes(providers: ProviderRegistry): Hono {
  const app = new Hono();
  app.get("/models", (c) => c.json({ object: "list", data: providers.models() }));
  // Model ids contain slashes (`scripted/assistant`), escaped or not.
  app.get("/models/:id{.+}", (c) => c.json(providers.model(c.req.param("id"))));
  return app;
}

export function healthRoutes(): Hono {
  const app = new Hono();
  // Llama Stack's shape, which its clients and our readiness checks expect.
  const health = { status: "OK" };
  app.get("/health", (c) => c.json(health));
  app.get("/v1/health", (c) => c.json(health));
  return app;
}
