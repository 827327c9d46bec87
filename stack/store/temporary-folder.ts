/**
 * The stack's temporary data folders (`responses-stack-<pid>-…` in the system's temp
 * folder). Each goes when its stack closes, and on every exit its process can catch: a
 * normal end, `process.exit`, an uncaught error, SIGINT, SIGTERM, SIGHUP. A process
 * killed outright (SIGKILL) catches nothing: the next stack to start removes the folders
 * of processes that no longer run.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PREFIX = "responses-stack-";
const OWNED = /^responses-stack-(\d+)-/;
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

const live = new Set<string>();
let hooked = false;
let orphansSwept = false;

export function createTemporaryFolder(): string {
  if (!orphansSwept) {
    orphansSwept = true;
    removeOrphans();
  }
  const folder = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  live.add(folder);
  hook();
  return folder;
}

export function removeTemporaryFolder(folder: string): void {
  live.delete(folder);
  rmSync(folder, { recursive: true, force: true });
}

function removeLive(): void {
  for (const folder of live) removeTemporaryFolder(folder);
}

function onSignal(signal: NodeJS.Signals): void {
  // Another listener (a server's graceful shutdown) decides how the process ends, and
  // its exit runs removeLive; alone, this one cleans up and lets the signal do what it would.
  if (process.listenerCount(signal) > 1) return;
  removeLive();
  for (const each of SIGNALS) process.removeListener(each, onSignal);
  process.kill(process.pid, signal);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once("exit", removeLive);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

/** Folders of ours whose process is gone. */
function removeOrphans(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(OWNED.exec(name)?.[1]);
    if (!pid || pid === process.pid || isRunning(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
