/** Python's `repr()` lives with the recorder's other Python spellings; the stack's text uses the same. */
export { pythonFloatText, pythonRepr, type ReprOptions } from "../../recorder/index.ts";
