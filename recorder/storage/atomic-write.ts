/**
 * Writes through a temporary file and a rename, so readers see the whole old file or the
 * whole new one. The temporary, `.<name>.<pid>.<random>.tmp`, is what leftovers.ts
 * recognizes when a process dies between the two steps.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export function writeFileAtomically(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    // "wx": a link planted under the temporary's name is never followed.
    writeFileSync(temporary, text, { flag: "wx" });
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
