/**
 * The body of `POST /v1/responses`, validated with zod. Unknown top-level parameters are
 * refused (as OpenAI does), so a typo is a 400 naming it rather than a silently ignored
 * setting; items inside `input` are lenient about fields we do not use, because clients
 * feed previous output back verbatim.
 */
import { z } from "zod";
import { fromZodError, invalidParameter } from "../errors.ts";
import type { ToolRegistry } from "../tools/registry.ts";

const inputText = z.object({ type: z.literal("input_text"), text: z.string() });
const outputText = z.object({ type: z.literal("output_text"), text: z.string() });
const refusal = z.object({ type: z.literal("refusal"), refusal: z.string() });
const inputImage = z.object({
  type: z.literal("input_image"),
  image_url: z.string().nullish(),
  file_id: z.string().nullish(),
  detail: z.enum(["low", "high", "auto", "original"]).default("auto"),
});

const contentPart = z.discriminatedUnion("type", [inputText, inputImage, outputText, refusal]);
export type ContentPart = z.infer<typeof contentPart>;

const itemStatus = z.enum(["in_progress", "completed", "incomplete"]).nullish();

const messageItem = z.object({
  type: z.literal("message"),
  id: z.string().nullish(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string(), z.array(contentPart)]),
  status: itemStatus,
});

const functionCallItem = z.object({
  type: z.literal("function_call"),
  id: z.string().nullish(),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  status: itemStatus,
});

const functionCallOutputItem = z.object({
  type: z.literal("function_call_output"),
  id: z.string().nullish(),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(z.discriminatedUnion("type", [inputText, inputImage]))]),
  status: itemStatus,
});

const mcpApprovalResponseItem = z.object({
  type: z.literal("mcp_approval_response"),
  id: z.string().nullish(),
  approval_request_id: z.string().min(1),
  approve: z.boolean(),
  reason: z.string().nullish(),
});

// Built-in tools' output items, as clients feed a previous output back verbatim.
const mcpApprovalRequestItem = z.looseObject({
  type: z.literal("mcp_approval_request"),
  id: z.string().min(1),
  name: z.string(),
  arguments: z.string(),
  server_label: z.string(),
});
const mcpCallItem = z.looseObject({
  type: z.literal("mcp_call"),
  id: z.string().min(1),
  name: z.string(),
  arguments: z.string(),
  server_label: z.string(),
  output: z.string().nullish(),
  error: z.string().nullish(),
});
const mcpListToolsItem = z.looseObject({
  type: z.literal("mcp_list_tools"),
  id: z.string().min(1),
  server_label: z.string(),
  tools: z.array(z.looseObject({ name: z.string(), input_schema: z.unknown() })),
});
const webSearchCallItem = z.looseObject({
  type: z.literal("web_search_call"),
  id: z.string().min(1),
  status: z.string(),
});

// EasyInputMessage may leave out `type`; everything with a role is a message.
const inputItem = z.preprocess(
  (value) =>
    value && typeof value === "object" && !("type" in value) && "role" in value
      ? { ...value, type: "message" }
      : value,
  z.discriminatedUnion("type", [
    messageItem,
    functionCallItem,
    functionCallOutputItem,
    mcpApprovalResponseItem,
    mcpApprovalRequestItem,
    mcpCallItem,
    mcpListToolsItem,
    webSearchCallItem,
  ]),
);
export type InputItemParam = z.infer<typeof inputItem>;

export const functionTool = z.object({
  type: z.literal("function"),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '_' or '-'"),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
export type FunctionToolParam = z.infer<typeof functionTool>;

const toolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), name: z.string().min(1) }),
  z.object({
    type: z.literal("allowed_tools"),
    mode: z.enum(["auto", "required"]),
    tools: z.array(z.looseObject({ type: z.string() })),
  }),
]);
export type ToolChoiceParam = z.infer<typeof toolChoice>;

const textFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    name: z.string().min(1),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().optional(),
    strict: z.boolean().nullish(),
  }),
]);
export type TextFormatParam = z.infer<typeof textFormat>;

const createBody = z.strictObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(inputItem)]),
  instructions: z.string().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  store: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  // Llama Stack's bound on inference calls per response, when built-in tools keep being called.
  max_infer_iters: z.number().int().min(1).max(100).nullish(),
  text: z
    .object({ format: textFormat.optional(), verbosity: z.enum(["low", "medium", "high"]).nullish() })
    .optional(),
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((value) => Object.keys(value).length <= 16, "at most 16 keys")
    .nullish(),
  user: z.string().optional(),
  // Accepted and ignored: they change nothing about what a chat-completions model does.
  include: z.array(z.string()).nullish(),
  service_tier: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  prompt_cache_key: z.string().nullish(),
  prompt_cache_retention: z.string().nullish(),
  truncation: z.enum(["auto", "disabled"]).nullish(),
  reasoning: z.record(z.string(), z.unknown()).nullish(),
  top_logprobs: z.number().int().nullish(),
  stream_options: z.record(z.string(), z.unknown()).nullish(),
  background: z.boolean().nullish(),
  conversation: z.unknown().optional(),
});

export type CreateResponseBody = Omit<z.infer<typeof createBody>, "tools"> & {
  tools: Array<FunctionToolParam | { type: string }>;
};

/** Validates a create request; every failure is a 400 that names the parameter. */
export function parseCreateBody(body: unknown, tools: ToolRegistry): CreateResponseBody {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw invalidParameter(null, "The request body must be a JSON object.", "invalid_type");
  }
  const parsed = createBody.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error, [], body);
  const { tools: rawTools, ...rest } = parsed.data;
  if (rest.background) {
    throw invalidParameter(
      "background",
      "Background responses are not supported by this stack.",
      "unsupported_value",
    );
  }
  if (rest.conversation !== undefined && rest.conversation !== null) {
    throw invalidParameter(
      "conversation",
      "Conversations are not supported by this stack yet; use previous_response_id.",
      "unsupported_value",
    );
  }
  const parsedTools = (rawTools ?? []).map((tool, index) => {
    const schema =
      tool.type === "function" ? functionTool : tools.require(tool.type, `tools[${index}].type`).schema;
    const result = schema.safeParse(tool);
    if (!result.success) throw fromZodError(result.error, ["tools", index], tool);
    return result.data;
  });
  checkToolChoice(rest.tool_choice, parsedTools);
  return { ...rest, tools: parsedTools };
}

function checkToolChoice(
  choice: ToolChoiceParam | undefined,
  tools: Array<{ type: string; name?: string }>,
): void {
  if (choice === undefined || typeof choice === "string" || choice.type !== "function") return;
  if (!tools.some((tool) => tool.type === "function" && tool.name === choice.name)) {
    throw invalidParameter(
      "tool_choice",
      `Tool choice '${choice.name}' not found in 'tools' parameter.`,
      "invalid_value",
    );
  }
}
