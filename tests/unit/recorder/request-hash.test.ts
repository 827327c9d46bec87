import { expect, test } from "@playwright/test";
import {
  httpCanonicalString,
  httpRequestHash,
  inferenceCanonicalString,
  inferenceRequestHash,
  toolCanonicalString,
  toolRequestHash,
} from "../../../recorder/hashing/request-hash.ts";
import { HASH_SCHEMES } from "../../../recorder/hashing/schemes.ts";
import { parsePreservingFloats } from "../../../recorder/json/parse-preserving-floats.ts";
import { formatFixed5, pythonFloatRepr, roundPython5 } from "../../../recorder/json/python-float.ts";
import { pythonJsonDumps } from "../../../recorder/json/python-json.ts";
import { hashVectors, pythonFloats, SEED_TEXT, seed } from "./support/fixtures.ts";
import { fromPythonHex } from "./support/hex-float.ts";

for (const scheme of HASH_SCHEMES) {
  test.describe(`request hashes match ${scheme === "ogx-0.8" ? "OGX 0.8's" : "Llama Stack 0.2's"} recorder`, () => {
    const vectors = hashVectors(scheme);
    test(`all ${vectors.length} vectors of ${scheme}`, () => {
      expect(vectors.length).toBe(scheme === "ogx-0.8" ? 19 : 13);
    });
    for (const vector of vectors) {
      test(`${scheme} vector: ${vector.name}`, () => {
        if (vector.kind === "http") {
          const identity = {
            url: vector.url ?? "",
            method: vector.method ?? "",
            payload: vector.payload,
            testId: vector.test_id ?? null,
          };
          expect(httpCanonicalString(identity)).toBe(vector.canonical);
          expect(httpRequestHash(identity)).toBe(vector.hash);
        } else if (vector.kind === "tool") {
          const identity = {
            provider: vector.provider ?? "",
            toolName: vector.tool_name ?? "",
            kwargs: vector.kwargs ?? {},
          };
          expect(toolCanonicalString(identity)).toBe(vector.canonical);
          expect(toolRequestHash(identity)).toBe(vector.hash);
        } else {
          const identity = {
            method: vector.method ?? "",
            url: vector.url ?? "",
            body: vector.body,
            testId: vector.test_id ?? null,
          };
          expect(inferenceCanonicalString(identity, scheme)).toBe(vector.canonical);
          expect(inferenceRequestHash(identity, scheme)).toBe(vector.hash);
        }
      });
    }
  });
}

test.describe("request hashes, more", () => {
  test("the seed recording hashes to the hash its response ids carry", () => {
    const recording = seed();
    const hash = inferenceRequestHash({
      method: recording.request.method,
      url: recording.request.url,
      body: recording.request.body,
      testId: recording.test_id,
    });
    expect(hash.startsWith("f2e35fd69fce")).toBe(true);
    for (const chunk of recording.response.body) expect(chunk.__data__.id).toBe(`rec-${hash.slice(0, 12)}`);
  });

  test("a float that rounds to an integer still hashes as a Python float", () => {
    const canonical = inferenceCanonicalString({
      method: "post",
      url: "http://x/v1/chat/completions",
      body: { a: 1e-7, b: 2, c: -0.000001 },
      testId: "t",
    });
    expect(canonical).toContain('"a": 0.0, "b": 2, "c": -0.0');
    expect(canonical).toContain('"method": "POST"');
  });

  test("integral floats in a file written by Python keep their float spelling", () => {
    const parsed = parsePreservingFloats(
      '{"temperature": 0.0, "n": 1, "x": 1e3, "s": "1.0", "y": 2.5, "l": [1.0,-2E2]}',
    );
    expect(pythonJsonDumps(parsed, { sortKeys: true })).toBe(
      '{"l": [1.0, -200.0], "n": 1, "s": "1.0", "temperature": 0.0, "x": 1000.0, "y": 2.5}',
    );
  });
});

test.describe("Python float semantics", () => {
  const values = pythonFloats();

  test(`repr(x) for ${values.length} values, Python's outputs`, () => {
    const wrong = values.filter((value) => pythonFloatRepr(fromPythonHex(value.hex)) !== value.repr);
    expect(wrong).toEqual([]);
  });

  test(`f"{x:.5f}", ties to even, for ${values.length} values`, () => {
    const wrong = values.filter((value) => formatFixed5(fromPythonHex(value.hex)) !== value.fixed5);
    expect(wrong).toEqual([]);
  });

  test(`round(x, 5) for ${values.length} values`, () => {
    const wrong = values.filter(
      (value) => pythonFloatRepr(roundPython5(fromPythonHex(value.hex))) !== value.round5,
    );
    expect(wrong).toEqual([]);
  });
});

test("json.dumps(indent=2) of the seed file reproduces Llama Stack's bytes", () => {
  // The copy we were given lost its final newline; every other byte must match.
  expect(pythonJsonDumps(parsePreservingFloats(SEED_TEXT), { indent: 2 })).toBe(SEED_TEXT.replace(/\n$/, ""));
});
