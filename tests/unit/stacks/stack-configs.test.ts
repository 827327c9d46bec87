// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${VAR} is the stacks file's own syntax, under test here.
/**
 * What `--stack-config` may name, and what a stacks file may declare: every mistake in the
 * file names the file, the stack and what to write instead.
 */
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { recordCommandFor } from "../../integration/fixtures/record-command.ts";
import { settingsFromEnv } from "../../integration/fixtures/settings.ts";
import { fillTemplate, proxyVariable } from "../../integration/fixtures/stacks/launch.ts";
import {
  parseStacksFile,
  resolveStackConfig,
  StackConfigError,
} from "../../integration/fixtures/stacks/stack-configs.ts";
import { execIfSimple } from "../../integration/fixtures/stacks/stack-process.ts";
import { tempDir } from "../harness/support/selftest.ts";

const parse = (stacks: unknown) => () =>
  parseStacksFile("/project/stacks.config.json", JSON.stringify({ stacks }));
const reference = {
  command: "node server.js",
  portEnv: "STACK_PORT",
  baseURL: "http://127.0.0.1:${STACK_PORT}/v1",
};

test("local, a URL, and the project's declared stacks; the reference server shares local's test ids", () => {
  expect(resolveStackConfig("local", {})).toMatchObject({ kind: "library", stackName: "local" });
  expect(resolveStackConfig("server:local", {})).toMatchObject({
    kind: "declared",
    stackName: "local",
    recorder: "inside",
    instances: "per-worker",
    readiness: "/v1/health",
  });
  expect(resolveStackConfig("http://127.0.0.1:8321", {})).toMatchObject({
    kind: "external",
    baseURL: "http://127.0.0.1:8321/v1",
    stackName: "external",
  });
  // Llama Stack 0.2 serves the OpenAI API under a path of its own: a URL with a path is kept.
  expect(resolveStackConfig("https://stack.example:8443/v1/openai/v1/", {})).toMatchObject({
    baseURL: "https://stack.example:8443/v1/openai/v1",
  });
  expect(resolveStackConfig("http://127.0.0.1:8321", { STACK_TEST_STACK_NAME: "local" }).stackName).toBe(
    "local",
  );
  expect(() => resolveStackConfig("local", { STACK_TEST_STACK_NAME: "my stack" })).toThrow(
    "The stack name 'my stack' (from STACK_TEST_STACK_NAME) cannot go into test ids: use no spaces or brackets.",
  );
});

