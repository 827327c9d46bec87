/** The Files API through the official SDK: OpenAI's shapes, status codes and errors. */
import { expect, test } from "@playwright/test";
import type OpenAI from "openai";
import { BadRequestError, NotFoundError, toFile } from "openai";
import { libraryClient, startTestStack, testIdOf } from "./helpers.ts";

const upload = async (client: OpenAI, name: string, content: string | Buffer, purpose = "assistants") =>
  client.files.create({ file: await toFile(Buffer.from(content), name), purpose: purpose as "assistants" });

test("upload, retrieve, download and delete a file", async () => {
  const { client, stack } = startTestStack();
  try {
    const file = await upload(client, "notes.md", "# Notes\nLlamas hum.");
    expect(file).toMatchObject({
      object: "file",
      filename: "notes.md",
      purpose: "assistants",
      bytes: 19,
      status: "processed",
    });
    expect(file.id).toMatch(/^file/);
    expect(await client.files.retrieve(file.id)).toEqual(file);
    const content = await client.files.content(file.id);
    expect(content.headers.get("content-type")).toBe("application/octet-stream");
    expect(await content.text()).toBe("# Notes\nLlamas hum.");

    expect(await client.files.delete(file.id)).toEqual({ id: file.id, object: "file", deleted: true });
    await expect(client.files.retrieve(file.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.files.content(file.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.files.delete(file.id)).rejects.toBeInstanceOf(NotFoundError);
  } finally {
    stack.close();
  }
});

test("list pages newest first, filters by purpose, and walks with after", async () => {
  const { client, stack } = startTestStack();
  try {
    const ids: string[] = [];
    for (const [index, purpose] of ["assistants", "batch", "assistants", "user_data"].entries()) {
      ids.push((await upload(client, `f${index}.txt`, `file ${index}`, purpose)).id);
    }
    const first = await client.files.list({ limit: 2 });
    expect(first.data.map((file) => file.id)).toEqual([ids[3], ids[2]]);
    expect(first.has_more).toBe(true);
    const everything = [];
    for await (const file of client.files.list({ limit: 2 })) everything.push(file.id);
    expect(everything).toEqual([...ids].reverse());
    const assistants = await client.files.list({ purpose: "assistants", order: "asc" });
    expect(assistants.data.map((file) => file.id)).toEqual([ids[0], ids[2]]);
  } finally {
    stack.close();
  }
});

test("concurrent uploads each get their own id and all of them are listed", async () => {
  const { client, stack } = startTestStack();
  try {
    const files = await Promise.all(
      Array.from({ length: 12 }, (_, index) => upload(client, `c${index}.txt`, `content ${index}`)),
    );
    const ids = new Set(files.map((file) => file.id));
    expect(ids.size).toBe(12);
    const listed = (await client.files.list()).data.map((file) => file.id);
    expect(new Set(listed)).toEqual(ids);
    for (const file of files) {
      const index = file.filename.slice(1, -4);
      expect(await (await client.files.content(file.id)).text()).toBe(`content ${index}`);
    }
  } finally {
    stack.close();
  }
});

test("bad uploads are 400s naming the parameter; a file over the limit is a 413", async () => {
  const { client, stack } = startTestStack({ maxFileBytes: 1000 });
  try {
    const noPurpose = await client.files
      .create({ file: await toFile(Buffer.from("x"), "a.txt") } as never)
      .catch((error: unknown) => error);
    expect(noPurpose).toBeInstanceOf(BadRequestError);
    expect(noPurpose).toMatchObject({ param: "purpose", code: "missing_required_parameter" });

    const badPurpose = await upload(client, "a.txt", "x", "homework").catch((error: unknown) => error);
    expect(badPurpose).toMatchObject({ status: 400, param: "purpose" });
    expect(String(badPurpose)).toContain('"assistants"|"batch"');

    const form = new FormData();
    form.set("purpose", "assistants");
    const noFile = await stack.fetch("http://stack.local/v1/files", { method: "POST", body: form });
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as { error: unknown }).error).toMatchObject({
      param: "file",
      code: "missing_required_parameter",
    });

    const tooLarge = await upload(client, "big.txt", "x".repeat(2000)).catch((error: unknown) => error);
    expect(tooLarge).toMatchObject({ status: 413, param: "file", code: "file_too_large" });
    expect(String(tooLarge)).toContain("1000 bytes");
    expect((await client.files.list()).data).toEqual([]);

    await expect(client.files.retrieve("file-nope")).rejects.toMatchObject({ status: 404, param: "file_id" });
  } finally {
    stack.close();
  }
});

test("a test lists only its own files; another test's are still reachable by id", async () => {
  const { client, stack } = startTestStack();
  try {
    const other = libraryClient(stack, `${testIdOf()} (another test)`);
    const mine = await upload(client, "mine.txt", "mine");
    const theirs = await upload(other, "theirs.txt", "theirs");
    expect((await client.files.list()).data.map((file) => file.id)).toEqual([mine.id]);
    expect((await other.files.list()).data.map((file) => file.id)).toEqual([theirs.id]);
    expect((await client.files.retrieve(theirs.id)).filename).toBe("theirs.txt");
  } finally {
    stack.close();
  }
});
