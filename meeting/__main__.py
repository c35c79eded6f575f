"""`python -m meeting serve|demo`: the production entry point.

The green-thread library is patched here and nowhere else, before anything else is imported,
so another async mode (threading, gevent) stays a setting: SOCKETIO_ASYNC_MODE.
"""
import os
import warnings

ASYNC_MODE = os.environ.setdefault("SOCKETIO_ASYNC_MODE", "eventlet")
if ASYNC_MODE == "eventlet":
    # Known and accepted (docs/DEPLOY notes): eventlet is in bugfix-only mode; don't alarm the hall.
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
elif ASYNC_MODE == "gevent":
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import gc  # noqa: E402
import resource  # noqa: E402
import secrets  # noqa: E402
import sys  # noqa: E402

# eventlet.wsgi stalls the 1,025th connection by default; a hall plus branch venues needs more.
MAX_CONNECTIONS = int(os.environ.get("MINKAO_MAX_CONNECTIONS", "20000"))


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, MAX_CONNECTIONS + 1024) if hard != resource.RLIM_INFINITY else MAX_CONNECTIONS + 1024
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


# A reconnect storm (every screen at once, after a restart) overflows eventlet's default listen
# backlog of 50: the kernel drops the SYNs and the screens wait on TCP's retry schedule (1 s,
# 3 s, 7 s, …) or are reset; issue #13 measured 5,000 screens taking 116 s. The kernel caps it
# at net.core.somaxconn (4096 on Debian).
LISTEN_BACKLOG = int(os.environ.get("MINKAO_LISTEN_BACKLOG", "4096"))

# Young-generation threshold while serving (the default is 700). Every connection holds many
# tracked objects (green thread, Engine.IO and Socket.IO sessions, queues, buffers), and
# the interpreter collects each time allocations exceed deallocations by the threshold; each
# tenth young collection scans the middle generation and, when the survivors grew by a quarter,
# the oldest, i.e. every object of every connection. At 10,000 connections that full pass walks
# millions of objects and stops the process, every green thread with it (issue #13 reports
# about a second at 10,000 connections), during a connect storm. A higher threshold makes collections rarer; freezing what start-up
# built (modules, the app, SQLAlchemy's mappers) keeps them out of every pass.
GC_YOUNG_THRESHOLD = int(os.environ.get("MINKAO_GC_YOUNG_THRESHOLD", "50000"))  # env: for measuring


def tune_gc(enabled: bool) -> None:
    """Collect once, freeze the survivors (gc.freeze), raise the young threshold; no-op if disabled."""
    if not enabled:
        return
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def watch_gc(path: str) -> None:
    """Append one line per garbage collection to `path`: generation, pause in ms, objects collected,
    and the process's CPU ms during it (a wall pause far above it was the OS running others).

    A diagnostic (MINKAO_GC_LOG): every green thread stops while the collector runs, so its
    pauses at 10,000 connections are what a screen sees as a stall. Empty path: nothing.
    """
    if not path:
        return
    import time

    out = open(path, "a", buffering=1, encoding="utf-8")
    started = [0.0, 0.0]

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            started[:] = time.perf_counter(), time.process_time()
        else:
            pause_ms = (time.perf_counter() - started[0]) * 1000
            cpu_ms = (time.process_time() - started[1]) * 1000
            out.write(f"{info['generation']} {pause_ms:.3f} {info['collected']} {cpu_ms:.3f}\n")

    gc.callbacks.append(record)


def serve(app, host: str, port: int) -> None:
    """Serve HTTP and Socket.IO until interrupted."""
    from meeting.commands.chain import startup_check
    from meeting.extensions import socketio
    from meeting.realtime import heartbeat
    from meeting.services.followup import timer as cases_timer

    _raise_fd_limit()
    startup_check(app)  # a meeting whose event log does not verify is stopped, with an alarm
    heartbeat.start(app, float(os.environ.get("MINKAO_HEARTBEAT_SECONDS", "5")))
    cases_timer.start(app)  # the overdue check while the server runs (CASES_TICK_SECONDS, 0 = off)
    tune_gc(bool(app.config.get("GC_FREEZE", 1)))  # last of start-up: what exists now is frozen
    watch_gc(os.environ.get("MINKAO_GC_LOG", ""))
    print(f"Minkao listening on http://{host}:{port}/  (async mode: {ASYNC_MODE})", flush=True)
    if ASYNC_MODE == "eventlet":
        _serve_eventlet(app, host, port)
        return
    kwargs = {}
    if ASYNC_MODE == "threading":
        kwargs["allow_unsafe_werkzeug"] = True
    socketio.run(app, host=host, port=port, use_reloader=False, log_output=False, **kwargs)


def _serve_eventlet(app, host: str, port: int) -> None:
    """What socketio.run does under eventlet, with a listen backlog for a reconnect storm."""
    import eventlet.green.socket
    import eventlet.wsgi

    family, _, _, _, address = eventlet.green.socket.getaddrinfo(host, port)[0]
    listener = eventlet.listen(address, family, backlog=LISTEN_BACKLOG)
    eventlet.wsgi.server(listener, app, log_output=False, max_size=MAX_CONNECTIONS)


