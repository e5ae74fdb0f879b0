#!/usr/bin/env python3
"""Time from a terminal program's start to a marker on its screen, in a private tmux server.

`run.py` imports this module and drives each launch through `launch()`. As a script it
measures one command, which is how the markers of `run.py` were chosen:

    .venv/bin/python benchmarks/first_paint.py --marker 'captures? à trier' \\
        --trace benchmarks/out/trace.txt -- .venv/bin/prodtui --db benchmarks/out/work.db

How the clock works (benchmarks/README.md, "The harness"):

- Each launch gets its own tmux server (a private socket), status line off, and a pane
  of a fixed size whose shell waits on a FIFO: `read _ < FIFO; exec env -i … COMMAND`.
  Starting tmux and the session happens before the clock starts.
- The clock starts just before the FIFO is written; the shell then exec()s the command
  in a clean environment and a fresh HOME (the first-run path), so the pane's pid is the
  measured process and its peak memory (VmHWM) can be read from /proc.
- The screen is polled with `capture-pane -p` every 5 ms through one tmux client in
  control mode (`tmux -C`): a poll costs a pipe round trip, not a fork of tmux.
- Markers are regular expressions (multi-line mode), chosen so that they match only
  once the screen is completely drawn.

Only what this module started is stopped: its sessions by exact name, and the measured
process by pid if it outlives its session. Stdlib only; needs tmux.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

POLL_S = 0.005
WIDTH, HEIGHT = 120, 40
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class HarnessError(RuntimeError):
    """tmux did not answer as expected: the launch is lost, not the run."""


# -- tmux -----------------------------------------------------------------------------------


class Tmux:
    """A private tmux server (its own socket name) and one control-mode client to poll it."""

    def __init__(self) -> None:
        self.socket = f"fp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.base = ["tmux", "-u", "-L", self.socket, "-f", "/dev/null"]
        self.sessions: list[str] = []  # ours, killed by exact name
        self._control: subprocess.Popen[bytes] | None = None
        self._control_session = ""
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._attached = False
        self._socket_path = ""

    def run(self, *args: str, check: bool = True, timeout: float = 10.0) -> str:
        """One tmux command in its own process (before the control client exists)."""
        done = subprocess.run(
            [*self.base, *args],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            env=_tmux_env(),
            check=False,
        )
        if check and done.returncode != 0:
            raise HarnessError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def start(self) -> None:
        """Start the server with an idle session, then attach the control client to it."""
        self._control_session = f"fpctl-{uuid.uuid4().hex[:10]}"
        self.run("new-session", "-d", "-s", self._control_session, "-x", "80", "-y", "24",
                 "sleep 86400")  # fmt: skip
        self.sessions.append(self._control_session)
        self._socket_path = self.run("display-message", "-p", "#{socket_path}").strip()
        self.run("set-option", "-g", "status", "off")
        self.run("set-option", "-s", "escape-time", "0")  # keys reach the app at once
        self.run("set-option", "-gw", "remain-on-exit", "on")  # a crash leaves its screen
        self._control = subprocess.Popen(
            [*self.base, "-C", "attach-session", "-t", f"={self._control_session}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_tmux_env(),
            bufsize=0,
        )
        threading.Thread(target=self._read_lines, daemon=True).start()
        self._synchronise()

    def _synchronise(self) -> None:
        """Drain what attaching printed, so that each later reply pairs with its command.

        The attach command's own reply may come before or after the reply to our first
        command, and is followed by a %session-changed notification: wait for both."""
        tag = f"SYNC-{uuid.uuid4().hex[:8]}"
        self._send(f"display-message -p {tag}")
        deadline = time.monotonic() + 10
        synced_at: float | None = None
        while True:
            soft = deadline if synced_at is None else min(deadline, synced_at + 1.0)
            try:
                reply = self._reply(soft, syncing=True)
            except HarnessError:
                if synced_at is not None:
                    return  # a tmux that never sends %session-changed
                raise
            if tag in reply and synced_at is None:
                synced_at = time.monotonic()
            if synced_at is not None and self._attached:
                return

    def _read_lines(self) -> None:
        assert self._control is not None and self._control.stdout is not None
        stream = self._control.stdout
        pending = b""
        while chunk := os.read(stream.fileno(), 65536):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                self._lines.put(line.decode("utf-8", "replace"))
        self._lines.put(None)

    def _send(self, line: str) -> None:
        assert self._control is not None and self._control.stdin is not None
        self._control.stdin.write(line.encode() + b"\n")
        self._control.stdin.flush()

    def _reply(self, deadline: float, *, syncing: bool = False) -> str:
        """The next %begin … %end block; notifications between blocks are skipped."""
        inside = False
        out: list[str] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HarnessError("no reply from the tmux control client")
            try:
                line = self._lines.get(timeout=remaining)
            except queue.Empty:
                raise HarnessError("no reply from the tmux control client") from None
            if line is None:
                raise HarnessError("the tmux control client exited")
            if not inside:
                if line.startswith("%begin"):
                    inside, out = True, []
                elif line.startswith("%session-changed"):
                    self._attached = True
                    if syncing:
                        return ""
                continue
            if line.startswith("%error"):
                raise HarnessError("tmux: " + "\n".join(out))
            if line.startswith("%end"):
                return "\n".join(out)
            out.append(line)

    def command(self, *args: str, timeout: float = 10.0) -> str:
        """One tmux command through the control client."""
        self._send(" ".join(shlex.quote(arg) for arg in args))
        return self._reply(time.monotonic() + timeout)

    def new_session(self, name: str, width: int, height: int, shell: str) -> None:
        self.run("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
                 "sh -c " + shlex.quote(shell))  # fmt: skip
        self.sessions.append(name)

    def capture(self, session: str, *, history: bool = False) -> str:
        scroll = ["-S", "-"] if history else []
        return self.command("capture-pane", "-p", "-J", *scroll, "-t", f"={session}:")

    def send_keys(self, session: str, keys: Sequence[str], *, literal: bool = False) -> None:
        flags = ["-l"] if literal else []
        self.command("send-keys", "-t", f"={session}:", *flags, *keys)

    def pane(self, session: str) -> tuple[int, bool, str]:
        """The pane's pid, whether its process is dead, and its size (`120x40`)."""
        info = "#{pane_pid} #{pane_dead} #{pane_width}x#{pane_height}"
        pid, dead, size = self.command("display-message", "-p", "-t", f"={session}:", info).split()
        return int(pid), dead == "1", size

    def kill_session(self, session: str) -> None:
        if session in self.sessions:
            self.sessions.remove(session)
            self.run("kill-session", "-t", f"={session}", check=False, timeout=5)

    def close(self) -> None:
        for session in [s for s in self.sessions if s != self._control_session]:
            self.kill_session(session)
        if self._control is not None:
            with contextlib.suppress(OSError):
                self._control.stdin.close()  # type: ignore[union-attr]
            try:
                self._control.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._control.kill()
            self._control = None
        self.kill_session(self._control_session)
        # The server exits with its last session; its socket file is ours (unique name).
        if Path(self._socket_path).name == self.socket:
            time.sleep(0.05)
            if self.run("list-sessions", check=False) == "":  # no server answers any more
                Path(self._socket_path).unlink(missing_ok=True)


