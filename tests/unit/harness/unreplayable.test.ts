/**
 * The calls of Llama Stack's file_search tests that no replay through our stack answers
 * (a chat call after a search naming a random file id; a PDF's chunks as pypdf spelled
 * them), told apart from every other miss.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import type { MissedCall } from "../../../recorder/index.ts";
import { unreplayableCall } from "../../integration/fixtures/unreplayable.ts";
import { seed } from "../recorder/support/fixtures.ts";

const TEST_ID =
  "tests/integration/responses/test_tool_responses.py::test_response_non_streaming_file_search[openai_client-txt=openai/gpt-4o:emb=openai/text-embedding-3-small:dim=1536-llama_experts]";
const ENDPOINT = "/v1/chat/completions";

function afterSearch(fileId: string, score: string, chunk = "Llama 4 Maverick has 128 experts") {
  return {
    model: "gpt-4o",
    messages: [
      { role: "user", content: "How many experts does the Llama 4 Maverick model have?" },
      { role: "assistant", content: "", tool_calls: [{ index: 0, id: "call_1", type: "function" }] },
      {
        role: "tool",
        tool_call_id: "call_1",
        content: [
          {
            type: "text",
            text: `[1] document_id: ${fileId}, score: ${score} (cite as <|${fileId}|>)\n${chunk}\n`,
          },
        ],
      },
    ],
    stream: true,
  };
}

/** A recordings folder holding Llama Stack's recording of the call, from a run with a random file id. */
function recordings(...more: Array<Record<string, unknown>>): string {
  const root = mkdtempSync(join(tmpdir(), "unreplayable-"));
  mkdirSync(join(root, "responses"));
  const bodies = [afterSearch("file-de7f28ce49b04e58ae6e21a63745e339", "1.4947232325305748"), ...more];
  for (const [index, body] of bodies.entries()) {
    const recording = seed();
    recording.test_id = TEST_ID;
    recording.request.body = body as typeof recording.request.body;
    writeFileSync(
      join(root, "responses", `${String(index).repeat(64)}.json`),
      JSON.stringify(recording, null, 2),
    );
  }
  return root;
}

const miss = (body: unknown, endpoint = ENDPOINT): MissedCall => ({ hash: "cd".repeat(32), endpoint, body });

test("the chat call after the search, differing only by file ids and scores, is the skip, with its reason", () => {
  const reason = unreplayableCall(
    { misses: ["No recording for …"], missed: [miss(afterSearch("file-1", "1.49472"))] },
    TEST_ID,
    recordings(),
  );
  expect(reason).toContain("file-de7f28ce49b04e58ae6e21a63745e339");
  expect(reason).toContain("before it minted deterministic file ids");
});

test("any other miss is not: another text, a second miss, an unreadable file, another endpoint, another test", () => {
  const root = recordings();
  const ours = miss(afterSearch("file-1", "1.49472"));
  const one = ["No recording for …"];
  expect(
    unreplayableCall(
      { misses: one, missed: [miss(afterSearch("file-1", "1.49472", "Other text"))] },
      TEST_ID,
      root,
    ),
  ).toBeUndefined();
  expect(unreplayableCall({ misses: [...one, ...one], missed: [ours, ours] }, TEST_ID, root)).toBeUndefined();
  expect(
    unreplayableCall(
      { misses: [...one, "Recording file x is not valid JSON"], missed: [ours] },
      TEST_ID,
      root,
    ),
  ).toBeUndefined();
  expect(
    unreplayableCall({ misses: one, missed: [miss(ours.body, "/v1/embeddings")] }, TEST_ID, root),
  ).toBeUndefined();
  expect(
    unreplayableCall({ misses: one, missed: [ours] }, TEST_ID.replace("llama_experts", "other"), root),
  ).toBeUndefined();
  const firstCall = {
    ...afterSearch("file-1", "1"),
    messages: afterSearch("file-1", "1").messages.slice(0, 1),
  };
  expect(unreplayableCall({ misses: one, missed: [miss(firstCall)] }, TEST_ID, root)).toBeUndefined();
});

test("a recording of the same call with deterministic ids means the stack should have replayed it: no skip", () => {
  const root = recordings(afterSearch("file-728796232029", "1.4945131220963286"));
  const ours = miss(afterSearch("file-1", "1.49472"));
  expect(unreplayableCall({ misses: ["No recording for …"], missed: [ours] }, TEST_ID, root)).toBeUndefined();
});

test("a PDF's chunks as pypdf spelled them: the same words, whitespace apart, skip; other words do not", () => {
  const pypdf = "Llama  Stack  \nLlama  Stack  Overview  \npractices\n \nacross\n \nthe";
  const recorded = { model: "text-embedding-3-small", input: [pypdf, "the"], encoding_format: "float" };
  const root = recordings();
  // The recording belongs to the embeddings endpoint.
  const file = join(root, "responses", `${"e".repeat(64)}.json`);
  const recording = seed() as unknown as { test_id: string; request: Record<string, unknown> };
  recording.test_id = TEST_ID;
  recording.request = { ...recording.request, endpoint: "/v1/embeddings", body: recorded };
  writeFileSync(file, JSON.stringify(recording, null, 2));
  const ours = (text: string) => miss({ ...recorded, input: [text] }, "/v1/embeddings");
  const one = ["No recording for …"];
  expect(
    unreplayableCall(
      { misses: one, missed: [ours("Llama Stack\nLlama Stack Overview\npractices across the")] },
      TEST_ID,
      root,
    ),
  ).toContain("pypdf's text");
  expect(
    unreplayableCall(
      { misses: one, missed: [ours("Llama Stack\nLlama Stack Overview\npractices among the")] },
      TEST_ID,
      root,
    ),
  ).toBeUndefined();
});