def prepare_demo(app, scale: float | None, seed: int) -> tuple[dict[str, str], dict]:
    """Migrate, load the roster and a ready meeting if the database has none, set demo accounts.

    Raises ScaleMismatch (nothing changed) when `scale` is given and the database already
    holds a roster of another size.
    """
    from meeting.commands.db import ensure_user
    from meeting.migrate import upgrade

    upgrade(app.config["DATABASE_URL"])
    credentials: dict[str, str] = {}
    with app.app_context():
        from meeting.demo.model import targets
        from meeting.demo.prepare import DEFAULT_SCALE, cadre_count, prepare_demo_data

        from meeting.extensions import db
        from meeting.demo.sample_meeting import bind_demo_moderator, ensure_demo_meeting
        from meeting.demo.cases import ensure_demo_cases

        existing = cadre_count()
        if not existing:
            t = targets(DEFAULT_SCALE if scale is None else scale)
            print(f"Generating the demo roster: {t.cadres:,} cadres, {t.households:,} households ...",
                  flush=True)
        prepare_demo_data(scale=scale, seed=seed)
        if existing:
            print(f"Keeping the roster already in the database: {existing:,} cadres.", flush=True)
        meeting = ensure_demo_meeting(db.session)
        cases = ensure_demo_cases(db.session)  # one overdue, one reopened, one closed (first run only)
        if cases:
            print("Demo cases: " + ", ".join(f"{code} ({role})" for role, code in cases.items()), flush=True)
        for username, role in (("admin", "admin"), ("moderator", "moderator")):
            password = os.environ.get(f"MINKAO_DEMO_{role.upper()}_PASSWORD") or secrets.token_urlsafe(9)
            ensure_user(username, password, role)
            credentials[username] = password
        bind_demo_moderator(db.session, meeting["meeting_id"], "moderator")
    return credentials, meeting


def scale_refusal(database_url: str, scale: float, existing: int, wanted: int) -> str:
    """What to tell the person who asked for another roster size on an existing demo database."""
    import sqlalchemy as sa

    url = sa.engine.make_url(database_url)
    command = os.environ.get("MINKAO_DEMO_COMMAND", "python -m meeting demo")
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        fresh = f"remove {os.path.abspath(url.database)} and run the same command again"
        other = f"DATABASE_URL=sqlite:///{os.path.abspath('minkao-small.db')}"
    else:
        fresh = "empty that database (or point DATABASE_URL at an empty one) and run again"
        other = "DATABASE_URL=<an empty database>"
    return (f"--scale {scale:g} refused: the demo database already holds a roster of {existing:,} cadres "
            f"and --scale {scale:g} means {wanted:,}.\n"
            "Nothing was changed: a roster is generated only into an empty database. Either\n"
            "  - run without --scale to keep the existing roster, or\n"
            f"  - for a fresh demo database, {fresh}, or\n"
            f"  - keep this one and use another database: {other} {command} --scale {scale:g}\n")


def print_demo(base: str, credentials: dict[str, str], meeting: dict) -> None:
    """Tell the person at the laptop where everything is."""
    mid = meeting["meeting_id"]
    print("Demo ready. Log in at " + base + "/login with:", flush=True)
    for user, password in credentials.items():
        print(f"  {user} / {password}")
    print(f"Meeting set-up:      {base}/admin/meetings/{mid}/")
    print(f"Moderator console:   {base}/console/{mid}")
    print(f"Projector (hall):    {base}/m/{mid}/projector")
    print(f"Viewer (public):     {base}/m/{mid}/viewer")
    print(f"Broadcast overlay:   {base}/m/{mid}/overlay")
    print(f"Pre-meeting notice:  {base}/m/{mid}/notice")
    print(f"Household simulator: {base}/sim/{mid}   (telephony is simulated in the demo)")
    print(f"Cases (督办事项):     {base}/cases   (admin)")
    print(f"Overdue cases:       {base}/admin/cases/overdue")
    for seat, token in enumerate(meeting["tokens"], start=1):
        print(f"Juror {seat} tablet:      {base}/j/{token}")
    print("", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(prog="python -m meeting", description="Minkao 民考 server")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("serve", "demo"):
        p = sub.add_parser(name)
        p.add_argument("--host", default=os.environ.get("MINKAO_HOST", "127.0.0.1"))
        p.add_argument("--port", type=int, default=int(os.environ.get("MINKAO_PORT", "5000")))
        if name == "demo":
            p.add_argument("--scale", type=float, default=None,
                           help="roster size for a new demo database; 1.0 = Yishui (default)")
            p.add_argument("--seed", type=int, default=2013, help="roster seed for a new demo database")
            p.add_argument("--no-serve", action="store_true", help="prepare the demo and exit")
    args = parser.parse_args(argv)
    # Juror links and the viewer QR must point where this server listens, unless configured.
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://{shown_host}:{args.port}")

    from meeting import create_app

    app = create_app()
    if args.command == "demo":
        from meeting.demo.prepare import ScaleMismatch

        try:
            creds, meeting = prepare_demo(app, args.scale, args.seed)
        except ScaleMismatch as refused:
            sys.stderr.write(scale_refusal(app.config["DATABASE_URL"], refused.scale, refused.existing,
                                           refused.wanted))
            return 2
        print_demo(app.config["PUBLIC_BASE_URL"].rstrip("/"), creds, meeting)
        if args.no_serve:
            return 0
    print(f"Stop the server with Ctrl-C here, or from elsewhere: kill {os.getpid()}  (SIGTERM)", flush=True)
    serve(app, args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