def _tmux_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("TMUX", None)  # never talk to an enclosing tmux
    env.setdefault("LANG", "C.UTF-8")
    return env


# -- the measured process -------------------------------------------------------------------


def status_kb(pid: int, name: str) -> int | None:
    """A `kB` line of /proc/PID/status (VmHWM, VmRSS), or None once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _stat_fields(pid: int) -> list[str]:
    data = Path(f"/proc/{pid}/stat").read_text()
    return data[data.rindex(")") + 2 :].split()  # the name in brackets may hold spaces


def cpu_ms(pid: int) -> float | None:
    """User and system time of the whole process so far (clock-tick resolution)."""
    try:
        fields = _stat_fields(pid)
        return (int(fields[11]) + int(fields[12])) * 1000 / CLOCK_TICKS
    except (OSError, ValueError, IndexError):
        return None


def alive(pid: int) -> bool:
    try:
        return _stat_fields(pid)[0] != "Z"
    except (OSError, IndexError):
        return False


def stop(pid: int) -> None:
    """Make sure the measured process is gone (tmux sent it SIGHUP with its session)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        deadline = time.monotonic() + 1.0
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        if alive(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, sig)


def clean_env(home: str, command: Sequence[str], extra: Mapping[str, str]) -> dict[str, str]:
    """The whole environment of the measured command: nothing leaks from the caller's."""
    tmp = os.path.join(home, "tmp")
    os.makedirs(tmp, exist_ok=True)
    path = ["/usr/local/bin", "/usr/bin", "/bin"]
    if os.path.isabs(command[0]):
        path.insert(0, os.path.dirname(command[0]))
    user = os.environ.get("USER", "root")
    env = {
        "TERM": "xterm-256color",
        "HOME": home,
        "PATH": ":".join(path),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "USER": user,
        "LOGNAME": os.environ.get("LOGNAME", user),
        "SHELL": "/bin/sh",
        "TMPDIR": tmp,  # the app's temporary files go with the HOME
        "XDG_CONFIG_HOME": os.path.join(home, ".config"),
        "XDG_DATA_HOME": os.path.join(home, ".local", "share"),
        "XDG_CACHE_HOME": os.path.join(home, ".cache"),
        "XDG_STATE_HOME": os.path.join(home, ".local", "state"),
    }
    env.update(extra)
    return env


