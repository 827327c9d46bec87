/**
 * ajv, loaded on the first validation rather than on import: loading and compiling the
 * schemas takes ~0.1 s, which a process that validates nothing (a Playwright worker whose
 * one test misses, the CLI's help) need not pay. ajv is CommonJS, so `require` loads it
 * synchronously, where validation needs it.
 */
import { createRequire } from "node:module";

type AjvModule = typeof import("ajv");

let loaded: AjvModule | undefined;

export function ajvModule(): AjvModule {
  loaded ??= createRequire(import.meta.url)("ajv") as AjvModule;
  return loaded;
}
