/** Reading and validating a JSON request body, with OpenAI's errors for what is wrong with it. */
import type { Context } from "hono";
import type { z } from "zod";
import { fromZodError, invalidParameter } from "../errors.ts";

export async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw invalidParameter(
      null,
      "We could not parse the JSON body of your request. The body must be a JSON object.",
      "invalid_json",
    );
  }
}

/** The body as `schema` reads it, or a 400 naming the first parameter that is wrong. */
export async function parseJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  return parseValue(schema, await readJson(c));
}

export function parseValue<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw fromZodError(parsed.error, [], value);
  return parsed.data;
}
