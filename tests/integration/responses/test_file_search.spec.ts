/**
 * Ported from Llama Stack's tests/integration/responses/test_file_search.py (f50ce11a3):
 * structured output by `text.format`.
 */
import type { ResponseFormatTextConfig } from "openai/resources/responses/responses";
import { expect, test } from "../fixtures/harness.ts";
import { BOTH_CLIENTS, portOf } from "../fixtures/ported.ts";

const python = portOf("tests/integration/responses/test_file_search.py");

// Not testing json_object because most providers don't actually support it. pytest names a
// dict parameter by its position: text_format0, text_format1.
const textFormats: Array<{ id: string; format: ResponseFormatTextConfig }> = [
  { id: "text_format0", format: { type: "text" } },
  {
    id: "text_format1",
    format: {
      type: "json_schema",
      name: "capitals",
      description: "A schema for the capital of each country",
      schema: { type: "object", properties: { capital: { type: "string" } } },
      strict: true,
    },
  },
];

/** A value as pydantic's `model_dump(exclude_none=True)` gives it: no null fields. */
function withoutNulls(value: object): object {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== null && field !== undefined),
  );
}

python.parametrize(
  "test_response_text_format",
  BOTH_CLIENTS,
  textFormats,
  ({ format: textFormat }, declared) => {
    test(...declared, async ({ client, textModel }) => {
      const response = await client.responses.create({
        model: textModel,
        input: "What is the capital of France?",
        stream: false,
        text: { format: textFormat },
      });
      expect(withoutNulls(response.text?.format ?? {})).toEqual(textFormat);
      expect(response.output_text.toLowerCase()).toContain("paris");
      if (textFormat.type === "json_schema") {
        expect(JSON.parse(response.output_text).capital.toLowerCase()).toContain("paris");
      }
    });
  },
);
