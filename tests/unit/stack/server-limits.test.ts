/**
 * What the server does with input it should refuse: bodies too large, list queries out of
 * range, POSTs without a test id where one is required. And the temporary data folders a
 * stack makes go on every exit its process can catch, and after one it cannot.
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { expect, test } from "@playwright/test";
import { DEFAULT_MAX_BODY_BYTES } from "../../../stack/app.ts";
import { startStackServer } from "../../../stack/server.ts";
import { deterministicPorts, REPO_ROOT, testIdOf } from "./helpers.ts";

const MB = 1024 * 1024;

async function serverWith(options: { maxBodyBytes?: number; requireTestId?: boolean } = {}) {
  return startStackServer({
    ports: deterministicPorts(),
    providers: [{ type: "scripted" }],
    port: 0,
    ...options,
  });
}

/** POSTs `size` bytes to the server, with a Content-Length or streamed (chunked); resolves with the status and body. */
async function post(url: string, size: number, chunked: boolean): Promise<{ status: number; body: string }> {
  const piece = new Uint8Array(64 * 1024).fill(97);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const part = piece.subarray(0, Math.min(piece.length, size - sent));
      sent += part.length;
      controller.enqueue(part);
    },
  });
  const response = await fetch(`${url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-test-id": testIdOf() },
    body: chunked ? stream : new Uint8Array(size).fill(97),
    duplex: "half",
  } as RequestInit);
  return { status: response.status, body: await response.text() };
}

test("a body over the limit is a 413 in OpenAI's shape, with or without a Content-Length; the default is 25 MB", async () => {
  expect(DEFAULT_MAX_BODY_BYTES).toBe(25 * MB);
  const server = await serverWith({ maxBodyBytes: MB });
  const byDefault = await serverWith();
  try {
    // Announced, it is refused before a byte is read; streamed, once it passes the limit.
    for (const [size, chunked] of [
      [8 * MB, false],
      [MB + 64 * 1024, true],
    ] as const) {
      const { status, body } = await post(server.url, size, chunked);
      expect(status).toBe(413);
      expect(JSON.parse(body)).toEqual({
        error: {
          message:
            "The request body is larger than 1 MB, the most this stack accepts (its maxBodyBytes option, STACK_MAX_BODY_BYTES for the server).",
          type: "invalid_request_error",
          param: null,
          code: "request_too_large",
        },
      });
    }
    const big = await post(byDefault.url, 100 * MB, false);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error.message).toContain("larger than 25 MB");
    // Under the limit, the body reaches the stack (which finds it is no JSON).
    const small = await post(server.url, 1000, true);
    expect(small.status).toBe(400);
  } finally {
    await server.close();
    await byDefault.close();
  }
});

test("list queries out of range say what they received", async () => {
  const server = await serverWith();
  try {
    const ask = async (query: string) =>
      (
        (await (await fetch(`${server.url}/v1/responses?${query}`)).json()) as {
          error: Record<string, unknown>;
        }
      ).error;
    expect(await ask("limit=-1")).toEqual({
      message: "Invalid 'limit': Too small: expected number to be >=1, got \"-1\".",
      type: "invalid_request_error",
      param: "limit",
      code: "invalid_value",
    });
    expect((await ask("order=sideways")).message).toBe(
      'Invalid \'order\': Invalid option: expected one of "asc"|"desc", got "sideways".',
    );
    expect((await ask("limit=ten")).message).toContain('got "ten"');
  } finally {
    await server.close();
  }
});

test("where a test id is required, a POST without one is a 400 that says how to send it", async () => {
  const server = await serverWith({ requireTestId: true });
  try {
    const body = JSON.stringify({ model: "scripted/assistant", input: "hi" });
    const without = await fetch(`${server.url}/v1/responses`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json" },
    });
    expect(without.status).toBe(400);
    expect(((await without.json()) as { error: unknown }).error).toMatchObject({
      code: "missing_test_id",
      message: expect.stringContaining("X-Test-Id"),
    });
    expect((await fetch(`${server.url}/v1/models`)).status).toBe(200);
    const withId = await fetch(`${server.url}/v1/responses`, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "x-test-id": "tests/unit/stack/server-limits.test.ts::no script",
      },
    });
    expect(withId.status).not.toBe(400);
  } finally {
    await server.close();
  }
});

test("the harness's stack server requires the test id, and refuses a traversal one", async () => {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "tests/integration/fixtures/stack-server.ts", "--port", "0"],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        STACK_TEST_INFERENCE_MODE: "replay",
        STACK_TEST_RECORDING_DIR: mkdtempSync(join(tmpdir(), "limits-")),
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
    const url = line.replace("listening on ", "");
    const ask = async (headers: Record<string, string>) => {
      const response = await fetch(`${url}/v1/responses`, {
        method: "POST",
        body: JSON.stringify({ model: "scripted/assistant", input: "hi" }),
        headers: { "content-type": "application/json", ...headers },
      });
      return {
        status: response.status,
        error: ((await response.json()) as { error: { code: string; message: string } }).error,
      };
    };
    const missing = await ask({});
    expect(missing.status).toBe(400);
    expect(missing.error.code).toBe("missing_test_id");
    const traversal = await ask({
      "x-test-id": "../basic.spec.ts::escape[stack=server-txt=scripted/assistant]",
    });
    expect(traversal.status).toBe(400);
    expect(traversal.error.message).toContain("names its spec by a path outside the project");
  } finally {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
});

/** A process that makes a stack with a temporary database, prints its folder, then on a line of input does `afterwards`. */
function stackProcess(afterwards: string) {
  const dir = mkdtempSync(join(tmpdir(), "stack-exit-"));
  const script = join(dir, "run.ts");
  writeFileSync(
    script,
    `import { ResponseStore } from ${JSON.stringify(join(REPO_ROOT, "stack/store/response-store.ts"))};
const store = new ResponseStore();
console.log(store.path);
// Waits for the test to have seen the folder before ending.
process.stdin.once("data", () => {
  process.stdin.destroy();
  ${afterwards}
});
`,
  );
  return spawn(process.execPath, ["--import", "tsx", script], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function folderOf(child: ReturnType<typeof stackProcess>): Promise<string> {
  const [line] = (await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), "line")) as [
    string,
  ];
  return join(line, "..");
}

const EXITS: Record<string, { afterwards: string; signal?: NodeJS.Signals }> = {
  "a normal end without close()": { afterwards: "" },
  "process.exit": { afterwards: "process.exit(3);" },
  "an uncaught error": { afterwards: "setTimeout(() => { throw new Error('boom'); }, 10);" },
  "an unhandled rejection": { afterwards: "Promise.reject(new Error('boom'));" },
  SIGTERM: { afterwards: "setInterval(() => {}, 1000);", signal: "SIGTERM" },
  SIGINT: { afterwards: "setInterval(() => {}, 1000);", signal: "SIGINT" },
  SIGHUP: { afterwards: "setInterval(() => {}, 1000);", signal: "SIGHUP" },
};

for (const [exit, { afterwards, signal }] of Object.entries(EXITS)) {
  test(`the temporary database folder goes on ${exit}`, async () => {
    const child = stackProcess(afterwards);
    const folder = await folderOf(child);
    expect(existsSync(folder)).toBe(true);
    if (signal) child.kill(signal);
    else (child.stdin as NodeJS.WritableStream | null)?.write("go\n");
    const [code, killedBy] = (await once(child, "exit")) as [number | null, string | null];
    expect(existsSync(folder)).toBe(false);
    if (signal) expect(killedBy).toBe(signal);
    else expect(code).not.toBeNull();
  });
}

test("a folder left by a killed process goes when the next stack starts", async () => {
  const child = stackProcess("setInterval(() => {}, 1000);");
  const folder = await folderOf(child);
  child.kill("SIGKILL");
  await once(child, "exit");
  expect(existsSync(folder)).toBe(true);
  const next = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      "-e",
      `import(${JSON.stringify(join(REPO_ROOT, "stack/store/response-store.ts"))}).then(({ ResponseStore }) => new ResponseStore().close())`,
    ],
    { cwd: REPO_ROOT, encoding: "utf8" },
  );
  expect(next.status).toBe(0);
  expect(existsSync(folder)).toBe(false);
  expect(readdirSync(tmpdir()).filter((name) => name.startsWith(`responses-stack-${child.pid}-`))).toEqual(
    [],
  );
});
