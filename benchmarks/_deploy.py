"""deploy/start.sh run from Python: for benchmarks/scale.py and tests/deploy."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START = ROOT / "deploy" / "start.sh"


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """deploy/start.sh with N app processes on a free port; stopped with SIGTERM on exit."""

    def __init__(self, processes: int, port: int | None = None) -> None:
        self.processes = processes
        self.run_dir = Path()  # the script's own, from its banner
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[str] | None = None
        self.banner = ""

    def __enter__(self) -> Cluster:
        command = [str(START), "--processes", str(self.processes), "--port", str(self.port)]
        # A session of its own, so a stuck start can be ended as the group it started.
        self.proc = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True
        )
        assert self.proc.stdout is not None
        self.banner = self.proc.stdout.readline()  # printed once nginx listens
        if not self.banner.startswith("serving "):
            self.__exit__()
            raise RuntimeError(f"deploy/start.sh did not start: {self.banner!r}")
        self.run_dir = Path(self.banner.rstrip().rsplit("(run dir ", 1)[1].rstrip(")"))
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                shutil.rmtree(self.run_dir, ignore_errors=True)  # its trap did not run
        if self.proc.stdout:
            self.proc.stdout.close()

    def app_processes(self) -> list[int]:
        """Pids of the processes serving this cluster's sockets (read from /proc)."""
        found = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                words = cmdline.read_bytes().split(b"\0")
            except OSError:  # the process ended meanwhile
                continue
            if any(str(self.run_dir).encode() in word for word in words):
                found.append(int(cmdline.parent.name))
        return found

    def upstreams(self) -> list[str]:
        """The app socket that answered each request so far, from nginx's access log."""
        deadline = time.monotonic() + 2
        log = self.run_dir / "access.log"
        while not log.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return [line.split()[1] for line in log.read_text().splitlines() if line.strip()]
