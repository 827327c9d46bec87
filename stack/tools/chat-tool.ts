/**
 * The chat tool the model sees in a built-in's place, as Llama Stack 0.2 makes it from a
 * tool definition (`convert_tooldef_to_openai_tool`): `{type, function: {name,
 * description, parameters}}`, where an empty description and a missing schema are left
 * out and the schema passes through untouched, key order included.
 */
export interface ChatTool {
  type: "function";
  function: {
    /** Only function tools carry these two, dumped from the Responses tool. */
    type?: "function";
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

export function definitionToChatTool(
  name: string,
  description: string | null | undefined,
  inputSchema: Record<string, unknown> | null | undefined,
): ChatTool {
  const fn: ChatTool["function"] = { name };
  if (description) fn.description = description;
  if (inputSchema && Object.keys(inputSchema).length > 0) fn.parameters = inputSchema;
  return { type: "function", function: fn };
}
