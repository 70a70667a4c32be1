"""Benchmark: how long the batch CLI takes to start (``--help``, ``users list``).

Times, as wall clock of fresh processes (median of ``--repeat`` runs each):

* the plain baseline ``python -c pass`` (the interpreter alone), in the same run;
* ``python -m segmentation --help``;
* ``python -m segmentation users list`` on a workspace with two users, once with no
  dataset loaded and once on the ``--workspace`` network (which also checks each
  user's branch / region against the data);

and lists the heavy libraries each command imported (``-X importtime``): none of
scikit-learn, SciPy, plotly, Streamlit or pandas should be among them.

    .venv/bin/python -m bench.bench_cli_start [--repeat 7] [--customers 20000]
        [--workspace DIR]

(from the repository root; the network is generated only for the last command).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._workspace import ROOT, add_common_args, bench_workspace
from segmentation.users import FAILURES_FILE, USERS_FILE

HEAVY = ("sklearn", "scipy", "plotly", "streamlit", "pandas", "sqlalchemy", "duckdb")


def wall(argv: list[str], repeat: int) -> float:
    """Median wall seconds of ``argv`` over ``repeat`` runs (it must succeed)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def heavy_imports(argv: list[str]) -> list[str]:
    """The :data:`HEAVY` libraries that ``python -X importtime <argv[1:]>`` imports."""
    proc = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], cwd=ROOT, check=True,
                          capture_output=True, text=True)
    names = {line.rsplit("|", 1)[1].strip().split(".")[0]
             for line in proc.stderr.splitlines() if line.startswith("import time:")}
    return sorted(names & set(HEAVY))


def add_users(folder: Path) -> None:
    """An HQ user and a branch manager whose branch is not in the data (refused when the
    workspace already has them: a reused workspace)."""
    for name, scope in (("wang", ["--role", "hq"]),
                        ("li", ["--role", "branch", "--branch", "no such branch",
                                "--allow-unknown"])):
        subprocess.run([sys.executable, "-m", "segmentation", "users", "--workspace",
                        str(folder), "add", name, *scope, "--no-password"],
                       cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser, customers=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    empty = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    add_users(empty)
    loaded = bench_workspace(args.workspace, args.customers, "bench-cli-ws-").folder
    # the users are added for the run and removed after it, so that the app still opens
    # without a sign-in on a workspace shared with the page benchmarks
    added = not (loaded / USERS_FILE).exists()
    if added:
        add_users(loaded)
    try:
        py = sys.executable
        commands = {
            "python -c pass (baseline)": [py, "-c", "pass"],
            "--help": [py, "-m", "segmentation", "--help"],
            "users list (no dataset)": [py, "-m", "segmentation", "users", "--workspace",
                                        str(empty), "list"],
            "users list (scopes checked)": [py, "-m", "segmentation", "users",
                                            "--workspace", str(loaded), "list"],
        }
        rows = [(label, wall(argv, args.repeat), heavy_imports(argv))
                for label, argv in commands.items()]
    finally:
        if added:
            for name in (USERS_FILE, FAILURES_FILE):
                (loaded / name).unlink(missing_ok=True)
    base = rows[0][1]
    print(f"\n{'command (median of ' + str(args.repeat) + ')':32}{'seconds':>9}"
          f"{'over baseline':>15}  heavy imports")
    for label, seconds, heavy in rows:
        print(f"{label:32}{seconds:>9.3f}{seconds - base:>14.3f}s  {', '.join(heavy) or '-'}")


if __name__ == "__main__":
    main()
