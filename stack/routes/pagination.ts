/** Cursor pagination in OpenAI's list shape: `after` / `before` / `limit` / `order`. */
import { z } from "zod";
import { fromZodError, invalidParameter } from "../errors.ts";

const pageQuery = z.object({
  after: z.string().min(1).optional(),
  before: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  order: z.enum(["asc", "desc"]).default("desc"),
});
export type PageQuery = z.infer<typeof pageQuery>;

export interface ListPage<T> {
  object: "list";
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
}

export function parsePageQuery(query: Record<string, string>): PageQuery {
  const parsed = pageQuery.safeParse(query);
  // With the query as input, the error quotes what was received (`got "-1"`).
  if (!parsed.success) throw fromZodError(parsed.error, [], query);
  if (parsed.data.after && parsed.data.before) {
    throw invalidParameter("before", "Only one of 'after' and 'before' can be given.");
  }
  return parsed.data;
}

export function listPage<T extends { id: string }>(data: T[], hasMore: boolean): ListPage<T> {
  return {
    object: "list",
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: hasMore,
  };
}

/** One page of `items`, which are given oldest first. */
export function paginate<T extends { id: string }>(items: readonly T[], query: PageQuery): ListPage<T> {
  const ordered = query.order === "asc" ? [...items] : [...items].reverse();
  const cursor = query.after ?? query.before;
  const at = cursor === undefined ? -1 : ordered.findIndex((item) => item.id === cursor);
  if (cursor !== undefined && at < 0) {
    throw invalidParameter(query.after ? "after" : "before", `No item with id '${cursor}' in this list.`);
  }
  if (query.before !== undefined) {
    const start = Math.max(0, at - query.limit);
    return listPage(ordered.slice(start, at), start > 0);
  }
  const page = ordered.slice(at + 1, at + 1 + query.limit);
  return listPage(page, at + 1 + query.limit < ordered.length);
}
