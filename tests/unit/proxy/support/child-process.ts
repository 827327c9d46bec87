/**
 * A program started as a separate process, as a user would start it: resolved once it
 * prints its `listening on <url>` line, rejected with its output if it exits first.
 */
import { type ChildProcess, spawn } from "node:child_process";

export interface RunningProcess {
  url: string;
  /** Everything it printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  stop(): Promise<void>;
}

export function startProcess(
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<RunningProcess> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (data: Buffer) => {
    stdout += data.toString();
  });
  child.stderr?.on("data", (data: Buffer) => {
    stderr += data.toString();
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(
        new Error(`${command} ${args.join(" ")} exited with ${code} before listening.\n${stdout}${stderr}`),
      );
    child.once("exit", onExit);
    child.stdout?.on("data", () => {
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (!match?.[1]) return;
      child.off("exit", onExit);
      resolve({ url: match[1], stdout: () => stdout, stderr: () => stderr, stop: () => stop(child) });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
