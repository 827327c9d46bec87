/**
 * Every path the recorder reads or writes stays inside its recordings folder. A test id
 * picks the suite folder, and a recordings folder may hold symbolic links someone
 * planted: neither may lead the recorder to read or write anywhere else.
 */
import { closeSync, constants, openSync, readFileSync, realpathSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";

/** True when `path` is `root` or lies below it (both absolute, or both relative to one folder). */
export function isInside(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest === "" || (rest !== ".." && !rest.startsWith(`..${sep}`) && !isAbsolute(rest));
}

/** The folder's real path, or undefined when it does not exist. */
export function realFolder(folder: string): string | undefined {
  try {
    return realpathSync.native(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** A file the recorder refuses to read: a link out of its folder. */
export class EscapingLinkError extends Error {
  constructor(
    readonly file: string,
    readonly target: string,
    readonly root: string,
  ) {
    super(
      `is a symbolic link to ${target}, outside the recordings folder ${root}: the recorder does not ` +
        "follow links out of it. Replace the link by the recording itself, or delete it.",
    );
    this.name = "EscapingLinkError";
  }
}

// O_NOFOLLOW refuses a link as the last path component in the same open() that reads a
// regular file: the common case pays nothing for the check.
const NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * A file's text, or undefined when it does not exist. A symbolic link is followed only
 * when its target lies inside `root` (whose real path is `realRoot`).
 */
export function readInside(file: string, realRoot: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, NO_FOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code !== "ELOOP" && code !== "EMLINK") throw error;
    const target = linkTarget(file);
    if (target === undefined || !isInside(realRoot, target)) {
      throw new EscapingLinkError(file, target ?? "a file that does not exist", realRoot);
    }
    return readFileSync(target, "utf8");
  }
  try {
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** Where a link finally points, or undefined when that does not exist. */
export function linkTarget(file: string): string | undefined {
  try {
    return realpathSync.native(file);
  } catch {
    return undefined;
  }
}
