"""Run code in a learner's kernel on the hub, through the proxy, as the learner's notebook would."""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass

import websocket
from hub_support import Hub


@dataclass
class Run:
    """What a cell printed, and its error (the exception's name and message), if any."""

    stdout: str
    stderr: str
    error: str | None


def _message(code: str, session: str) -> dict[str, object]:
    """An execute_request for `code`, as Jupyter's websocket protocol frames it."""
    header = {"msg_id": uuid.uuid4().hex, "username": "test", "session": session, "msg_type": "execute_request", "version": "5.3", "date": ""}
    content = {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}


def execute(hub: Hub, user: str, code: str, timeout: float = 120) -> Run:
    """Start a kernel on `user`'s server, run `code` in it, shut the kernel down, and return what it printed."""
    kernel = hub.api_user(user, "POST", "/api/kernels", {"name": "python3"})
    hub.remember()
    ws_url = hub.url.replace("http://", "ws://") + f"/user/{user}/api/kernels/{kernel['id']}/channels"
    sock = websocket.create_connection(ws_url, header=[f"Authorization: token {hub.token}"], timeout=timeout)
    try:
        request = _message(code, uuid.uuid4().hex)
        sock.send(json.dumps(request))
        out, err, error = [], [], None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = json.loads(sock.recv())
            if reply.get("parent_header", {}).get("msg_id") != request["header"]["msg_id"]:  # type: ignore[index]
                continue
            kind, content = reply["msg_type"], reply["content"]
            if kind == "stream":
                (out if content["name"] == "stdout" else err).append(content["text"])
            elif kind == "error":
                error = f"{content['ename']}: {content['evalue']}"
            elif kind == "execute_reply":
                return Run("".join(out), "".join(err), error)
        raise TimeoutError(f"{user}'s kernel did not finish within {timeout:.0f} s")
    finally:
        sock.close()
        hub.request("DELETE", f"/user/{user}/api/kernels/{kernel['id']}")
