/**
 * Whether a recording's response makes sense for its endpoint: recording.schema.json
 * checks the file's shape, these check that the body is what the endpoint answers (a
 * chat completion holds choices with a message, a stream is a list of chunks, …), so a
 * file that fits the schema but not its endpoint is named, not replayed as nonsense.
 */
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import { type EndpointKind, endpointKind } from "../http/endpoints.ts";
import { ajvModule } from "./lazy-ajv.ts";

type Schema = Record<string, unknown>;

/** A Python object as Llama Stack stores it (`{__type__, __data__: data}`), or `data` plain. */
const typedOr = (data: Schema, plain: Schema = data): Schema => ({
  if: { type: "object", required: ["__type__"] },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else
  then: { properties: { __data__: data } },
  else: plain,
});
/** A provider's mid-stream `{"error": …}` payload, or a chunk that was not JSON, or `chunk`. */
const chunkOrError = (chunk: Schema, own: string): Schema => ({
  if: { type: "object", required: ["error"], not: { required: [own] } },
  else: { anyOf: [chunk, { type: "string" }] },
});
const list = (items: Schema, minItems = 0): Schema => ({ type: "array", items, minItems });

const chatCompletion = {
  type: "object",
  required: ["choices"],
  properties: {
    // No choice would replay as an empty answer, which no model gives.
    choices: list({ type: "object", required: ["message"], properties: { message: { type: "object" } } }, 1),
  },
};
const chatChunk = {
  type: "object",
  required: ["choices"],
  properties: { choices: list({ type: "object", properties: { delta: { type: ["object", "null"] } } }) },
};
const completion = {
  type: "object",
  required: ["choices"],
  properties: { choices: list({ type: "object", properties: { text: { type: "string" } } }) },
};
const embeddings = {
  type: "object",
  required: ["data"],
  properties: {
    data: list({
      type: "object",
      required: ["embedding"],
      // Not `items: number`: files read for hashing keep Python's `0.0` as a boxed number.
      properties: { embedding: { type: ["string", "array"] } },
    }),
  },
};
const model = {
  type: "object",
  anyOf: [{ required: ["id"] }, { required: ["model"] }, { required: ["name"] }],
  properties: { id: { type: "string" }, model: { type: "string" } },
};
const modelList = { type: "object", required: ["models"], properties: { models: list(model) } };
const response = { type: "object", required: ["output"], properties: { output: { type: "array" } } };
const responseEvent = { type: "object", required: ["type"], properties: { type: { type: "string" } } };

interface KindSchema {
  /** How the kind is named in errors. */
  what: string;
  schema: Schema;
}

const ONE: Partial<Record<EndpointKind, KindSchema>> = {
  chat: { what: "a chat completion", schema: typedOr(chatCompletion) },
  completions: { what: "a completion", schema: typedOr(completion) },
  embeddings: { what: "an embeddings response", schema: typedOr(embeddings) },
  responses: { what: "a Responses API response", schema: typedOr(response) },
  models: {
    what: "a model list",
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else
    schema: { if: { type: "array" }, then: list(typedOr(model)), else: typedOr(modelList) },
  },
};
const STREAM: Partial<Record<EndpointKind, KindSchema>> = {
  chat: {
    what: "a chat completion stream",
    schema: list(typedOr(chatChunk, chunkOrError(chatChunk, "choices")), 1),
  },
  completions: {
    what: "a completion stream",
    schema: list(typedOr(completion, chunkOrError(completion, "choices")), 1),
  },
  responses: {
    what: "a Responses API event stream",
    schema: list(typedOr(responseEvent, chunkOrError(responseEvent, "type")), 1),
  },
};
/** Tool results and other endpoints' bodies are any JSON; a typed one still holds an object. */
const ANY_TYPED: KindSchema = {
  what: "a recorded result",
  schema: {
    if: { type: "array" },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else
    then: list(typedOr({ type: "object" }, {})),
    else: typedOr({ type: "object" }, {}),
  },
};

let ajv: Ajv | undefined;
const compiled = new Map<KindSchema, ValidateFunction>();

function validatorOf(kind: KindSchema): ValidateFunction {
  let validate = compiled.get(kind);
  if (!validate) {
    ajv ??= new (ajvModule().Ajv)({ allErrors: false, strict: false });
    validate = ajv.compile(kind.schema);
    compiled.set(kind, validate);
  }
  return validate;
}

/** The innermost error: ajv reports each enclosing if/then/else as well. */
function describeError(errors: ErrorObject[] | null | undefined, body: unknown): string {
  const specific = (errors ?? []).filter((error) => !["if", "anyOf"].includes(error.keyword));
  const error = specific.sort((a, b) => b.instancePath.length - a.instancePath.length)[0] ?? errors?.[0];
  if (!error) return "is not valid";
  const path = `response.body${error.instancePath.replace(/\/(\d+)(?=\/|$)/g, "[$1]").replaceAll("/", ".")}`;
  return `${path} ${error.message ?? "is not valid"} (it is ${show(valueAt(body, error.instancePath))})`;
}

function valueAt(body: unknown, pointer: string): unknown {
  let value = body;
  for (const part of pointer.split("/").slice(1)) value = (value as Record<string, unknown> | null)?.[part];
  return value;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export interface ResponseToCheck {
  /** The endpoint path, or undefined for a tool invocation. */
  endpoint: string | undefined;
  body: unknown;
  is_streaming?: boolean | undefined;
  is_exception?: boolean | undefined;
}

/** What makes the response unusable for its endpoint, or undefined when it is usable. */
export function responseProblem(response: ResponseToCheck): string | undefined {
  if (response.is_exception) return undefined;
  const kind = response.endpoint === undefined ? "other" : endpointKind(response.endpoint);
  if (response.is_streaming && !Array.isArray(response.body)) {
    return `is marked streaming, but its response.body is ${show(response.body)}, not a list of chunks`;
  }
  const expected = (response.is_streaming ? STREAM[kind] : ONE[kind]) ?? ANY_TYPED;
  const validate = validatorOf(expected);
  if (validate(response.body)) return undefined;
  return `does not hold ${expected.what}: ${describeError(validate.errors, response.body)}`;
}
