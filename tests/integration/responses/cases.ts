/**
 * The Responses suite's cases, ported from Llama Stack's
 * tests/integration/responses/fixtures/test_cases.py: data first, so a case is added
 * without touching a spec (and with its scripted turns, in scripted/<spec>.json).
 */
import type { FunctionTool } from "openai/resources/responses/responses";

export interface BasicCase {
  id: string;
  input: string;
  /** Lower-case text the answer must contain. */
  expected: string;
}

export const basicCases: BasicCase[] = [
  { id: "earth", input: "Which planet do humans live on?", expected: "earth" },
  {
    id: "saturn",
    input: "Which planet has rings around it with a name starting with letter S?",
    expected: "saturn",
  },
];

export interface MultiTurnCase {
  id: string;
  turns: Array<{ input: string; expected: string }>;
}

export const multiTurnCases: MultiTurnCase[] = [
  {
    id: "earth",
    turns: [
      { input: "Which planet do humans live on?", expected: "earth" },
      { input: "What is the name of the planet from your previous response?", expected: "earth" },
    ],
  },
];

export const getWeatherTool: FunctionTool = {
  type: "function",
  name: "get_weather",
  description: "Get current temperature for a given location.",
  parameters: {
    additionalProperties: false,
    properties: { location: { description: "City and country e.g. Bogotá, Colombia", type: "string" } },
    required: ["location"],
    type: "object",
  },
  strict: null,
};

export interface ToolCase {
  id: string;
  input: string;
  tools: FunctionTool[];
  /** The function the model is expected to call. */
  expected: string;
}

export const customToolCases: ToolCase[] = [
  {
    id: "sf_weather",
    input: "What's the weather like in San Francisco?",
    tools: [getWeatherTool],
    expected: "get_weather",
  },
];
