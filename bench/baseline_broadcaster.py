"""The floor for a broadcast: eventlet, websocket, a bare loop of send() per client.

Speaks just enough Engine.IO v4 / Socket.IO v5 for the lean clients (bench/lean_client.py) and
bench/eio_client.py: the open packet, the namespace connect (answered with the current `state`,
like Minkao's public connect), ping `2` every interval, a `heartbeat` every 5 s, and
`42["state", …]` broadcasts. A client emitting `fire` (with an ack) bumps the frame's seq and
sends it to every connected client, encoded once; no database, no rooms, no per-client work.

    python bench/baseline_broadcaster.py PORT [--frame state.json] [--ping-interval 5]
"""
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from eventlet import websocket, wsgi  # noqa: E402

clients: set = set()
frame: dict = {"seq": 1}
encoded = ['42["state",{"seq":1}]']


def _send_all(text: str) -> None:
    for client in list(clients):
        try:
            client.send(text)
        except Exception:  # noqa: BLE001
            clients.discard(client)


def _ticker(every: float, make) -> None:  # noqa: ANN001
    while True:
        eventlet.sleep(every)
        _send_all(make())


@websocket.WebSocketWSGI
def handle(ws):  # noqa: D103, ANN001
    ws.send(f'0{{"sid":"x","upgrades":[],"pingInterval":{OPTS.ping_interval * 1000},'
            f'"pingTimeout":{OPTS.ping_timeout * 1000},"maxPayload":100000000}}')
    try:
        while True:
            msg = ws.wait()
            if msg is None:
                break
            if msg.startswith("40"):
                ws.send('40{"sid":"y"}')
                ws.send(encoded[0])
                clients.add(ws)
            elif msg.startswith("42"):
                ack_id, _, body = msg[2:].partition("[")
                name = json.loads("[" + body)[0]
                if name == "fire":
                    frame["seq"] += 1
                    encoded[0] = "42" + json.dumps(["state", frame], separators=(",", ":"), ensure_ascii=False)
                    _send_all(encoded[0])
                ws.send(f"43{ack_id}[true]")
    finally:
        clients.discard(ws)


def app(environ, start_response):  # noqa: D103, ANN001
    if environ["PATH_INFO"].startswith("/socket.io"):
        return handle(environ, start_response)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--frame", type=Path, default=None, help="the state payload (JSON) to send")
    parser.add_argument("--ping-interval", type=int, default=5)
    parser.add_argument("--ping-timeout", type=int, default=5)
    parser.add_argument("--meeting", type=int, default=1)
    parser.add_argument("--heartbeat", type=float, default=10, help="seconds between heartbeats")
    OPTS = parser.parse_args()
    if OPTS.frame:
        frame = json.loads(OPTS.frame.read_text())
        encoded[0] = "42" + json.dumps(["state", frame], separators=(",", ":"), ensure_ascii=False)
    beat = {"meeting": OPTS.meeting, "seq": 0, "server_time": "2026-01-01T00:00:00.000000+00:00"}
    eventlet.spawn(_ticker, OPTS.ping_interval, lambda: "2")
    eventlet.spawn(_ticker, OPTS.heartbeat, lambda: "42" + json.dumps(["heartbeat", {**beat, "seq": frame["seq"]}]))
    wsgi.server(eventlet.listen(("127.0.0.1", OPTS.port), backlog=4096), app, log_output=False,
                max_size=50000)
