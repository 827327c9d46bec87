/**
 * Fault injection: what an attacker or an accident does to a recording run, so that what
 * issue 7 fixed stays fixed. Two writers on one hash, kill -9 during a streamed recording
 * and during a large write, a secret split across stream chunks (down to one character a
 * chunk), a traversal test id (library, header, provider-data header), a symlink out of
 * the recordings folder.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  utimesSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { accumulateChatStream, createRecorder, readRecordingFile, summarize } from "../../recorder/index.ts";
import { allFiles, allText } from "./recorder/support/files.ts";
import { SEED_HASH, seed } from "./recorder/support/fixtures.ts";
import { chatCompletion, textChunks } from "./recorder/support/upstream-data.ts";
import { chatStream, json, type Route, UpstreamServer } from "./recorder/support/upstream-server.ts";

const PROJECT = new URL("../../", import.meta.url).pathname;
const WORKER = join(PROJECT, "tests/unit/recorder/support/record-worker.ts");
const CLI = join(PROJECT, "recorder/cli/main.ts");

function worker(root: string, upstream: string, count: number, stream: boolean): ChildProcess {
  return spawn(
    process.execPath,
    ["--import", "tsx", WORKER, root, `${upstream}/v1`, String(count), stream ? "1" : "0"],
    {
      cwd: PROJECT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
}

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, "exit")) as [number | null];
  return code;
}

function recordingFiles(root: string): string[] {
  return allFiles(root).filter((file) => file.endsWith(".json"));
}

test("two processes recording one hash at once: one whole file, never a mix, no leftovers", async () => {
  const servers = await Promise.all(
    ["from A", "from B"].map(async (text) => {
      const server = await new UpstreamServer().start();
      server.routes.set("POST /v1/chat/completions", json(200, chatCompletion(`${text} `.repeat(2000))));
      return server;
    }),
  );
  try {
    const root = mkdtempSync(join(tmpdir(), "faults-writers-"));
    const writers = servers.map((server) => worker(root, server.baseUrl, 25, false));
    expect(await Promise.all(writers.map(exited))).toEqual([0, 0]);
    const files = allFiles(root);
    expect(files).toHaveLength(1);
    const recording = readRecordingFile(join(root, files[0] ?? "")) as {
      response: { body: { __data__: { choices: Array<{ message: { content: string } }> } } };
    };
    const content = recording.response.body.__data__.choices[0]?.message.content ?? "";
    expect([`${"from A ".repeat(2000)}`, `${"from B ".repeat(2000)}`]).toContain(content);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
});

/** A stream that sends `sent` chunks, then holds until released. */
function heldStream(chunks: unknown[], sent: number, held: Promise<void>, onHeld: () => void): Route {
  return async (_request, _body, response) => {
    response.writeHead(200, { "content-type": "text/event-stream" });
    for (const chunk of chunks.slice(0, sent)) response.write(`data: ${JSON.stringify(chunk)}\n\n`);
    onHeld();
    await held;
    response.end("data: [DONE]\n\n");
  };
}

test("kill -9 in the middle of a streamed recording leaves no file, and the next run records whole", async () => {
  const upstream = await new UpstreamServer().start();
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let reached = () => {};
  const midway = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const chunks = textChunks("one two three four five six seven eight");
  upstream.routes.set("POST /v1/chat/completions", heldStream(chunks, 5, held, reached));
  try {
    const root = mkdtempSync(join(tmpdir(), "faults-kill-"));
    const child = worker(root, upstream.baseUrl, 1, true);
    await midway;
    child.kill("SIGKILL");
    await exited(child);
    release();
    expect(allFiles(root).filter((file) => !file.endsWith("/"))).toEqual([]);
    upstream.routes.set("POST /v1/chat/completions", chatStream(chunks));
    expect(await exited(worker(root, upstream.baseUrl, 1, true))).toBe(0);
    const files = allFiles(root);
    expect(files).toHaveLength(1);
    expect(readRecordingFile(join(root, files[0] ?? ""))?.response.body).toHaveLength(chunks.length);
  } finally {
    release();
    await upstream.stop();
  }
});