# -- waiting for a marker -------------------------------------------------------------------


@dataclass
class Seen:
    elapsed: float | None  # seconds from the start to the marker; None: not seen
    screen: str
    polls: int = 0


def wait_for(
    tmux: Tmux,
    session: str,
    marker: str,
    start: float,
    timeout: float,
    *,
    absent: bool = False,
    milestones: dict[str, float | None] | None = None,
    on_marker: Callable[[], None] | None = None,
    trace: Callable[[float, str], None] | None = None,
) -> Seen:
    """Poll the screen every POLL_S until `marker` matches (or stops matching: `absent`).

    `milestones` maps other markers to the time they were first seen; polling goes on
    after the marker until all of them were, or the timeout. `trace` gets every screen
    that differs from the one before, with its time in ms."""
    pattern = re.compile(marker, re.M)
    pending = dict.fromkeys(milestones or {}, True)
    found: Seen | None = None
    last = ""
    polls = 0
    next_poll = time.perf_counter()
    while True:
        screen = tmux.capture(session)
        now = time.perf_counter()
        polls += 1
        if trace is not None and screen != last:
            trace((now - start) * 1000, screen)
            last = screen
        if found is None and (pattern.search(screen) is None) == absent:
            found = Seen(now - start, screen)
            if on_marker is not None:
                on_marker()
        for milestone in [m for m in pending if re.search(m, screen, re.M)]:
            assert milestones is not None
            milestones[milestone] = now - start
            del pending[milestone]
        if found is not None and not pending:
            found.polls = polls
            return found
        if now - start > timeout:
            return found or Seen(None, screen, polls)
        if found is None and polls % 40 == 0 and _dead(tmux, session):
            # The program ended: look once more (its last frame may hold the marker).
            time.sleep(0.05)
            screen = tmux.capture(session)
            if (pattern.search(screen) is None) == absent:
                return Seen(time.perf_counter() - start, screen, polls)
            return Seen(None, screen, polls)
        next_poll += POLL_S
        delay = next_poll - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        else:
            next_poll = time.perf_counter()


def _dead(tmux: Tmux, session: str) -> bool:
    try:
        return tmux.pane(session)[1]
    except HarnessError:  # a slow answer is not a death: polling goes on
        return False


