/** The scripted provider: an OpenAI-compatible chat endpoint answering from per-test scripts. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { expect, test } from "@playwright/test";
import OpenAI, { APIConnectionError, InternalServerError } from "openai";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { splitWords } from "../../../stack/providers/scripted/chunks.ts";
import { createScriptedProvider } from "../../../stack/providers/scripted/handler.ts";
import { ScriptError } from "../../../stack/providers/scripted/script.ts";
import { MODEL, REPO_ROOT, SCRIPTS_DIR, startTestStack } from "./helpers.ts";

const SPEC = "tests/unit/stack/scripted.test.ts";

/** An SDK chat client whose requests the scripted provider answers as test `testId`. */
function chatClient(testId: string | undefined, scriptsDir = SCRIPTS_DIR) {
  const provider = createScriptedProvider({
    scriptsDir,
    currentTestId: () => testId,
    now: () => 1_700_000_000,
  });
  return new OpenAI({
    baseURL: "http://scripted.local/v1",
    apiKey: "scripted",
    fetch: provider.fetch,
    maxRetries: 0,
  });
}

async function chunksOf(testId: string, includeUsage: boolean): Promise<ChatCompletionChunk[]> {
  const stream = await chatClient(testId).chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "Weather and time?" }],
    stream: true,
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

test("streams chunks shaped like a real model's, and says it is the scripted model", async () => {
  const chunks = await chunksOf(`${SPEC}::chunks`, true);
  for (const chunk of chunks) {
    expect(chunk).toMatchObject({
      object: "chat.completion.chunk",
      model: MODEL,
      system_fingerprint: "scripted",
    });
  }
  expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");

  const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
  expect(text).toBe("Sunny, 21 degrees.");
  expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBeGreaterThan(3);

  const fragments = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
  const starts = fragments.filter((fragment) => fragment.id);
  expect(starts).toEqual([
    {
      index: 0,
      id: expect.stringMatching(/^call_/),
      type: "function",
      function: { name: "get_weather", arguments: "" },
    },
    {
      index: 1,
      id: expect.stringMatching(/^call_/),
      type: "function",
      function: { name: "get_time", arguments: "" },
    },
  ]);
  const argumentsOf = (index: number) =>
    fragments
      .filter((fragment) => fragment.index === index)
      .map((fragment) => fragment.function?.arguments ?? "")
      .join("");
  expect(JSON.parse(argumentsOf(0))).toEqual({ location: "San Francisco, USA" });
  expect(argumentsOf(1)).toBe("{}");
  expect(fragments.filter((fragment) => fragment.index === 0).length).toBeGreaterThan(2);

  const finish = chunks
    .flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason))
    .filter(Boolean);
  expect(finish).toEqual(["tool_calls"]);
  expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number) } });

  // The same turn gives the same call ids every time, so its recording never changes.
  const again = await chunksOf(`${SPEC}::chunks`, true);
  expect(again).toEqual(chunks);
});

test("sends a usage chunk only when asked for one", async () => {
  const chunks = await chunksOf(`${SPEC}::chunks`, false);
  expect(chunks.every((chunk) => chunk.choices.length === 1 && !("usage" in chunk))).toBe(true);
});

test("the wire format is SSE data lines ending in [DONE]", async () => {
  const provider = createScriptedProvider({ scriptsDir: SCRIPTS_DIR, currentTestId: () => `${SPEC}::turns` });
  const response = await provider.fetch("http://scripted.local/v1/chat/completions", {
    method: "POST",
    body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "hi" }], stream: true }),
  });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const body = await response.text();
  expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
  expect(
    body
      .split("\n\n")
      .filter(Boolean)
      .every((line) => line.startsWith("data: ")),
  ).toBe(true);
});

test("the turn is the number of assistant messages already in the request", async () => {
  const client = chatClient(`${SPEC}::turns[stack=local-txt=scripted/assistant]`);
  const first = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: "user", content: "1?" }],
  });
  expect(first.choices[0]?.message.content).toBe("first answer");
  const second = await client.chat.completions.create({
    model: MODEL,
    messages: [
      { role: "user", content: "1?" },
      { role: "assistant", content: "first answer" },
      { role: "user", content: "2?" },
    ],
  });
  expect(second.choices[0]?.message.content).toBe("second answer");
});

