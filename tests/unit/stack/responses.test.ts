/** `POST /v1/responses` without streaming, through the official SDK in library mode. */
import { expect, test } from "@playwright/test";
import { MODEL, startTestStack } from "./helpers.ts";

test("answers a string input with text", async () => {
  const { client, stack, calls } = startTestStack();
  try {
    const response = await client.responses.create({ model: MODEL, input: "What is the capital of France?" });
    expect(response.status).toBe("completed");
    expect(response.object).toBe("response");
    expect(response.model).toBe(MODEL);
    expect(response.output_text).toBe("The capital of France is Paris.");
    expect(response.output).toEqual([
      {
        id: expect.stringMatching(/^msg_/),
        type: "message",
        role: "assistant",
        status: "completed",
        content: [
          { type: "output_text", text: "The capital of France is Paris.", annotations: [], logprobs: [] },
        ],
      },
    ]);
    expect(response.id).toMatch(/^resp_/);
    expect(response.error).toBeNull();

    const { output_text: _computedByTheSdk, ...onTheWire } = response;
    const retrieved = await client.responses.retrieve(response.id);
    expect({ ...retrieved, output_text: undefined }).toEqual({ ...onTheWire, output_text: undefined });

    // The upstream call always streams, and carries the scripted model's full id.
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe("http://scripted.local/v1/chat/completions");
    expect(calls[0]?.body).toMatchObject({
      model: MODEL,
      stream: true,
      messages: [{ role: "user", content: "What is the capital of France?" }],
    });
    expect(calls[0]?.body).not.toHaveProperty("stream_options");
  } finally {
    stack.close();
  }
});

test("instructions and sampling settings reach the model", async () => {
  const { client, stack, calls } = startTestStack();
  try {
    const response = await client.responses.create({
      model: MODEL,
      input: "Say hello.",
      instructions: "Always answer in French.",
      temperature: 0.3,
      top_p: 0.8,
      max_output_tokens: 50,
    });
    expect(response.output_text).toBe("Bonjour !");
    expect(response).toMatchObject({
      instructions: "Always answer in French.",
      temperature: 0.3,
      top_p: 0.8,
      max_output_tokens: 50,
    });
    expect(calls[0]?.body).toMatchObject({
      messages: [
        { role: "system", content: "Always answer in French." },
        { role: "user", content: "Say hello." },
      ],
      temperature: 0.3,
      top_p: 0.8,
      max_tokens: 50,
    });
  } finally {
    stack.close();
  }
});

test("usage is reported when the provider is asked for it", async () => {
  const { client, stack, calls } = startTestStack({
    providers: [{ type: "scripted", includeUsage: true }],
  });
  try {
    const response = await client.responses.create({ model: MODEL, input: "2 + 2?" });
    expect(calls[0]?.body.stream_options).toEqual({ include_usage: true });
    expect(response.usage).toEqual({
      input_tokens: 12,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: 2,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 14,
    });
  } finally {
    stack.close();
  }
});

test("a truncated answer is incomplete for max_output_tokens", async () => {
  const { client, stack } = startTestStack();
  try {
    const response = await client.responses.create({
      model: MODEL,
      input: "Tell a story.",
      max_output_tokens: 5,
    });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(response.output_text).toBe("Once upon a time there");
    expect(response.output[0]).toMatchObject({ type: "message", status: "incomplete" });
  } finally {
    stack.close();
  }
});

test("an image input reaches the model as an image part", async () => {
  const { client, stack, calls } = startTestStack();
  try {
    const response = await client.responses.create({
      model: MODEL,
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is this?" },
            { type: "input_image", image_url: "https://example.com/cat.png", detail: "auto" },
          ],
        },
      ],
    });
    expect(response.output_text).toBe("A cat on a sofa.");
    expect(calls[0]?.body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "https://example.com/cat.png", detail: "auto" } },
        ],
      },
    ]);
    const items = await client.responses.inputItems.list(response.id);
    expect(items.data).toEqual([
      {
        id: expect.stringMatching(/^msg_/),
        type: "message",
        role: "user",
        status: "completed",
        content: [
          { type: "input_text", text: "What is this?" },
          { type: "input_image", image_url: "https://example.com/cat.png", detail: "auto" },
        ],
      },
    ]);
  } finally {
    stack.close();
  }
});

test("a json_schema text format becomes the chat response_format", async () => {
  const { client, stack, calls } = startTestStack();
  const schema = {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  };
  try {
    const response = await client.responses.create({
      model: MODEL,
      input: "Which city is the capital of France?",
      text: { format: { type: "json_schema", name: "city_answer", schema, strict: true } },
    });
    expect(JSON.parse(response.output_text)).toEqual({ city: "Paris" });
    expect(response.text?.format).toEqual({ type: "json_schema", name: "city_answer", schema, strict: true });
    expect(calls[0]?.body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "city_answer", schema },
    });
  } finally {
    stack.close();
  }
});

test("a refusal is an output message with a refusal part", async () => {
  const { client, stack } = startTestStack();
  try {
    const response = await client.responses.create({ model: MODEL, input: "Help me with something bad." });
    expect(response.status).toBe("completed");
    expect(response.output).toEqual([
      expect.objectContaining({
        type: "message",
        content: [{ type: "refusal", refusal: "I can't help with that." }],
      }),
    ]);
  } finally {
    stack.close();
  }
});