# -- one launch -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """Keys sent once the screen is drawn, timed until `marker` is on screen.

    An `absent` step waits for its marker to go instead, untimed: the keys that undo the
    step before it (`Escape` closing the palette), so that the next step can be a return.
    """

    name: str
    keys: tuple[str, ...]
    marker: str
    literal: bool = False  # send-keys -l: the keys are text, not key names
    absent: bool = False
    pause: float = 0.0  # seconds of idle time before the keys, as a person would leave


@dataclass(frozen=True)
class Launch:
    command: tuple[str, ...]
    marker: str  # first paint
    milestones: tuple[str, ...] = ()
    steps: tuple[Step, ...] = ()
    hold: float = 0.0  # seconds left to run after the last step, before memory is read
    width: int = WIDTH
    height: int = HEIGHT
    timeout: float = 30.0  # per marker
    env: Mapping[str, str] = field(default_factory=dict)  # on top of the clean environment
    trace: Path | None = None  # every distinct screen before first paint is appended here


@dataclass
class Result:
    paint_ms: float | None = None
    milestones_ms: dict[str, float | None] = field(default_factory=dict)
    rss_at_paint_kb: int | None = None
    cpu_at_paint_ms: float | None = None
    steps: list[tuple[str, float]] = field(default_factory=list)  # timed steps done, in order
    hwm_kb: int | None = None  # peak memory (VmHWM), read just before the process is stopped
    polls: int = 0
    error: str = ""
    warnings: list[str] = field(default_factory=list)
    screen: str = ""  # at the marker, or when something went wrong

    def step_ms(self, name: str) -> list[float]:
        return [ms for step, ms in self.steps if step == name]


def launch(spec: Launch) -> Result:
    """Start the command behind its gate, time its first paint, then each step."""
    tmux = Tmux()
    home = tempfile.mkdtemp(prefix="fp-home-")
    gate_dir = tempfile.mkdtemp(prefix="fp-gate-")
    session = f"fp-{uuid.uuid4().hex[:8]}"
    pid: int | None = None
    result = Result()
    try:
        tmux.start()
        fifo = os.path.join(gate_dir, "gate")
        os.mkfifo(fifo)
        env = clean_env(home, spec.command, spec.env)
        assignments = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
        line = " ".join(shlex.quote(part) for part in spec.command)
        released = f"cd {shlex.quote(home)} && exec env -i {assignments} {line}"
        gate = f"read _ < {shlex.quote(fifo)}; {released}"
        tmux.new_session(session, spec.width, spec.height, gate)
        pid, _, size = tmux.pane(session)
        if size != f"{spec.width}x{spec.height}":
            tmux.run("resize-window", "-t", f"={session}:", "-x", str(spec.width),
                     "-y", str(spec.height), check=False)  # fmt: skip
        _first_paint(tmux, session, pid, spec, result, _open_gate(fifo))
        if result.paint_ms is not None:
            _steps(tmux, session, spec, result)
            time.sleep(spec.hold)
            result.hwm_kb = status_kb(pid, "VmHWM")
    except HarnessError as error:
        result.error = str(error)
    finally:
        with contextlib.suppress(Exception):
            tmux.kill_session(session)
        if pid is not None:
            stop(pid)
        with contextlib.suppress(Exception):
            tmux.close()
        shutil.rmtree(home, ignore_errors=True)
        shutil.rmtree(gate_dir, ignore_errors=True)
    return result


def _open_gate(fifo: str) -> int:
    """The FIFO opened for writing, once the pane's shell is reading it."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # no reader yet
            if time.monotonic() > deadline:
                raise HarnessError("the gate shell never opened its FIFO") from None
            time.sleep(0.002)


def _first_paint(
    tmux: Tmux, session: str, pid: int, spec: Launch, result: Result, gate: int
) -> None:
    def on_marker() -> None:
        result.rss_at_paint_kb = status_kb(pid, "VmRSS")
        result.cpu_at_paint_ms = cpu_ms(pid)

    milestones: dict[str, float | None] = dict.fromkeys(spec.milestones)
    with _tracer(spec.trace) as trace:
        start = time.perf_counter()
        os.write(gate, b"go\n")
        os.close(gate)
        seen = wait_for(tmux, session, spec.marker, start, spec.timeout, milestones=milestones,
                        on_marker=on_marker, trace=trace)  # fmt: skip
    result.polls = seen.polls
    result.milestones_ms = {m: None if s is None else s * 1000 for m, s in milestones.items()}
    result.warnings += [f"milestone {m!r} not seen" for m, s in milestones.items() if s is None]
    result.screen = seen.screen
    if seen.elapsed is None:
        dead = tmux.pane(session)[1]
        result.error = "the program ended before the marker" if dead else "marker not seen"
        if dead:  # tmux scrolls a dead pane's last screen into its history
            history = tmux.capture(session, history=True)
            result.screen = "\n".join(line for line in history.splitlines() if line.strip())
        return
    result.paint_ms = seen.elapsed * 1000