test("an error turn answers with its HTTP status and an OpenAI error body", async () => {
  const error = await chatClient(`${SPEC}::errors`)
    .chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }], stream: true })
    .catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InternalServerError);
  expect((error as InternalServerError).status).toBe(503);
  expect((error as InternalServerError).message).toContain("The engine is currently overloaded");
});

test.describe("a missing script is a clear error naming the test, the turn and the file", () => {
  const file = relative(REPO_ROOT, join(SCRIPTS_DIR, "scripted.json"));

  async function failure(testId: string | undefined, assistantMessages: number, scriptsDir = SCRIPTS_DIR) {
    const messages = [{ role: "user" as const, content: "hi" }];
    for (let turn = 0; turn < assistantMessages; turn++) {
      messages.push({ role: "assistant" as never, content: "earlier" }, { role: "user", content: "more" });
    }
    const error = await chatClient(testId, scriptsDir)
      .chat.completions.create({ model: MODEL, messages, stream: true })
      .catch((caught: unknown) => caught);
    // Not an answer but a failure to answer: the fetch rejects, so nothing can record it.
    expect(error).toBeInstanceOf(APIConnectionError);
    const cause = (error as APIConnectionError).cause;
    expect(cause).toBeInstanceOf(ScriptError);
    return cause as ScriptError;
  }

  test("no entry for the test", async () => {
    const error = await failure(`${SPEC}::nobody wrote this`, 0);
    expect(error.code).toBe("script_missing");
    expect(error.message).toContain(`test '${SPEC}::nobody wrote this'`);
    expect(error.message).toContain("turn 1");
    expect(error.message).toContain(file);
    expect(error.message).toContain("'chunks'");
  });

  test("no such turn", async () => {
    const error = await failure(`${SPEC}::turns`, 2);
    expect(error.message).toContain("turn 3");
    expect(error.message).toContain("only 2 turn(s)");
    expect(error.message).toContain(file);
  });

  test("no script file", async () => {
    const error = await failure("tests/integration/responses/unscripted.spec.ts::anything", 0);
    expect(error.message).toContain("unscripted.json does not exist");
    expect(error.message).toContain("turn 1");
  });

  test("no test id at all", async () => {
    const error = await failure(undefined, 0);
    expect(error.message).toContain("X-Test-Id");
  });

  test("an invalid script names the file and the place", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scripts-"));
    try {
      writeFileSync(
        join(dir, "broken.json"),
        JSON.stringify({ oops: [{ text: "ok" }, { tool_calls: [{ arguments: {} }] }] }),
      );
      const error = await failure("tests/x/broken.spec.ts::oops", 1, dir);
      expect(error.code).toBe("script_invalid");
      expect(error.message).toContain("broken.json");
      expect(error.message).toContain("oops[1].tool_calls[0].name");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("through the stack > missing turn", async () => {
    const { client, stack } = startTestStack();
    try {
      await client.responses.create({ model: MODEL, input: "one" });
      const error = await client.responses
        .create({
          model: MODEL,
          input: [
            { role: "assistant", content: "one" },
            { role: "user", content: "two" },
          ],
        })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InternalServerError);
      const message = (error as InternalServerError).message;
      expect(message).toContain("Inference provider 'scripted' failed");
      expect(message).toContain(
        `test '${SPEC}::a missing script is a clear error naming the test, the turn and the file > through the stack > missing turn'`,
      );
      expect(message).toContain("turn 2");
      expect(message).toContain(file);
    } finally {
      stack.close();
    }
  });
});

test("word-sized deltas join back to the exact text", () => {
  for (const text of [
    "Hello, world!",
    "  leading and trailing  ",
    "naïve café — 42%\nnew line",
    "",
    "émoji 🎉 ok",
  ]) {
    expect(splitWords(text).join("")).toBe(text);
  }
  expect(splitWords("Hello, world!")).toEqual(["Hello", ",", " world", "!"]);
});
