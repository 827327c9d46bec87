/**
 * The package as another project gets it: `npm pack`, then a consumer project outside
 * this one installs the tarball (offline, from the npm cache this project's `npm ci`
 * filled) and, from plain `node` and its own Playwright run, records and replays through
 * its own `openai` client; its TypeScript sees every entry point's types. Each phase is a
 * step, so the report shows what each one took.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { echoChat } from "../proxy/support/echo-provider.ts";
import { allFiles, allText } from "../recorder/support/files.ts";
import { UpstreamServer } from "../recorder/support/upstream-server.ts";
import { consumerLock } from "./support/offline-lock.ts";

const ROOT = new URL("../../../", import.meta.url).pathname;
const CONSUMER_FILES = new URL("./consumer/", import.meta.url).pathname;
const SECRET = "sk-consumer-test-7e6d5c4b3a291807";
// What a consumer declares beside the package: its OpenAI client, Playwright, Node's types.
const OWN_DEPENDENCIES = ["openai", "@playwright/test", "@types/node"];

test.describe.configure({ timeout: 180_000 });

/** Runs a command to its end without blocking this process, which serves the provider. */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface Packed {
  name: string;
  filename: string;
  integrity: string;
}

async function pack(destination: string): Promise<Packed> {
  const packing = await run("npm", ["pack", "--json", "--pack-destination", destination], ROOT);
  expect(packing.status, packing.stderr).toBe(0);
  return (JSON.parse(packing.stdout) as Packed[])[0] as Packed;
}

/** A consumer project beside the tarball: its package.json, a lock from ours, `npm ci --offline`. */
async function install(dir: string, packed: Packed): Promise<void> {
  const lockFile = join(ROOT, "package-lock.json");
  const versions = JSON.parse(readFileSync(lockFile, "utf8")).packages;
  const dependencies: Record<string, string> = { [packed.name]: `file:${packed.filename}` };
  for (const name of OWN_DEPENDENCIES) dependencies[name] = `^${versions[`node_modules/${name}`].version}`;
  const manifest = { name: "consumer", version: "1.0.0", private: true, type: "module", dependencies };
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  const tarball = {
    name: packed.name,
    file: packed.filename,
    manifest: JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")),
    integrity: packed.integrity,
  };
  const lock = consumerLock(lockFile, { name: "consumer", dependencies, tarball });
  writeFileSync(join(dir, "package-lock.json"), JSON.stringify(lock, null, 2));
  const installing = await run("npm", ["ci", "--offline", "--no-audit", "--no-fund"], dir);
  if (installing.status !== 0) {
    throw new Error(
      `npm ci --offline failed in the consumer project ${dir}. It installs from the npm cache that this ` +
        `project's own 'npm ci' fills: run 'npm ci' here first.\n${installing.stderr}`,
    );
  }
  cpSync(CONSUMER_FILES, dir, { recursive: true });
}

/** The attachments of every test in a Playwright JSON report. */
function attachmentsOf(reportFile: string): Array<{ name: string; body: string }> {
  interface Suite {
    suites?: Suite[];
    specs?: Array<{
      tests: Array<{ results: Array<{ attachments: Array<{ name: string; body: string }> }> }>;
    }>;
  }
  const walk = (suite: Suite): Array<{ name: string; body: string }> => [
    ...(suite.specs ?? []).flatMap((spec) =>
      spec.tests.flatMap((each) => each.results[0]?.attachments ?? []),
    ),
    ...(suite.suites ?? []).flatMap(walk),
  ];
  return (JSON.parse(readFileSync(reportFile, "utf8")).suites as Suite[]).flatMap(walk);
}

test("a consumer installs the packed tarball and records and replays through it, from node and Playwright", async () => {
  const consumer = mkdtempSync(join(tmpdir(), "consumer-"));
  const upstream = await new UpstreamServer().start();
  upstream.routes.set("POST /v1/chat/completions", echoChat);
  const env = { PROVIDER_URL: `${upstream.baseUrl}/v1`, PROVIDER_API_KEY: SECRET };
  const node = (mode: string) => run("node", ["record-and-replay.mjs", mode], consumer, env);
  const playwright = (mode: string) =>
    run("npx", ["playwright", "test"], consumer, { ...env, STACK_TEST_INFERENCE_MODE: mode });
  try {
    const packed = await test.step("npm pack (builds dist/)", () => pack(consumer));
    await test.step("npm ci --offline in the consumer", () => install(consumer, packed));
    // Only what the package declares got installed: no stack, no SQLite, no tsx.
    const installed = allFiles(join(consumer, "node_modules"));
    for (const absent of ["better-sqlite3/", "tsx/", "@modelcontextprotocol/"]) {
      expect(installed.some((file) => file.startsWith(absent))).toBe(false);
    }

    const proxyHelp = await run("npx", ["responses-harness-proxy", "--help"], consumer);
    expect(proxyHelp.stdout).toContain("Usage: responses-harness-proxy --upstream NAME=URL");

    const recorded = await test.step("plain node records", () => node("record"));
    expect(recorded.stderr).toBe("");
    expect(JSON.parse(recorded.stdout)).toMatchObject({
      text: "You asked: Say hello",
      streamed: "You asked: Count to three",
    });
    const recordRun = await test.step("Playwright records", () => playwright("record"));
    expect(recordRun.status, recordRun.stdout + recordRun.stderr).toBe(0);
    expect(upstream.requests).toHaveLength(4);
    const recordings = allFiles(join(consumer, "recordings"));
    expect(recordings).toHaveLength(4);
    expect(recordings.every((file) => file.startsWith("responses/"))).toBe(true);
    expect(allText(join(consumer, "recordings"))).not.toContain(SECRET);

    await upstream.stop();
    const replayed = await test.step("plain node replays, the provider gone", () => node("replay"));
    expect(replayed.stderr).toBe("");
    expect(JSON.parse(replayed.stdout)).toEqual(JSON.parse(recorded.stdout));
    const replayRun = await test.step("Playwright replays, the provider gone", () => playwright("replay"));
    expect(replayRun.status, replayRun.stdout + replayRun.stderr).toBe(0);
    const attachments = attachmentsOf(join(consumer, "results.json"));
    expect(attachments.map((attachment) => attachment.name)).toEqual([
      "recorded interactions",
      "recorded interactions",
    ]);
    for (const attachment of attachments) {
      expect(JSON.parse(Buffer.from(attachment.body, "base64").toString("utf8"))).toMatchObject({
        mode: "replay",
        interactions: [{ source: "replayed" }],
      });
    }

    const types = await test.step("tsc sees the entry points' types", () =>
      run(
        process.execPath,
        [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"],
        consumer,
      ));
    expect(types.stdout + types.stderr).toBe("");
    expect(types.status).toBe(0);
  } finally {
    await upstream.stop().catch(() => undefined);
    rmSync(consumer, { recursive: true, force: true });
  }
});
