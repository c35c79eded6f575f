"""Baseline: the floor for a broadcast — eventlet, websocket, a bare loop of send() per client.

Speaks just enough Engine.IO v4 / Socket.IO v5 for bench/eio_client.py: the open packet, the
namespace connect, and `42["state", …]` broadcasts. A client emitting `fire` (with an ack) makes
the server send the given payload to every connected client; no database, no rooms, no JSON
encoding per client. Run: python bench/baseline_broadcaster.py PORT
"""
import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import sys  # noqa: E402

from eventlet import websocket, wsgi  # noqa: E402

clients: set = set()


@websocket.WebSocketWSGI
def handle(ws):  # noqa: D103
    ws.send('0{"sid":"x","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":100000000}')
    clients.add(ws)
    try:
        while True:
            msg = ws.wait()
            if msg is None:
                break
            if msg.startswith("40"):
                ws.send('40{"sid":"y"}')
            elif msg.startswith("42"):
                rest = msg[2:]
                ack_id, _, body = rest.partition("[")
                name, payload = json.loads("[" + body)
                if name == "fire":
                    frame = "42" + json.dumps(["state", payload], separators=(",", ":"), ensure_ascii=False)
                    for client in list(clients):
                        try:
                            client.send(frame)
                        except Exception:  # noqa: BLE001
                            clients.discard(client)
                ws.send(f"43{ack_id}[true]")
    finally:
        clients.discard(ws)


def app(environ, start_response):  # noqa: D103
    if environ["PATH_INFO"].startswith("/socket.io"):
        return handle(environ, start_response)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


if __name__ == "__main__":
    wsgi.server(eventlet.listen(("127.0.0.1", int(sys.argv[1]))), app, log_output=False, max_size=20000)
