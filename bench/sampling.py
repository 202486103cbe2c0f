"""Where a server's CPU goes under load: py-spy samples the gunicorn tree while wrk runs, and
the samples are summed by library (self time) and by the app's own functions (inclusive).

Used by bench/yardstick_run.py --sample: py-spy runs beside the server (its own CPU is not the
server's), so the measured figures stay those of the run, a little slower.
"""

import re
import shutil
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")
APP_PACKAGES = ("survey_app", "kiosk", "forms", "analytics")


@contextmanager
def sampled(pid: int, output: Path, rate: int = 200):
    """py-spy record of the process tree of pid while the block runs (raw, folded stacks)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise SystemExit("--sample needs py-spy: .venv/bin/pip install py-spy")
    command = [spy, "record", "--pid", str(pid), "--subprocesses", "--format", "raw"]
    command += ["--rate", str(rate), "--gil", "--full-filenames", "--nonblocking"]
    output.parent.mkdir(parents=True, exist_ok=True)
    command += ["--output", str(output)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        process.send_signal(2)  # SIGINT: py-spy writes what it sampled and stops
        process.wait(timeout=60)


def read_stacks(path: Path) -> list[tuple[list[tuple[str, str]], int]]:
    stacks = []
    for line in path.read_text().splitlines():
        folded, _, count = line.rpartition(" ")
        frames = []
        for frame in folded.split(";"):
            match = FRAME.match(frame.strip())
            if match:
                frames.append((match["function"], match["file"]))
        if frames and count.isdigit():
            stacks.append((frames, int(count)))
    return stacks


def library(file: str) -> str:
    """The top-level package a file belongs to: site-packages/<name>/..., or the app's own."""
    parts = Path(file).parts
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1 :]
        return rest[0].removesuffix(".py") if rest else file
    for package in APP_PACKAGES:
        if package in parts:
            return package
    return "python" if "/lib/python" in file else Path(file).name


def summary(path: Path, top: int = 30) -> str:
    stacks = read_stacks(path)
    total = sum(count for _, count in stacks) or 1
    by_library: Counter = Counter()
    inclusive: Counter = Counter()
    for frames, count in stacks:
        by_library[library(frames[-1][1])] += count
        seen = set()
        for function, file in frames:
            if library(file) in APP_PACKAGES and (function, file) not in seen:
                seen.add((function, file))
                inclusive[f"{function} ({Path(file).name})"] += count
    lines = [f"{total} samples; self time by library:"]
    lines += [f"  {name:28} {100 * n / total:5.1f} %" for name, n in by_library.most_common(top)]
    lines.append("the app's functions, inclusive:")
    lines += [f"  {name:60} {100 * n / total:5.1f} %" for name, n in inclusive.most_common(top)]
    return "\n".join(lines)