def _steps(tmux: Tmux, session: str, spec: Launch, result: Result) -> None:
    for n, step in enumerate(spec.steps):
        time.sleep(step.pause)
        label = step.name or f"step {n + 1}"
        if not step.absent and re.search(step.marker, tmux.capture(session), re.M):
            result.warnings.append(f"{label}: marker already on screen before the keys")
        sent = time.perf_counter()
        tmux.send_keys(session, step.keys, literal=step.literal)
        seen = wait_for(tmux, session, step.marker, sent, spec.timeout, absent=step.absent)
        if seen.elapsed is None:
            if step.absent:
                result.warnings.append(f"{label}: marker still on screen after the keys")
            else:
                dead = tmux.pane(session)[1]
                result.error = f"{label}: " + ("the program ended" if dead else "marker not seen")
                result.screen = seen.screen
            return
        if not step.absent:
            result.steps.append((step.name, seen.elapsed * 1000))
            result.screen = seen.screen


@contextlib.contextmanager
def _tracer(path: Path | None) -> Iterator[Callable[[float, str], None] | None]:
    if path is None:
        yield None
        return
    with path.open("a", encoding="utf-8") as out:
        yield lambda ms, screen: _write_trace(out, ms, screen)


def _write_trace(out: IO[str], ms: float, screen: str) -> None:
    out.write(f"===== t={ms:.1f} ms =====\n{screen.rstrip()}\n")
    out.flush()


# -- as a script ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        usage="%(prog)s [options] --marker REGEX [--keys KEYS --after REGEX] -- COMMAND …",
    )
    parser.add_argument("--marker", required=True, help="regex: first paint")
    parser.add_argument("--milestone", action="append", default=[], help="regex timed too")
    parser.add_argument("--keys", help="tmux key names sent after first paint, shell-split")
    parser.add_argument("--literal", action="store_true", help="send --keys as text")
    parser.add_argument("--after", help="regex ending the clock of --keys")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds before --keys")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hold", type=float, default=0.0, help="seconds before reading memory")
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--width", type=int, default=WIDTH)
    parser.add_argument("--height", type=int, default=HEIGHT)
    parser.add_argument("--env", action="append", default=[], metavar="K=V")
    parser.add_argument("--trace", type=Path, help="append every distinct screen to this file")
    parser.add_argument("--dump-screen", action="store_true", help="print the screen at the end")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    # The command runs in a fresh HOME: a path that exists here is made absolute.
    command = [str(Path(part).absolute()) if Path(part).exists() else part for part in command]
    if not command:
        parser.error("the command goes after --")
    if (args.keys is None) != (args.after is None):
        parser.error("--keys and --after go together")
    if shutil.which("tmux") is None:
        print("tmux not found (apt-get install -y tmux)", file=sys.stderr)
        return 2
    steps: tuple[Step, ...] = ()
    if args.keys is not None:
        keys = tuple(shlex.split(args.keys))
        steps = (Step("keys", keys, args.after, literal=args.literal, pause=args.pause),)
    spec = Launch(
        tuple(command),
        args.marker,
        milestones=tuple(args.milestone),
        steps=steps,
        hold=args.hold,
        width=args.width,
        height=args.height,
        timeout=args.timeout,
        env=dict(kv.split("=", 1) for kv in args.env),
        trace=args.trace,
    )
    results = []
    for run in range(1, args.runs + 1):
        result = launch(spec)
        results.append(result)
        print(f"run {run}: {_describe(result)}", flush=True)
        for warning in result.warnings:
            print(f"  warning: {warning}")
        if args.dump_screen or result.error:
            print(result.screen.rstrip())
    paints = [r.paint_ms for r in results if r.paint_ms is not None]
    keyed = [ms for r in results for ms in r.step_ms("keys")]
    if paints:
        line = f"median first paint {statistics.median(paints):.1f} ms"
        if keyed:
            line += f", keys {statistics.median(keyed):.1f} ms"
        print(line)
    return 0 if len(paints) == len(results) and not any(r.error for r in results) else 1


def _describe(result: Result) -> str:
    if result.paint_ms is None:
        return f"error: {result.error}"
    parts = [f"first paint {result.paint_ms:.1f} ms"]
    parts += [f"keys {ms:.1f} ms" for ms in result.step_ms("keys")]
    for milestone, ms in result.milestones_ms.items():
        parts.append(f"[{milestone}] " + ("n/a" if ms is None else f"{ms:.1f} ms"))
    if result.hwm_kb:
        parts.append(f"peak {result.hwm_kb / 1024:.1f} MB")
    if result.error:
        parts.append(f"error: {result.error}")
    return ", ".join(parts)


if __name__ == "__main__":
    sys.exit(main())