test("kill -9 while a large stream is being written: never a partial file, and stale leftovers go with the next write", async () => {
  const upstream = await new UpstreamServer().start();
  const chunks = textChunks(Array.from({ length: 30_000 }, (_, index) => `word${index}`).join(" "));
  upstream.routes.set("POST /v1/chat/completions", chatStream(chunks));
  try {
    const root = mkdtempSync(join(tmpdir(), "faults-write-"));
    for (const delay of [0, 40, 80, 160, 320]) {
      const child = worker(root, upstream.baseUrl, 1, true);
      // Kill once the upstream has sent everything: the worker is then parsing and writing.
      await new Promise<void>((resolve) => {
        const started = upstream.requests.length;
        const poll = setInterval(() => {
          if (upstream.requests.length > started) {
            clearInterval(poll);
            resolve();
          }
        }, 5);
      });
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill("SIGKILL");
      await exited(child);
      for (const file of recordingFiles(root)) {
        // Whatever is under a recording's name is whole.
        expect(readRecordingFile(join(root, file))?.response.body).toHaveLength(chunks.length);
      }
    }
    // Age whatever the kills left, as if a minute had passed; the next write in the folder removes it.
    const folder = join(root, "responses");
    const leftovers = existsSync(folder) ? readdirSync(folder).filter((name) => name.endsWith(".tmp")) : [];
    for (const name of leftovers)
      utimesSync(join(folder, name), new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    expect(await exited(worker(root, upstream.baseUrl, 1, true))).toBe(0);
    expect(allFiles(root)).toEqual(recordingFiles(root));
    expect(recordingFiles(root)).toHaveLength(1);
  } finally {
    await upstream.stop();
  }
});

test("a secret split one character a chunk never reaches the file, the report's summary or the replayed stream", async () => {
  const secret = "sk-proj-SPLITsecret0123456789abcdef";
  const upstream = await new UpstreamServer().start();
  const text = `The key is ${secret}. And again:${secret}`;
  const chunks = textChunks("x").slice(0, 1);
  for (const character of text)
    chunks.push({
      ...(chunks[0] as object),
      choices: [{ index: 0, delta: { content: character }, finish_reason: null }],
    });
  upstream.routes.set("POST /v1/chat/completions", chatStream(chunks));
  try {
    const root = mkdtempSync(join(tmpdir(), "faults-secret-"));
    const streamed = async (mode: "record" | "replay") => {
      const recorder = createRecorder({ mode, recordingDir: root, env: { OPENAI_API_KEY: secret } });
      const summaries: string[] = [];
      recorder.onInteraction((interaction) => summaries.push(JSON.stringify(summarize(interaction))));
      const client = new OpenAI({
        apiKey: "sk-short",
        baseURL: `${upstream.baseUrl}/v1`,
        fetch: recorder.fetch,
        maxRetries: 0,
      });
      const received = await recorder.withTestId(
        "tests/integration/responses/faults.spec.ts::secret[stack=local]",
        async () => {
          const events: unknown[] = [];
          for await (const chunk of await client.chat.completions.create({
            model: "m-1",
            messages: [{ role: "user", content: "key?" }],
            stream: true,
          }))
            events.push(chunk);
          return events;
        },
      );
      return { received, summaries: summaries.join("\n") };
    };
    const recorded = await streamed("record");
    const replayed = await streamed("replay");
    expect(accumulateChatStream(recorded.received).content).toBe(
      "The key is <redacted:OPENAI_API_KEY>. And again:<redacted:OPENAI_API_KEY>",
    );
    expect(replayed.received).toEqual(recorded.received);
    for (const where of [
      allText(root),
      recorded.summaries,
      replayed.summaries,
      JSON.stringify(recorded.received),
    ]) {
      expect(where).not.toContain(secret);
      expect(where).not.toContain("SPLITsecret");
    }
  } finally {
    await upstream.stop();
  }
});

test("a traversal test id writes nothing outside the recordings folder, in process or over HTTP", async () => {
  const outer = mkdtempSync(join(tmpdir(), "faults-traversal-"));
  const root = join(outer, "recordings");
  mkdirSync(root);
  const recorder = createRecorder({
    mode: "record-if-missing",
    recordingDir: root,
    upstream: async () => Response.json(chatCompletion("ok")),
    suites: ["responses"],
  });
  const client = new OpenAI({ apiKey: "k", baseURL: "http://upstream.test/v1", fetch: recorder.fetch });
  for (const testId of [
    "../basic.spec.ts::x",
    "tests/integration/../../../x.spec.ts::y",
    "tests/integration/..::z",
  ]) {
    await recorder.withTestId(testId, () =>
      client.chat.completions.create({ model: "m", messages: [{ role: "user", content: testId }] }),
    );
  }
  expect(readdirSync(outer)).toEqual(["recordings"]);
  expect(allFiles(root).every((file) => file.startsWith("common/"))).toBe(true);

  // The harness's server refuses such ids outright, in either header.
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "tests/integration/fixtures/stack-server.ts", "--port", "0"],
    {
      cwd: PROJECT,
      env: { ...process.env, STACK_TEST_INFERENCE_MODE: "record-if-missing", STACK_TEST_RECORDING_DIR: root },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    const [line] = (await once(
      createInterface({ input: child.stdout as NodeJS.ReadableStream }),
      "line",
    )) as [string];
    const url = line.replace("listening on ", "");
    const hostile: Array<Record<string, string>> = [
      { "x-test-id": "../basic.spec.ts::escape" },
      {
        "x-llamastack-provider-data": JSON.stringify({
          __test_id: "tests/integration/../../escape.spec.ts::x",
        }),
      },
    ];
    for (const headers of hostile) {
      const response = await fetch(`${url}/v1/responses`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ model: "scripted/assistant", input: "hi" }),
      });
      expect(response.status).toBe(400);
    }
  } finally {
    child.kill("SIGTERM");
    await exited(child);
  }
  expect(readdirSync(outer)).toEqual(["recordings"]);
});

test("a recording that is a symlink out of the folder: verify fails on it, replay refuses it", async () => {
  const root = mkdtempSync(join(tmpdir(), "faults-symlink-"));
  mkdirSync(join(root, "responses"));
  const link = join(root, "responses", `${SEED_HASH}.json`);
  symlinkSync("/etc/passwd", link);
  const verify = spawnSync(process.execPath, ["--import", "tsx", CLI, "verify", root], { encoding: "utf8" });
  expect(verify.status).toBe(1);
  expect(verify.stdout).toContain(
    `BAD ${link}: is a symbolic link to /etc/passwd, outside the recordings folder`,
  );
  const recorder = createRecorder({ mode: "replay", recordingDir: root, env: {} });
  const { request, test_id } = seed();
  const error = await recorder
    .withTestId(test_id, () =>
      recorder.fetch(request.url, { method: "POST", body: JSON.stringify(request.body) }),
    )
    .then(
      () => new Error("replayed"),
      (caught: Error) => caught,
    );
  expect(error.message).toContain(`Recording file ${link} is a symbolic link to /etc/passwd`);
  expect(readFileSync("/etc/passwd", "utf8")).not.toContain("test_id");
});
