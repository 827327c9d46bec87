/**
 * The temporary files of interrupted writes. A write goes through `.<name>.<pid>.<random>.tmp`
 * and a rename; a process killed between the two leaves the temporary behind. One older than
 * a minute belongs to no write still running, and is removed by the next write in its
 * folder (a listing per write is nothing beside the upstream call that precedes it) and by
 * `recordings verify --fix`.
 */
import { lstatSync, readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";

const LEFTOVER = /^\..+\.tmp$/;
/** Longer than any one write takes, even of a very large stream on a slow disk. */
export const STALE_AFTER_MS = 60_000;

export function isLeftover(file: string): boolean {
  return LEFTOVER.test(basename(file));
}

/** True when `file` is an interrupted write's leftover, older than STALE_AFTER_MS. */
export function isStaleLeftover(file: string, now = Date.now()): boolean {
  if (!isLeftover(file)) return false;
  try {
    const stat = lstatSync(file);
    return stat.isFile() && now - stat.mtimeMs > STALE_AFTER_MS;
  } catch {
    return false;
  }
}

/** Removes the stale leftovers directly in `folder`; returns their paths. */
export function removeStaleLeftovers(folder: string, now = Date.now()): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const file = join(folder, name);
    if (!isStaleLeftover(file, now)) continue;
    rmSync(file, { force: true });
    removed.push(file);
  }
  return removed;
}
