/**
 * Test ids: our own form everywhere, and a ported test's Llama Stack id under a setup
 * whose tests take such ids, with the run's models filled in as Llama Stack's conftest
 * spells them.
 */
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { PROJECT_ROOT } from "../../integration/fixtures/settings.ts";
import { LLAMA_STACK_ID, testIdOf } from "../../integration/fixtures/test-id.ts";

const file = join(PROJECT_ROOT, "tests/integration/responses/test_tool_responses.spec.ts");
const titlePath = ["test_tool_responses.spec.ts", "test_response_non_streaming_file_search", "llama_experts"];
const ported = {
  file,
  titlePath,
  annotations: [
    {
      type: LLAMA_STACK_ID,
      description:
        "tests/integration/responses/test_tool_responses.py::test_response_non_streaming_file_search" +
        "[client_with_models-txt={text_model}:emb={embedding_model}:dim={embedding_dimension}-llama_experts]",
    },
  ],
};
const gpt = {
  stackName: "local",
  setup: "gpt",
  textModel: "openai/gpt-4o",
  embeddingModel: "openai/text-embedding-3-small",
};

test("a ported test takes its Llama Stack id under gpt, models and dimension filled in", () => {
  expect(testIdOf(ported, gpt)).toBe(
    "tests/integration/responses/test_tool_responses.py::test_response_non_streaming_file_search" +
      "[client_with_models-txt=openai/gpt-4o:emb=openai/text-embedding-3-small:dim=1536-llama_experts]",
  );
});

test("other setups, and tests that declare no Llama Stack id, keep our own ids", () => {
  const own =
    "tests/integration/responses/test_tool_responses.spec.ts::test_response_non_streaming_file_search > llama_experts";
  expect(testIdOf(ported, { stackName: "local", setup: "scripted", textModel: "scripted/assistant" })).toBe(
    `${own}[stack=local-txt=scripted/assistant]`,
  );
  expect(testIdOf({ file, titlePath, annotations: [] }, gpt)).toBe(
    `${own}[stack=local-txt=openai/gpt-4o-emb=openai/text-embedding-3-small]`,
  );
});

test("a Llama Stack id that names a model the setup lacks says which", () => {
  expect(() => testIdOf(ported, { ...gpt, embeddingModel: undefined })).toThrow(
    /needs \{embedding_model\}, which the 'gpt' setup does not give/,
  );
});
