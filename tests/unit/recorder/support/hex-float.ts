/** Python's float.hex() back to the exact number, for comparing against Python's outputs. */
export function fromPythonHex(hex: string): number {
  const match = /^(-)?0x([01])\.([0-9a-f]+)p([+-]\d+)$/.exec(hex);
  if (!match) throw new Error(`Not a Python float.hex() value: ${hex}`);
  const [, sign, lead, fraction = "", exponent] = match;
  const mantissa = BigInt(`0x${lead}${fraction}`);
  const value = Number(mantissa) * 2 ** (Number(exponent) - 4 * fraction.length);
  return sign ? -value : value;
}
