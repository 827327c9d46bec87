/** Errors in OpenAI's shape, with the status codes the SDK maps to its error classes. */
import { expect, test } from "@playwright/test";
import { BadRequestError, NotFoundError } from "openai";
import { createRecorder } from "../../../recorder/index.ts";
import { createStack } from "../../../stack/app.ts";
import { MODEL, startTestStack } from "./helpers.ts";

test("an unknown response id is a 404 in OpenAI's error shape", async () => {
  const { client, stack } = startTestStack();
  try {
    const raw = await stack.fetch("http://stack.local/v1/responses/resp_missing");
    expect(raw.status).toBe(404);
    expect(raw.headers.get("content-type")).toContain("application/json");
    expect(await raw.json()).toEqual({
      error: {
        message: "Response with id 'resp_missing' not found.",
        type: "invalid_request_error",
        param: null,
        code: null,
      },
    });
    await expect(client.responses.retrieve("resp_missing")).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.responses.delete("resp_missing")).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.responses.inputItems.list("resp_missing")).rejects.toBeInstanceOf(NotFoundError);
  } finally {
    stack.close();
  }
});

const invalid: Array<{ what: string; body: Record<string, unknown>; param: string; says: string }> = [
  { what: "temperature out of range", body: { temperature: 3 }, param: "temperature", says: "<=2" },
  { what: "an unknown parameter", body: { temprature: 0.5 }, param: "temprature", says: "Unknown parameter" },
  { what: "a missing input", body: { input: undefined }, param: "input", says: "Missing required parameter" },
  { what: "a missing model", body: { model: undefined }, param: "model", says: "Missing required parameter" },
  {
    what: "a wrong type",
    body: { max_output_tokens: "many" },
    param: "max_output_tokens",
    says: "expected number",
  },
  {
    what: "an unknown input item type",
    body: { input: [{ type: "telepathy" }] },
    param: "input[0].type",
    says: "'message'",
  },
  {
    what: "a bad message role",
    body: { input: [{ role: "narrator", content: "x" }] },
    param: "input[0].role",
    says: "narrator",
  },
  {
    what: "an invalid function name",
    body: { tools: [{ type: "function", name: "get weather!", parameters: {}, strict: null }] },
    param: "tools[0].name",
    says: "letters",
  },
  {
    what: "a model without a provider prefix",
    body: { model: "gpt-4o" },
    param: "model",
    says: "'scripted/…'",
  },
  {
    what: "a model of an unknown provider",
    body: { model: "anthropic/claude" },
    param: "model",
    says: "anthropic/claude",
  },
];

for (const { what, body, param, says } of invalid) {
  test(`${what} is a 400 naming '${param}'`, async () => {
    const { client, stack, calls } = startTestStack();
    try {
      const error = await client.responses
        .create({ model: MODEL, input: "Hello", ...body } as never)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BadRequestError);
      const badRequest = error as BadRequestError;
      expect(badRequest.status).toBe(400);
      expect(badRequest.param).toBe(param);
      expect(badRequest.type).toBe("invalid_request_error");
      expect(badRequest.message).toContain(param);
      expect(badRequest.message).toContain(says);
      expect(calls).toEqual([]);
    } finally {
      stack.close();
    }
  });
}

test("a body that is not JSON is a 400", async () => {
  const { stack } = startTestStack();
  try {
    const raw = await stack.fetch("http://stack.local/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{ not json",
    });
    expect(raw.status).toBe(400);
    const body = (await raw.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("JSON");
  } finally {
    stack.close();
  }
});

test("an unknown route is a 404 in OpenAI's error shape", async () => {
  const { stack } = startTestStack();
  try {
    const raw = await stack.fetch("http://stack.local/v1/nothing-here", { method: "POST" });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({
      error: {
        message: "Invalid URL (POST /v1/nothing-here)",
        type: "invalid_request_error",
        param: null,
        code: null,
      },
    });
  } finally {
    stack.close();
  }
});

test("an unreadable test-id header is a 400 in OpenAI's shape, not a crash", async () => {
  const recorder = createRecorder({ mode: "live", env: {} });
  const stack = createStack({ ports: recorder, providers: [{ type: "scripted" }] });
  try {
    const response = await stack.fetch("http://stack.local/v1/models", {
      headers: { "X-LlamaStack-Provider-Data": "{not json" },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringContaining("The x-llamastack-provider-data header is not valid JSON"),
        type: "invalid_request_error",
        param: null,
        code: "invalid_header",
      },
    });
  } finally {
    stack.close();
  }
});
