"""The independent-oracle fuzzer, from the command line.

    python fuzz/oracle/run.py --inputs 50000 --workers 2 --seed 1
    nice python fuzz/oracle/run.py --workers 1 --seconds 900 --seed 7 --report /tmp/oracle.json

Generates random well-typed expressions with their own NumPy semantics, derives each with
matdiff_magic in every layout, compares evaluate() and the exported module with central differences
of the oracle's semantics, one case per worker process with a time limit. Prints the counts by
outcome and by failure kind, shrinks one case of every distinct failure to a minimal reproducer and
writes them all to a JSON report. Exits 1 when anything failed.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from fuzz.oracle import expr as E  # noqa: E402
from fuzz.oracle.generate import case_for  # noqa: E402
from fuzz.oracle.pool import Pool  # noqa: E402
from fuzz.oracle.shrink import shrink  # noqa: E402
from fuzz.oracle.worker import FAILURE_KINDS  # noqa: E402


def reproducer(case: E.Case, result: dict | None, signature: str) -> dict:
    out = case.to_json()
    if result is not None:
        out["values"] = result["notes"].get("values")
        out["package_check"] = result["notes"].get("check")
        out["failure"] = next((f for f in result["failures"] if f["signature"] == signature), None)
    return out


class Tally:
    def __init__(self):
        self.outcomes = collections.Counter()
        self.kinds = collections.Counter()  # inputs with at least one failure of the kind
        self.signatures: dict[str, dict] = {}  # signature -> {kind, count, first, case, result}
        self.refusals = collections.Counter()
        self.oracle_errors: list = []
        self.inputs = 0

    def add(self, index: int, case: E.Case, result: dict) -> None:
        self.inputs += 1
        self.outcomes[result["outcome"] if result["outcome"] != "failed" else "failed"] += 1
        if result["outcome"] == "refused":
            self.refusals[result["notes"].get("refusal", "?")] += 1
        if result["outcome"] == "oracle_error":
            self.oracle_errors.append({"index": index, "source": case.source(), **result["notes"]})
        for kind in {f["kind"] for f in result["failures"]}:
            self.kinds[kind] += 1
        for sig, kind in {f["signature"]: f["kind"] for f in result["failures"]}.items():
            entry = self.signatures.setdefault(
                sig, {"kind": kind, "count": 0, "first": index, "case": case, "result": result}
            )
            entry["count"] += 1
            if case.tree.size() < entry["case"].tree.size():
                entry.update(case=case, result=result)

    def summary(self) -> str:
        lines = [f"{self.inputs} inputs"]
        lines.append("outcomes: " + ", ".join(f"{k} {v}" for k, v in self.outcomes.most_common()))
        lines.append(
            "failure kinds (inputs): "
            + (", ".join(f"{k} {self.kinds[k]}" for k in FAILURE_KINDS if self.kinds[k]) or "none")
        )
        return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inputs", type=int, default=50_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0, help="index of the first input")
    ap.add_argument("--seconds", type=float, default=None, help="stop taking inputs after this long")
    ap.add_argument("--timeout", type=float, default=10.0, help="time limit per input")
    ap.add_argument("--mode", choices=("gradient", "jacobian", "hessian"), default=None)
    ap.add_argument("--nice", type=int, default=0, help="niceness of the worker processes")
    ap.add_argument("--shrink-seconds", type=float, default=60.0, help="per distinct failure")
    ap.add_argument("--max-shrink", type=int, default=40, help="distinct failures to shrink")
    ap.add_argument("--report", default=os.path.join(ROOT, "fuzz", "oracle", "report.json"))
    args = ap.parse_args(argv)

    tally = Tally()
    t0 = time.monotonic()
    deadline = t0 + args.seconds if args.seconds else None
    options = {"mode": args.mode} if args.mode else {}
    jobs = ((i, case_for(args.seed, i, **options)) for i in range(args.start, args.start + args.inputs))
    last = t0
    with Pool(args.workers, args.timeout, args.nice) as pool:
        for index, case, result in pool.run(jobs, deadline):
            tally.add(index, case, result)
            if time.monotonic() - last > 60:
                last = time.monotonic()
                print(f"[{last - t0:6.0f} s] " + tally.summary().replace("\n", "; "), flush=True)
        run_seconds = time.monotonic() - t0
        print(tally.summary())
        signatures = sorted(
            tally.signatures.items(), key=lambda kv: (FAILURE_KINDS.index(kv[1]["kind"]), -kv[1]["count"])
        )
        report_sigs = []
        for n, (sig, entry) in enumerate(signatures):
            case, result = entry["case"], entry["result"]
            small, small_result, runs = case, result, 0
            if n < args.max_shrink and entry["kind"] != "timeout":
                small, small_result, runs = shrink(case, sig, pool, args.shrink_seconds)
                small_result = small_result or result
            report_sigs.append(
                {
                    "kind": entry["kind"],
                    "signature": sig,
                    "inputs": entry["count"],
                    "first_index": entry["first"],
                    "shrink_runs": runs,
                    "reproducer": reproducer(small, small_result, sig),
                    "original": reproducer(case, result, sig),
                }
            )
    command = ["python", "fuzz/oracle/run.py", *(argv if argv is not None else sys.argv[1:])]
    report = {
        "command": " ".join(command),
        "seed": args.seed,
        "inputs": tally.inputs,
        "seconds": round(run_seconds, 1),
        "outcomes": dict(tally.outcomes),
        "failure_kinds": {k: tally.kinds[k] for k in FAILURE_KINDS},
        "signatures": report_sigs,
        "refusals": dict(tally.refusals.most_common(30)),
        "oracle_errors": tally.oracle_errors[:20],
    }
    with open(args.report, "w") as fh:
        json.dump(report, fh, indent=1, default=str)
    print(f"\n{len(report_sigs)} distinct failures; minimal reproducers in {args.report}")
    for s in report_sigs:
        r = s["reproducer"]
        print(f"\n[{s['kind']}] {s['signature']}  ({s['inputs']} inputs)")
        print(f"  wrt={r['wrt']} layout={r['layout']} order={r['order']} sizes={r['sizes']}")
        print("  " + r["source"].replace("\n", "\n  "))
    return 1 if any(tally.kinds.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
