/** `/v1/files`: upload (multipart), list, retrieve, content, delete, in OpenAI's shapes. */
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { fromZodError, invalidParameter, notFound, StackError } from "../errors.ts";
import { type FileStore, fileObject, type StoredFile } from "../files/file-store.ts";
import type { StackPorts } from "../ports.ts";
import { listPage } from "./pagination.ts";

export const FILE_PURPOSES = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"] as const;

export interface FilesDeps {
  files: FileStore;
  ports: Pick<StackPorts, "mintId" | "now" | "currentTestId">;
  /** Largest upload accepted, in bytes; a larger one is refused with a 413. */
  maxFileBytes: number;
  /** Called before a file is deleted, so that vector stores let go of it. */
  beforeDelete(fileId: string): void;
}

const listQuery = z.object({
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(10_000),
  order: z.enum(["asc", "desc"]).default("desc"),
  purpose: z.enum(FILE_PURPOSES).optional(),
});

const uploadForm = z.object({
  purpose: z.enum(FILE_PURPOSES),
  "expires_after[anchor]": z.literal("created_at").optional(),
  "expires_after[seconds]": z.coerce.number().int().min(3600).max(2_592_000).optional(),
});

export function filesRoutes(deps: FilesDeps): Hono {
  const app = new Hono();

  app.post(
    "/files",
    bodyLimit({
      // Multipart framing on top of the file itself.
      maxSize: deps.maxFileBytes + 64 * 1024,
      onError: (c) => c.json(tooLarge(deps.maxFileBytes).toBody(), 413),
    }),
    async (c) => {
      const form = await c.req.parseBody().catch(() => {
        throw invalidParameter(
          null,
          "The request body must be multipart/form-data with a 'file' and a 'purpose'.",
          "invalid_body",
        );
      });
      const file = form.file;
      if (!(file instanceof File)) {
        throw invalidParameter(
          "file",
          file === undefined
            ? "Missing required parameter: 'file'."
            : "'file' must be a file part (with a filename), not a plain form field.",
          file === undefined ? "missing_required_parameter" : "invalid_type",
        );
      }
      if (file.size > deps.maxFileBytes) throw tooLarge(deps.maxFileBytes);
      const fields = uploadForm.safeParse(form);
      if (!fields.success) throw fromZodError(fields.error, [], form);
      const createdAt = deps.ports.now();
      const seconds = fields.data["expires_after[seconds]"];
      const stored: StoredFile = {
        id: deps.ports.mintId("file", () => `file-${randomUUID().replaceAll("-", "")}`),
        filename: file.name || "uploaded_file",
        purpose: fields.data.purpose,
        bytes: file.size,
        created_at: createdAt,
        expires_at: seconds === undefined ? null : createdAt + seconds,
      };
      deps.files.save(stored, new Uint8Array(await file.arrayBuffer()), deps.ports.currentTestId());
      return c.json(fileObject(stored));
    },
  );

  app.get("/files", (c) => {
    const parsed = listQuery.safeParse(c.req.query());
    if (!parsed.success) throw fromZodError(parsed.error, [], c.req.query());
    const page = deps.files.list({ ...parsed.data, scope: deps.ports.currentTestId() });
    if (!page) throw invalidParameter("after", `No file with id '${parsed.data.after}'.`);
    return c.json(listPage(page.data.map(fileObject), page.hasMore));
  });

  app.get("/files/:id", (c) => c.json(fileObject(existing(deps.files, c.req.param("id")))));

  app.get("/files/:id/content", (c) => {
    const file = existing(deps.files, c.req.param("id"));
    const content = deps.files.content(file.id);
    if (!content) throw fileNotFound(file.id);
    return c.body(new Uint8Array(content), 200, {
      "content-type": "application/octet-stream",
      "content-disposition": `attachment; filename="${file.filename.replaceAll('"', "")}"`,
    });
  });

  app.delete("/files/:id", (c) => {
    const id = existing(deps.files, c.req.param("id")).id;
    deps.beforeDelete(id);
    deps.files.delete(id);
    return c.json({ id, object: "file", deleted: true });
  });

  return app;
}

export function existing(files: FileStore, id: string, param = "file_id"): StoredFile {
  const file = files.get(id);
  if (!file) throw fileNotFound(id, param);
  return file;
}

function fileNotFound(id: string, param = "file_id"): StackError {
  return notFound(`No file with id '${id}' exists. List your files with GET /v1/files.`, param);
}

function tooLarge(maxBytes: number): StackError {
  return new StackError(
    413,
    `The file is larger than this stack accepts (${maxBytes} bytes). Upload a smaller file.`,
    { param: "file", code: "file_too_large" },
  );
}
