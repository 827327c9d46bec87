/**
 * A wrong setting is blamed on what the user typed: the script's option when they gave
 * one, the environment variable when they set that.
 */
import { spawnSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { PROJECT_ROOT } from "../../integration/fixtures/settings.ts";

const run = (command: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync(command, args, { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, encoding: "utf8" });

test("an option's bad value names the option", () => {
  const mode = run("./scripts/integration-tests.sh", ["--inference-mode", "replai"]);
  expect(mode.status).toBe(1);
  expect(mode.stderr).toContain(
    'Unknown inference mode "replai" (from --inference-mode). Valid modes: replay, record, record-if-missing, live.',
  );
  expect(mode.stderr).not.toContain("STACK_TEST_INFERENCE_MODE");
  const setup = run("./scripts/integration-tests.sh", ["--setup", "gtp", "--collect-only"]);
  expect(setup.status).toBe(1);
  expect(setup.stderr).toContain(
    "Unknown setup 'gtp' (from --setup). Known setups: scripted, gpt, ollama, vllm.",
  );
});

test("a variable's bad value names the variable", () => {
  const listing = run("npx", ["playwright", "test", "--list"], { STACK_TEST_INFERENCE_MODE: "replai" });
  expect(listing.status).not.toBe(0);
  expect(listing.stdout + listing.stderr).toContain(
    'Unknown inference mode "replai" (from STACK_TEST_INFERENCE_MODE)',
  );
});
