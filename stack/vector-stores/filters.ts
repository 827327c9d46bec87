/**
 * Attribute filters, OpenAI's shape: a comparison `{type: eq|ne|gt|gte|lt|lte, key,
 * value}` or a compound `{type: and|or, filters: [...]}`. Matched as Llama Stack
 * matches them, against a chunk's metadata (the file's attributes plus `filename`,
 * `document_id`, `token_count` and `metadata_token_count`): a missing key never
 * matches, and an ordering between a string and a number is false.
 */
import { z } from "zod";

export type ComparisonType = "eq" | "ne" | "gt" | "gte" | "lt" | "lte";
export type Filter =
  | { type: ComparisonType; key: string; value: string | number | boolean }
  | { type: "and" | "or"; filters: Filter[] };

const comparison = z.strictObject({
  type: z.enum(["eq", "ne", "gt", "gte", "lt", "lte"]),
  key: z.string().min(1),
  value: z.union([z.string(), z.number(), z.boolean()]),
});

export const filterSchema: z.ZodType<Filter> = z.lazy(() =>
  z.discriminatedUnion("type", [
    comparison.extend({ type: z.literal("eq") }),
    comparison.extend({ type: z.literal("ne") }),
    comparison.extend({ type: z.literal("gt") }),
    comparison.extend({ type: z.literal("gte") }),
    comparison.extend({ type: z.literal("lt") }),
    comparison.extend({ type: z.literal("lte") }),
    z.strictObject({ type: z.literal("and"), filters: z.array(filterSchema) }),
    z.strictObject({ type: z.literal("or"), filters: z.array(filterSchema) }),
  ]),
);

export function matchesFilter(metadata: Record<string, unknown>, filter: Filter): boolean {
  switch (filter.type) {
    case "and":
      return filter.filters.every((inner) => matchesFilter(metadata, inner));
    case "or":
      return filter.filters.some((inner) => matchesFilter(metadata, inner));
    default: {
      if (!Object.hasOwn(metadata, filter.key)) return false;
      return compare(metadata[filter.key], filter.type, filter.value);
    }
  }
}

function compare(actual: unknown, type: ComparisonType, expected: string | number | boolean): boolean {
  if (type === "eq") return actual === expected;
  if (type === "ne") return actual !== expected;
  // Python refuses to order a str against a number; Llama Stack then finds nothing.
  const comparable =
    (typeof actual === "string" && typeof expected === "string") ||
    ((typeof actual === "number" || typeof actual === "boolean") &&
      (typeof expected === "number" || typeof expected === "boolean"));
  if (!comparable) return false;
  const left = actual as string | number;
  const right = expected as string | number;
  switch (type) {
    case "gt":
      return left > right;
    case "gte":
      return left >= right;
    case "lt":
      return left < right;
    default:
      return left <= right;
  }
}
