"""A stack in another language that knows nothing of the recorder.

It serves POST /ask {"question", "stream"} and GET /models by calling an
OpenAI-compatible provider at PROVIDER_BASE_URL with PROVIDER_API_KEY, as any stack
configured with a provider base URL would. Its only courtesy to the harness: it
forwards the X-Test-Id header of the request it serves, when there is one.
Standard library only. Prints "listening on http://127.0.0.1:PORT" once ready.
"""

import json
import os
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BASE_URL = os.environ["PROVIDER_BASE_URL"].rstrip("/")
API_KEY = os.environ["PROVIDER_API_KEY"]


def call_provider(method, path, body, test_id):
    headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json"}
    if test_id:
        headers["X-Test-Id"] = test_id
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE_URL + path, data=data, headers=headers, method=method)
    try:
        return urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        return error


def read_stream(response):
    """Reads SSE as it arrives: one chat-completion chunk per data line."""
    deltas = []
    for raw in response:
        line = raw.decode().rstrip("\n")
        if not line.startswith("data: ") or line == "data: [DONE]":
            continue
        chunk = json.loads(line[len("data: "):])
        for choice in chunk.get("choices", []):
            content = choice.get("delta", {}).get("content")
            if content:
                deltas.append(content)
    return deltas


class Handler(BaseHTTPRequestHandler):
    def _answer(self, payload):
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        response = call_provider("GET", "/models", None, self.headers.get("X-Test-Id"))
        self._answer({"status": response.status, "body": json.loads(response.read())})

    def do_POST(self):
        ask = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        body = {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": ask["question"]}],
            "stream": ask.get("stream", False),
        }
        response = call_provider("POST", "/chat/completions", body, self.headers.get("X-Test-Id"))
        content_type = response.headers.get("Content-Type", "")
        if response.status != 200:
            self._answer({"status": response.status, "error": json.loads(response.read())})
        elif body["stream"]:
            deltas = read_stream(response)
            self._answer({"status": 200, "content_type": content_type, "deltas": deltas, "text": "".join(deltas)})
        else:
            completion = json.loads(response.read())
            text = completion["choices"][0]["message"]["content"]
            self._answer({"status": 200, "content_type": content_type, "id": completion["id"], "text": text})

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
