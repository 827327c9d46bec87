/**
 * The one skip the suite allows: a Llama Stack file_search test whose chat call after the
 * search carries a random file id. It is told apart from every other miss.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import type { MissedCall } from "../../../recorder/index.ts";
import { unreplayableAnswer } from "../../integration/fixtures/unreplayable-answer.ts";
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
function recordings(): string {
  const root = mkdtempSync(join(tmpdir(), "unreplayable-"));
  mkdirSync(join(root, "responses"));
  const recording = seed();
  recording.test_id = TEST_ID;
  recording.request.body = afterSearch("file-de7f28ce49b04e58ae6e21a63745e339", "1.4947232325305748");
  writeFileSync(join(root, "responses", `${"ab".repeat(32)}.json`), JSON.stringify(recording, null, 2));
  return root;
}

const miss = (body: unknown, endpoint = ENDPOINT): MissedCall => ({ hash: "cd".repeat(32), endpoint, body });

test("the chat call after the search, differing only by file ids and scores, is the skip, with its reason", () => {
  const reason = unreplayableAnswer(
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
    unreplayableAnswer(
      { misses: one, missed: [miss(afterSearch("file-1", "1.49472", "Other text"))] },
      TEST_ID,
      root,
    ),
  ).toBeUndefined();
  expect(
    unreplayableAnswer({ misses: [...one, ...one], missed: [ours, ours] }, TEST_ID, root),
  ).toBeUndefined();
  expect(
    unreplayableAnswer(
      { misses: [...one, "Recording file x is not valid JSON"], missed: [ours] },
      TEST_ID,
      root,
    ),
  ).toBeUndefined();
  expect(
    unreplayableAnswer({ misses: one, missed: [miss(ours.body, "/v1/embeddings")] }, TEST_ID, root),
  ).toBeUndefined();
  expect(
    unreplayableAnswer({ misses: one, missed: [ours] }, TEST_ID.replace("llama_experts", "other"), root),
  ).toBeUndefined();
  const firstCall = {
    ...afterSearch("file-1", "1"),
    messages: afterSearch("file-1", "1").messages.slice(0, 1),
  };
  expect(unreplayableAnswer({ misses: one, missed: [miss(firstCall)] }, TEST_ID, root)).toBeUndefined();
});
