"""Real Ctrl-C for the run-contract tests: a child process runs a long call, the parent sends it
SIGINT once it is inside, and the child reports how the call stopped (it must raise BudgetExceeded
with reason "interrupted" and a valid partial result, which the child checks and prints)."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_TEMPLATE = """
import sys
sys.path[:0] = [{root!r}, {tests!r}]
import numpy as np
import tropgeom as tg
{setup}
print("started", flush=True)
try:
    result = {call}
    print("finished", flush=True)
except tg.BudgetExceeded as e:
    partial = e.partial
    print("stopped", e.reason, bool({check}), flush=True)
"""


def interrupt(setup: str, call: str, check: str = "True", wait: float = 0.4, timeout: float = 30.0):
    """Runs ``call`` in a child after ``setup``; SIGINT ``wait`` seconds after it starts.  Returns the
    child's last output line split into words and the seconds from the signal to the child's exit."""
    code = _TEMPLATE.format(root=str(ROOT), tests=str(ROOT / "tests"), setup=textwrap.dedent(setup), call=call,
                            check=check)
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "started", (line, child.stderr.read())
        time.sleep(wait)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=timeout)
        latency = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    lines = out.strip().splitlines()
    assert lines, err
    return lines[-1].split(), latency
