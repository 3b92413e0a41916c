"""`import optjob_sdk` against `import boto3`, each in fresh interpreters, in one run.

    python benchmarks/import_time.py [--runs 15]

Prints the median wall time of each import (fresh process each time, so nothing is cached
in memory) and their ratio. Also times `from optjob_sdk import OptimizationJobClient, to_dict`
followed by building a client, which is what an application pays on first use.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

SNIPPETS = {
    "python (baseline)": "pass",
    "import optjob_sdk": "import optjob_sdk",
    "import boto3": "import boto3",
    "models + converter": "from optjob_sdk import CreateOptimizationJobRequest, to_dict",
}


def measure(code: str) -> float:
    script = f"import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    samples: dict[str, list[float]] = {name: [] for name in SNIPPETS}
    for _ in range(args.runs):  # interleaved, so machine noise hits every snippet alike
        for name, code in SNIPPETS.items():
            samples[name].append(measure(code))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    for name, value in medians.items():
        print(f"{name:22s} {value * 1000:8.2f} ms (median of {args.runs})")
    ratio = medians["import optjob_sdk"] / medians["import boto3"]
    print(f"import optjob_sdk / import boto3 = {ratio:.3f}")


if __name__ == "__main__":
    main()
