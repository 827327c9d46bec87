/** `previous_response_id` and `store`. */
import { expect, test } from "@playwright/test";
import { NotFoundError } from "openai";
import { MODEL, startTestStack } from "./helpers.ts";

test("previous_response_id rebuilds the conversation, turn after turn", async () => {
  const { client, stack, calls } = startTestStack();
  try {
    const first = await client.responses.create({
      model: MODEL,
      input: "Hi, I am Ada.",
      instructions: "Be friendly.",
    });
    const second = await client.responses.create({
      model: MODEL,
      previous_response_id: first.id,
      input: "Who am I?",
    });
    const third = await client.responses.create({
      model: MODEL,
      previous_response_id: second.id,
      input: "How long is my name?",
      instructions: "Be precise.",
    });
    expect([first.output_text, second.output_text, third.output_text]).toEqual([
      "Nice to meet you, Ada.",
      "You are Ada.",
      "Your name has three letters.",
    ]);
    expect(third.previous_response_id).toBe(second.id);
    // Instructions belong to one request; they are not carried into the next (as with OpenAI).
    expect(calls[1]?.body.messages).toEqual([
      { role: "user", content: "Hi, I am Ada." },
      { role: "assistant", content: "Nice to meet you, Ada." },
      { role: "user", content: "Who am I?" },
    ]);
    expect(calls[2]?.body.messages).toEqual([
      { role: "system", content: "Be precise." },
      { role: "user", content: "Hi, I am Ada." },
      { role: "assistant", content: "Nice to meet you, Ada." },
      { role: "user", content: "Who am I?" },
      { role: "assistant", content: "You are Ada." },
      { role: "user", content: "How long is my name?" },
    ]);
    // Each response lists only the input it was given.
    const items = await client.responses.inputItems.list(third.id);
    expect(items.data).toEqual([
      expect.objectContaining({
        role: "user",
        content: [{ type: "input_text", text: "How long is my name?" }],
      }),
    ]);
  } finally {
    stack.close();
  }
});

test("a store:false response cannot be retrieved or continued", async () => {
  const { client, stack, calls } = startTestStack();
  try {
    const response = await client.responses.create({ model: MODEL, input: "Forget this.", store: false });
    expect(response.output_text).toBe("Not kept.");
    expect((response as { store?: boolean }).store).toBe(false);

    await expect(client.responses.retrieve(response.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.responses.inputItems.list(response.id)).rejects.toBeInstanceOf(NotFoundError);
    const continued = await client.responses
      .create({ model: MODEL, input: "And now?", previous_response_id: response.id })
      .catch((caught: unknown) => caught);
    expect(continued).toBeInstanceOf(NotFoundError);
    expect((continued as NotFoundError).param).toBe("previous_response_id");
    const list = (await client.get("/responses")) as { data: unknown[] };
    expect(list.data).toEqual([]);
    expect(calls).toHaveLength(1);
  } finally {
    stack.close();
  }
});

test("an unknown previous_response_id is a 404 naming the parameter", async () => {
  const { client, stack, calls } = startTestStack();
  try {
    const error = await client.responses
      .create({ model: MODEL, input: "Hello again", previous_response_id: "resp_does_not_exist" })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    const notFound = error as NotFoundError;
    expect(notFound.status).toBe(404);
    expect(notFound.param).toBe("previous_response_id");
    expect(notFound.code).toBe("previous_response_not_found");
    expect(notFound.message).toContain("resp_does_not_exist");
    expect(calls).toEqual([]);
  } finally {
    stack.close();
  }
});
