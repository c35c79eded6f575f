"""The audience benchmark still runs end to end at a tiny size (nothing about its timings is asserted).

Covers Minkao, the floor and the lean load clients (without uvloop if it is not installed); the
Node.js socket.io baseline joins only when `bench/node/node_modules` exists (its `npm install`
needs the npm registry, which CI may not reach).
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_audience  # noqa: E402
from audience_servers import Floor, node_ready  # noqa: E402
from lean_client import LeanFleet  # noqa: E402

VIEWERS = 12


@pytest.fixture(scope="module")
def small_run() -> dict:
    """One repetition at 12 viewers over two client processes, shared by the tests below."""
    servers = ["minkao", "floor"] + (["node"] if node_ready() else [])
    opts = bench_audience.parse(["--sizes", str(VIEWERS), "--repeat", "1", "--reveals", "1",
                                 "--idle-seconds", "0.2", "--per-process", "6", "--jurors", "3",
                                 "--timeout", "60", "--servers", *servers])
    return asyncio.run(bench_audience.run(opts))


def test_every_viewer_of_every_server_connects_and_receives_the_broadcast(small_run):
    assert {c["server"] for c in small_run["cases"]} >= {"minkao", "floor"}
    for case in small_run["cases"]:
        assert case["connected"] == VIEWERS and case["failed"] == 0, case
        assert case["missing"] == 0 and case["lost"] == 0 and case["refused"] == 0, case
        assert case["reveals"] and all(r["last"] is not None for r in case["reveals"]), case


def test_minkao_also_measures_the_jurors_burst_and_the_baselines_get_its_frame(small_run):
    minkao = next(c for c in small_run["cases"] if c["server"] == "minkao")
    assert "burst_p99" in minkao
    floor = next(c for c in small_run["cases"] if c["server"] == "floor")
    assert floor["msg_bytes"] > 500, "the floor must send the captured Minkao state, not a stub"


def test_the_markdown_table_has_a_row_per_metric_with_the_ratios(small_run):
    table = bench_audience.markdown(small_run["summary"], [VIEWERS])
    assert table.splitlines()[0].startswith("| N | metric | minkao |")
    assert f"| {VIEWERS} | broadcast → viewers p99 |" in table
    assert f"| {VIEWERS} | 30 ballots → projector p99 |" in table
    json.dumps(small_run)  # the raw figures are what the harness writes to bench/out


def test_a_lean_client_process_reports_its_own_cost_per_message(tmp_path):
    async def scenario() -> dict:
        frame = tmp_path / "frame.json"
        frame.write_text(json.dumps({"seq": 1, "padding": "x" * 1000}))
        floor = Floor(frame, (5, 5), 1)
        await floor.start()
        fleet = LeanFleet(floor.url, 5, per_process=5)
        try:
            await fleet.start()
            firsts, failed = await fleet.connect(timeout=30)
            await fleet.arm()
            await floor.trigger()
            times, missing = await fleet.collect(timeout=30)
            stats = await fleet.stats()
        finally:
            await fleet.close()
            await floor.stop()
        return {"firsts": len(firsts), "failed": failed, "times": len(times), "missing": missing, **stats}

    out = asyncio.run(scenario())
    assert (out["firsts"], out["failed"], out["times"], out["missing"]) == (5, 0, 5, 0)
    assert out["messages"] >= 10 and out["bytes"] > 10_000 and out["cpu"] > 0


def test_the_lean_client_answers_a_command_line_session_on_stdin(tmp_path):
    async def scenario() -> bytes:
        frame = tmp_path / "frame.json"
        frame.write_text(json.dumps({"seq": 1}))
        floor = Floor(frame, (5, 5), 1)
        await floor.start()
        try:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "bench" / "lean_client.py"), "--url", floor.url, "--count", "3",
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
            out, _ = await asyncio.wait_for(proc.communicate(b'{"cmd": "connect"}\n{"cmd": "close"}\n'), 60)
        finally:
            await floor.stop()
        return out

    lines = [json.loads(line) for line in asyncio.run(scenario()).splitlines()]
    assert [line["ev"] for line in lines] == ["connected", "closed"] and lines[0]["ok"] == 3
