/**
 * A chat-completions provider that answers "You asked: <question>", as JSON or as a
 * stream; a question holding "fail" gets OpenAI's 401, echoing the key it was sent (as
 * OpenAI does), so a test can check the key stays out of the recordings.
 */
import { chatCompletion, textChunks } from "../../recorder/support/upstream-data.ts";
import { chatStream, json, type Route } from "../../recorder/support/upstream-server.ts";

export const echoChat: Route = async (request, body, response) => {
  const { messages, stream } = JSON.parse(body) as { messages: Array<{ content: string }>; stream?: boolean };
  const question = messages.at(-1)?.content ?? "";
  if (question.includes("fail")) {
    const key = String(request.headers.authorization).replace(/^Bearer /, "");
    const error = {
      error: { message: `Incorrect API key provided: ${key}.`, type: "invalid_request_error" },
    };
    return json(401, error)(request, body, response);
  }
  const answer = `You asked: ${question}`;
  const route = stream ? chatStream(textChunks(answer)) : json(200, chatCompletion(answer));
  return route(request, body, response);
};