test("an unknown stack config lists the known ones and says how to declare one; docker: points at the how-to", () => {
  expect(() => resolveStackConfig("server:mine", {}, "--stack-config")).toThrow(
    /^Unknown stack config 'server:mine' \(from --stack-config\)\. Known stack configs: local, server:local, or the URL of a running stack \(http:\/\/host:port\)\. Declare your own in \S*stacks\.config\.json \(see the README's "Your own stack from a start command"\)\.$/,
  );
  expect(() => resolveStackConfig("docker:ogx/distribution-starter", {})).toThrow(
    `A Docker image is a stack declared by its start command: see the README's "A stack in Docker".`,
  );
});

test("STACK_TEST_STACKS_FILE names another file of declared stacks", () => {
  const file = join(tempDir("stacks-file"), "stacks.json");
  writeFileSync(file, JSON.stringify({ stacks: { "server:mine": { ...reference, description: "mine" } } }));
  expect(resolveStackConfig("server:mine", { STACK_TEST_STACKS_FILE: file })).toMatchObject({
    description: "mine",
    stackName: "mine",
    command: "node server.js",
    cwd: join(file, ".."),
    timeout: 60_000,
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
  });
  expect(() => resolveStackConfig("server:local", { STACK_TEST_STACKS_FILE: file })).toThrow(
    /Known stack configs: local, server:mine,/,
  );
  expect(() =>
    resolveStackConfig("local", { STACK_TEST_STACKS_FILE: join(file, "..", "none.json") }),
  ).not.toThrow();
  expect(() =>
    resolveStackConfig("server:mine", { STACK_TEST_STACKS_FILE: join(file, "..", "none.json") }),
  ).toThrow(/STACK_TEST_STACKS_FILE names \S+none\.json, which does not exist\./);
});

test("workers inherit the runner's schema check of the stacks file, for those bytes only", () => {
  const dir = tempDir("stacks-file");
  const checked = join(dir, "stacks.json");
  const text = JSON.stringify({ stacks: { "server:mine": reference } });
  writeFileSync(checked, text);
  resolveStackConfig("server:mine", { STACK_TEST_STACKS_FILE: checked });
  expect(process.env.STACK_TEST_STACKS_FILE_CHECKED).toBe(createHash("sha256").update(text).digest("hex"));
  // A file whose bytes differ from the ones checked (edited since) is checked again.
  const edited = join(dir, "edited.json");
  writeFileSync(edited, JSON.stringify({ stacks: { "server:mine": { ...reference, colour: "red" } } }));
  expect(() => resolveStackConfig("server:mine", { STACK_TEST_STACKS_FILE: edited })).toThrow(
    /unknown field 'colour'/,
  );
});

test("a declaration with a mistake names the file, the stack, the field and what to write", () => {
  expect(() => parseStacksFile("/project/stacks.config.json", "{ stacks: }")).toThrow(
    /^\/project\/stacks\.config\.json is not valid JSON: /,
  );
  expect(parse({ mine: { ...reference, comand: "x", instances: "per-test" } })).toThrow(
    /stacks\["mine"\]: unknown field 'comand' \(fields: description, command, cwd, portEnv, baseURL, .*\)\n {2}- stacks\["mine"\]\.instances: must be one of per-worker, shared\n/,
  );
  expect(parse({ mine: { command: "x" } })).toThrow(`stacks["mine"]: must have required property 'baseURL'`);
  expect(parse({ mine: { command: "x", baseURL: "http://127.0.0.1:8321/v1" } })).toThrow(
    'stacks["mine"]: one instance per worker needs a port of its own: add "portEnv": "STACK_PORT"',
  );
  expect(parse({ mine: { ...reference, baseURL: "http://127.0.0.1:8321/v1" } })).toThrow(
    "baseURL http://127.0.0.1:8321/v1 does not use ${STACK_PORT}, the port the harness picks.",
  );
  expect(parse({ mine: { ...reference, recorder: "proxy" } })).toThrow(
    '"recorder": "proxy" needs "upstreams", e.g. {"openai": "https://api.openai.com/v1"}.',
  );
  expect(parse({ mine: { ...reference, upstreams: { openai: "https://api.openai.com/v1" } } })).toThrow(
    '"upstreams" are for "recorder": "proxy".',
  );
  expect(parse({ local: reference })).toThrow("'local' cannot be declared");
  const shared = { command: "x", baseURL: "http://127.0.0.1:8321/v1", instances: "shared" };
  expect(parse({ mine: { ...shared, recorder: "proxy", upstreams: { openai: "https://x" } } })).toThrow(
    "a stack behind the recording proxy runs one instance per worker",
  );
  expect(parse({ mine: shared })().get("mine")).toMatchObject({ instances: "shared", recorder: "own" });
});

test("${VAR} and ${VAR:-default} are filled from the stack's environment; an unset one is named", () => {
  const vars = { STACK_PORT: "4321", EMPTY: "" };
  expect(fillTemplate("http://127.0.0.1:${STACK_PORT}/v1", vars, "baseURL")).toBe("http://127.0.0.1:4321/v1");
  expect(fillTemplate("${OPENAI_BASE_URL:-https://api.openai.com/v1}", vars, "x")).toBe(
    "https://api.openai.com/v1",
  );
  expect(fillTemplate("${EMPTY:-fallback}", vars, "x")).toBe("fallback");
  expect(() => fillTemplate("--model ${MODEL}", vars, 'stacks.config.json: stacks["mine"].command')).toThrow(
    new StackConfigError(
      'stacks.config.json: stacks["mine"].command uses ${MODEL}, which is not set: export it, or write ${MODEL:-default}.',
    ),
  );
  expect(proxyVariable("openai")).toBe("STACK_TEST_PROXY_OPENAI_URL");
  expect(proxyVariable("vllm-local.1")).toBe("STACK_TEST_PROXY_VLLM_LOCAL_1_URL");
});

test("a simple start command replaces its shell, so the stack itself gets the signal; a list keeps its shell", () => {
  expect(execIfSimple("node --import tsx server.ts --port ${STACK_PORT}")).toBe(
    "exec node --import tsx server.ts --port ${STACK_PORT}",
  );
  for (const command of [
    "cd app && uvicorn main:app",
    "python -m app; echo done",
    "docker run --rm img | tee log",
    "PORT=8000 ./serve",
    "exec ./serve",
  ]) {
    expect(execIfSimple(command)).toBe(command);
  }
});

test("the command a replay miss suggests keeps the stack name the run gave", () => {
  const miss = { testId: "tests/integration/responses/a.spec.ts::asks[stack=mine-txt=scripted/assistant]" };
  const named = recordCommandFor(
    settingsFromEnv({ STACK_TEST_STACK_CONFIG: "local", STACK_TEST_STACK_NAME: "mine" }),
  );
  expect(named(miss as never)).toContain("--stack-config local --stack-name mine");
  const plain = recordCommandFor(settingsFromEnv({ STACK_TEST_STACK_CONFIG: "server:local" }));
  expect(plain(miss as never)).not.toContain("--stack-name");
});
