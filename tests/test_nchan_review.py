"""Review of the Nchan tier: a big state, a node that lost its states, and how the app recovers."""
from __future__ import annotations

import http.client
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from meeting.realtime import nchan as sender
from tests.liveserver import free_port
from tests.nchan_server import SCRIPT, NchanServer, WebSocketSubscriber, publish, running_nchan


@pytest.fixture(scope="module")
def nchan():
    with running_nchan(f"http://127.0.0.1:{free_port()}") as server:
        yield server


def test_a_state_bigger_than_nginxs_default_body_limit_is_accepted_by_the_publisher(nchan: NchanServer) -> None:
    # nginx refuses bodies over 1 MB (413) unless told otherwise: the publisher would resend such a
    # state before every heartbeat and the pages would resync on every beat, never getting it.
    body = json.dumps({"event": "state", "data": {"seq": 1, "pad": "x" * 1_500_000}})
    assert publish(nchan, "m301", body) in (201, 202)
    ws = WebSocketSubscriber(nchan.subscribe_url(301, "ws"))
    try:
        assert json.loads(ws.next())["data"]["seq"] == 1
    finally:
        ws.close()


def envelope_seq(text: str) -> int:
    return json.loads(text)["data"]["seq"]


def test_a_state_lost_by_a_restarted_node_is_published_again_at_the_next_heartbeat(tmp_path) -> None:
    # A memory-mode node forgets its states when it restarts: without the sender noticing, a new
    # screen gets only heartbeats with a newer seq than it has, resyncs on each and stays blank.
    node = NchanServer(f"http://127.0.0.1:{free_port()}", directory=tmp_path / "node").start()
    try:
        publisher = sender.NchanPublisher(node.publish_url, 2.0, spawn=lambda fn: fn(),
                                         probe=sender.http_holds_message)
        publisher.publish_state(401, '{"seq":3,"meeting":{"id":401}}', 3)
        node.stop()
        node.start()
        publisher.publish_heartbeat(401, {"meeting": 401, "seq": 3, "server_time": "t"})
        ws = WebSocketSubscriber(node.subscribe_url(401, "ws"))
        try:
            assert envelope_seq(ws.next()) == 3
        finally:
            ws.close()
    finally:
        node.stop()


DEBIAN_NGINX = Path("/etc/nginx/nginx.conf")


def test_the_conf_d_part_of_the_rendered_configuration_loads_into_debians_nginx_conf(nchan: NchanServer, tmp_path) -> None:
    # docs/DEPLOY.md's systemd route: Debian's own nginx.conf, the rendered lines from the marker
    # to the end of http { } as conf.d/minkao.conf. Debian's file is copied (its paths moved into
    # tmp_path) so `nginx -t` runs as this user; a site that maps $connection_upgrade too is
    # common, so one is added.
    assert DEBIAN_NGINX.exists(), "Debian's nginx package provides /etc/nginx/nginx.conf"
    etc = tmp_path / "etc"
    shutil.copytree("/etc/nginx", etc, ignore=shutil.ignore_patterns("sites-enabled", "modules-enabled"))
    (etc / "modules-enabled").mkdir()
    (etc / "modules-enabled" / "50-mod-nchan.conf").write_text(
        "load_module /usr/lib/nginx/modules/ngx_nchan_module.so;\n")
    (etc / "sites-enabled").mkdir()
    (etc / "sites-enabled" / "other").write_text(
        "map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n")
    main = DEBIAN_NGINX.read_text().replace("/etc/nginx", str(etc)).replace("/run/nginx.pid", str(tmp_path / "pid"))
    main = main.replace("/var/log/nginx", str(tmp_path)).replace("user www-data;", "")
    (etc / "nginx.conf").write_text(main)
    rendered = (nchan.directory / "nginx.conf").read_text()
    marker = "# ---- conf.d from here"
    assert marker in rendered
    part = rendered[rendered.index(marker):rendered.rindex("}")]
    (etc / "conf.d" / "minkao.conf").write_text(part)
    result = subprocess.run(["/usr/sbin/nginx", "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                             "-c", str(etc / "nginx.conf")], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def _start_node(tmp_path: Path, *extra: str) -> tuple[Path, int]:
    directory, publish_port = tmp_path / "node", free_port()
    subprocess.run([str(SCRIPT), "start", "--dir", str(directory), "--port", str(free_port()),
                    "--publish-port", str(publish_port), "--app", f"http://127.0.0.1:{free_port()}", *extra],
                   check=True, capture_output=True, text=True, timeout=30)
    return directory, publish_port


def test_the_publisher_on_a_private_address_takes_posts_only_from_the_allowed_hosts(tmp_path) -> None:
    # DEPLOY.md's multi-host set-up: app hosts elsewhere POST to a node's private address, which
    # --publish-allow opens to them alone. Loopback addresses stand in: the node on 127.0.0.2, an
    # "app host" posting from 127.0.0.3.
    body = json.dumps({"event": "state", "data": {"seq": 1}})
    for allow, expected in (((), 403), (("--publish-allow", "127.0.0.3/32"), 202)):
        directory, port = _start_node(tmp_path, "--publish-host", "127.0.0.2", *allow)
        try:
            conn = http.client.HTTPConnection("127.0.0.2", port, timeout=5, source_address=("127.0.0.3", 0))
            conn.request("POST", "/pub/m501", body=body, headers={"Content-Type": "application/json"})
            assert conn.getresponse().status == expected
            conn.close()
        finally:
            subprocess.run([str(SCRIPT), "stop", "--dir", str(directory)], check=True, capture_output=True, timeout=30)
