/**
 * Python's float semantics, as far as Llama Stack's hashes and files depend on them.
 *
 * JSON.parse turns `0.0` into the integer 0, but Python keeps it a float and prints
 * `0.0`, which changes the request hash. A recording file that spells a number as a
 * float with an integral value (`0.0`, `1e3`) therefore parses into a `PyFloat`, a
 * boxed number that the Python-compatible printers spell back as a float. Everywhere
 * else it behaves like a number (JSON.stringify and arithmetic see its value).
 */
export class PyFloat extends Number {}

/** True for numbers Python would hold as `float`: non-integral ones, and boxed `PyFloat`s. */
export function isPythonFloat(value: unknown): value is number | PyFloat {
  if (value instanceof PyFloat) return true;
  return typeof value === "number" && !Number.isInteger(value);
}

/** Python's `repr(float)`: shortest round-trip digits, fixed notation for exponents in [-4, 16). */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa = "", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const expSign = exponent < 0 ? "-" : "+";
    return `${sign}${digits[0]}${fraction}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
  const fracPart = digits.slice(exponent + 1) || "0";
  return `${sign}${intPart}.${fracPart}`;
}

/**
 * `f"{x:.5f}"`: correctly rounded on the exact binary value, ties to even. `toFixed`
 * is exact too but sends ties away from zero; a tie at the fifth decimal needs x·64
 * to be an odd integer, so only those values are moved to their even neighbour.
 */
export function formatFixed5(value: number): string {
  if (!Number.isFinite(value)) return pythonFloatRepr(value).toLowerCase().replace("infinity", "inf");
  if (Math.abs(value) >= 1e21) return `${BigInt(value)}.00000`;
  if (Object.is(value, -0)) return "-0.00000";
  const text = value.toFixed(5);
  const scaled = value * 64;
  const isTie = Number.isInteger(scaled) && Math.abs(scaled) % 2 === 1;
  const lastDigit = Number(text.at(-1));
  // The away-from-zero neighbour ends in an odd digit, so the even one is a plain decrement.
  return isTie && lastDigit % 2 === 1 ? `${text.slice(0, -1)}${lastDigit - 1}` : text;
}

/** Python's `round(x, 5)` for floats. */
export function roundPython5(value: number): number {
  if (!Number.isFinite(value) || Math.abs(value) >= 1e16) return value;
  return Number(formatFixed5(value));
}
