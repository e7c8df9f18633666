"""One case against the package's public API, classified.

``run_case`` derives (with the package's own check), evaluates the derivative in every layout at
the oracle's point, compares value and shape with the oracle, then runs the exported module
(``to_python()``, the package's output) and compares what it returns. It runs inside a worker
process (``pool``), which enforces the time limit; the cell text is never executed, only the
generated module is.

The result is a dict: ``outcome`` (ok, refused, no_valid_point, undecided, symmetric_convention,
or failed) and ``failures``, a list of dicts with ``kind`` (foreign_exception, wrong_value,
wrong_shape, evaluate_refused, export_failed, export_wrong, check_false_alarm,
export_check_false_alarm; timeout and worker_crashed come from ``pool``), ``stage``,
``signature`` (for grouping), ``detail``.
"""

from __future__ import annotations

import re
import time
import traceback
from typing import Any

import numpy as np

from fuzz.oracle import oracle as O
from fuzz.oracle.exported import run_exports, shape_pattern
from fuzz.oracle.expr import Case

LAYOUTS = ("numerator", "denominator", "mixed")
FAILURE_KINDS = (
    "foreign_exception",
    "wrong_value",
    "wrong_shape",
    "timeout",
    "evaluate_refused",
    "export_failed",
    "export_wrong",
    "check_false_alarm",
    "export_check_false_alarm",
    "worker_crashed",
)
ASSERTED_KINDS = ("foreign_exception", "wrong_value", "wrong_shape", "timeout")


def normalise(message: str) -> str:
    """A message with the parts that change between inputs (numbers, quoted names) blanked."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    first = re.sub(r"'[^']*'", "'…'", first)
    first = re.sub(r"\d+(\.\d+)?(e[-+]?\d+)?", "N", first)
    return first[:140]


def where(exc: BaseException) -> str:
    """The innermost frame of the package (or of the exported module) the exception came from."""
    frames = traceback.extract_tb(exc.__traceback__)
    for fr in reversed(frames):
        if "matdiff_magic" in fr.filename or fr.filename == "<export>":
            path = fr.filename.split("matdiff_magic/")[-1]
            return f"{path}:{fr.lineno} in {fr.name}"
    return frames[-1].name if frames else "?"


def _jsonable(x):
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (np.floating, float)):
        return float(x)
    if isinstance(x, (tuple, list)):
        return [_jsonable(y) for y in x]
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    return x


class Run:
    def __init__(self, case: Case):
        self.case = case
        self.failures: list[dict] = []
        self.notes: dict = {}

    def fail(self, kind: str, stage: str, signature: str, **detail) -> None:
        self.failures.append(
            {
                "kind": kind,
                "stage": stage,
                "signature": f"{kind} | {signature}",
                "detail": {k: _jsonable(v) for k, v in detail.items()},
            }
        )

    def raised(self, kind: str, stage: str, head: str, exc: BaseException) -> None:
        """A failure of ``kind`` for the exception ``exc``: signature ``head`` + its type and message."""
        self.fail(
            kind,
            stage,
            f"{head}{type(exc).__name__}: {normalise(str(exc))}",
            type=type(exc).__name__,
            message=str(exc)[:500],
            at=where(exc),
        )

    def foreign(self, stage: str, exc: BaseException) -> None:
        family = stage.split(" (")[0].split("(")[0]  # evaluate in any layout is one place
        self.raised("foreign_exception", stage, f"{family}: ", exc)

    def attempt(
        self, stage: str, refused_kind: str, refused: str, call, /, *args, **kwargs
    ) -> tuple[bool, Any]:
        """(True, call(*args, **kwargs)), or (False, None) with the failure recorded: the package's
        MatdiffError as ``refused_kind`` (signature ``refused: <its message>``), anything else as foreign."""
        from matdiff_magic import MatdiffError

        try:
            return True, call(*args, **kwargs)
        except MatdiffError as e:
            self.fail(refused_kind, stage, f"{refused}: {normalise(str(e))}", message=str(e)[:500])
        except Exception as e:
            self.foreign(stage, e)
        return False, None

    def dedupe(self) -> None:
        """One failure per signature (the first), with the stages it was seen in."""
        seen: dict = {}
        for f in self.failures:
            if f["signature"] in seen:
                seen[f["signature"]].setdefault("also_in", []).append(f["stage"])
            else:
                seen[f["signature"]] = f
        self.failures = list(seen.values())


def run_case(case: Case) -> dict:
    t0 = time.perf_counter()
    run = Run(case)
    outcome = _run(case, run)
    run.dedupe()
    return {
        "outcome": outcome if not run.failures else "failed",
        "benign": outcome,
        "failures": run.failures,
        "notes": run.notes,
        "seconds": time.perf_counter() - t0,
    }


def _run(case: Case, run: Run) -> str:
    from matdiff_magic import MatdiffError, derive

    source = case.source()
    kind = O.derivative_kind(case)
    point, next_attempt, skipped = O.find_point(case)
    if point is not None:
        run.notes["values"] = {n: _jsonable(O.user_value(a, case.variables[n])) for n, a in point.env.items()}
    # -- derive, with the package's own numeric check
    try:
        d = derive(source, wrt=case.wrt, layout=case.layout, order=case.order, check=True)
    except MatdiffError as e:
        run.notes["refusal"] = normalise(str(e))
        return "refused"
    except Exception as e:
        run.foreign("derive", e)
        return "failed"
    status = getattr(getattr(d, "check_result", None), "status", None)
    run.notes["check"] = status
    if point is None:
        # no point to compare at: f undefined (on purpose or by overflow), only points where the
        # chain rule meets 0/0 or ∞, or differences too imprecise (1e300 + x)
        why = "imprecise" if skipped["imprecise"] else "kink" if skipped["kink"] else "undefined"
        run.notes["no_point"] = skipped
        _export(case, run, d, None, kind, {case.layout: d})
        for f in run.failures:
            f["signature"] += {
                "undefined": " (where f is undefined)",
                "kink": " (at kinks only)",
                "imprecise": " (where differences cannot decide)",
            }[why]
        if status == "failed" and why == "imprecise":
            run.fail("check_false_alarm", "check", "the check FAILED where central differences cannot decide")
        return "no_valid_point" if why == "undefined" else "undecided"

    # -- evaluate in every layout, derived anew and by with_layout
    values = {n: O.user_value(a, case.variables[n]) for n, a in point.env.items()}
    verdicts, derived = {}, {case.layout: d}
    for layout in LAYOUTS:
        ok, dl = (
            (True, d)
            if layout == case.layout
            else run.attempt(
                f"derive(layout={layout})",
                "evaluate_refused",
                f"derive refused in {layout} layout but not in {case.layout}",
                derive,
                source,
                wrt=case.wrt,
                layout=layout,
                order=case.order,
                check=False,
            )
        )
        if not ok:
            continue
        derived[layout] = dl
        refused = "evaluate refused a point where f is defined"
        stage = f"evaluate (with_layout, {layout})"
        ok, relaid = run.attempt(stage, "evaluate_refused", refused, d.with_layout, layout)
        if ok:
            derived[f"{layout} (with_layout)"] = relaid
        for how, dd in (("derive", dl), ("with_layout", relaid)):
            if dd is None:
                continue
            ok, got = run.attempt(
                f"evaluate ({how}, {layout})", "evaluate_refused", refused, dd.evaluate, **values
            )
            if ok:
                verdicts[(how, layout)] = got
    _judge(case, run, point, verdicts, kind, next_attempt)
    # -- the value of f itself (not through sign: sigmoid(-40) is 0 or 4e-18 depending on how
    # it is computed, and sign tells them apart)
    exact = not any(n.op == "fn" and n.attr == "sign" for n in case.tree.walk())
    run.notes["compare_f"] = exact
    if exact:
        try:
            _judge_value(case, run, d.value(**values), point.F)
        except MatdiffError:
            pass
        except Exception as e:
            run.foreign("value", e)
    # -- export
    _export(case, run, d, point, kind, derived, verdicts)
    wrong = any(f["kind"] in ("wrong_value", "wrong_shape", "evaluate_refused") for f in run.failures)
    if status == "failed" and not wrong:
        run.fail("check_false_alarm", "check", "the check FAILED on a derivative the oracle finds right")
    if status == "skipped":
        run.notes["check_skipped_where_oracle_found_a_point"] = True
    if run.failures:
        return "failed"
    return run.notes.get("benign", "ok")


def _judge_value(case: Case, run: Run, got, F: np.ndarray) -> None:
    """value(): f itself, shaped as the exported code returns it (a float, (m,), (1, n) or (m, n))."""
    shapes = O.value_shapes(case)
    if O.shape_of(got) not in shapes:
        pattern = shape_pattern(O.shape_of(got), case)
        run.fail(
            "wrong_shape", "value", f"value(): f has shape {pattern}, not {shapes[0]}", got=O.shape_of(got)
        )
    elif not np.allclose(np.ravel(np.asarray(got, dtype=float)), np.ravel(F), rtol=1e-7, atol=1e-9):
        run.fail("wrong_value", "value", "value(): f itself is wrong", got=got, expected=F)


def _judge(case: Case, run: Run, point: O.Point, verdicts: dict, kind: str, next_attempt: int) -> None:
    wrt_kind = case.variables[case.wrt].kind
    bad, shapes = {}, {}
    for (how, layout), got in verdicts.items():
        exp = O.expected(case, point.D, layout)
        verdict, err = O.compare(got, exp, point.noise, layout, case)
        if verdict == "symmetric_convention":
            run.notes["benign"] = "symmetric_convention"
        elif verdict == "wrong_shape":
            shapes[layout] = (O.shape_of(got), exp.shapes[0])
        elif verdict == "wrong_value":
            bad[(how, layout)] = (got, exp, err)
    if shapes:
        text = "; ".join(
            f"{layout} {shape_pattern(g, case)} instead of {shape_pattern(e, case)}"
            for layout, (g, e) in shapes.items()
        )
        run.fail(
            "wrong_shape",
            "evaluate",
            f"{kind} by a {wrt_kind}: {text}",
            shapes={layout: {"got": g, "expected": e} for layout, (g, e) in shapes.items()},
        )
    if not bad:
        return
    # confirm at a second point: a mismatch in the differences at one point is not enough
    second, _, _ = O.find_point(case, start=next_attempt)
    if second is not None:
        from matdiff_magic import derive

        values = {n: O.user_value(a, case.variables[n]) for n, a in second.env.items()}
        confirmed = {}
        for (how, layout), first in bad.items():
            try:
                d = derive(case.source(), wrt=case.wrt, layout=layout, order=case.order, check=False)
                got = d.evaluate(**values)
            except Exception:
                confirmed[(how, layout)] = first
                continue
            exp = O.expected(case, second.D, layout)
            verdict, _ = O.compare(got, exp, second.noise, layout, case)
            if verdict == "wrong_value":
                confirmed[(how, layout)] = first
        if not confirmed:
            run.notes["benign"] = "undecided"
            return
        bad = confirmed
    layouts = sorted({layout for _, layout in bad})
    run.fail(
        "wrong_value",
        "evaluate",
        f"{kind} by a {wrt_kind} ({', '.join(layouts)})",
        layouts=layouts,
        check=run.notes.get("check"),
        values={
            f"{how}, {layout}": {
                "got": np.asarray(got, dtype=float),
                "expected": np.asarray(exp.value, dtype=float),
                "relative_error": err,
            }
            for (how, layout), (got, exp, err) in bad.items()
        },
    )


def _export(case: Case, run: Run, d, point, kind: str, derived: dict, verdicts: dict | None = None) -> None:
    """Run the exported module of every layout (derived anew where not given), each distinct text once."""
    from matdiff_magic import MatdiffError, derive

    for layout in LAYOUTS:
        if layout not in derived:
            try:
                derived[layout] = derive(
                    case.source(), wrt=case.wrt, layout=layout, order=case.order, check=False
                )
            except MatdiffError:
                continue  # (judged with evaluate where there is a point; nothing to export here)
            except Exception as e:
                run.foreign(f"derive(layout={layout})", e)
    modules = [(key.split(" ")[0], dd) for key, dd in derived.items()]
    evaluated = {}
    for (how, layout), got in (verdicts or {}).items():
        if how == "derive":
            evaluated[layout] = got
    run.notes["modules"] = run_exports(case, run, modules, point, kind, evaluated)


def run_case_safely(case: Case) -> dict:
    """run_case, with any failure of the oracle itself reported as such (not blamed on the package)."""
    try:
        return run_case(case)
    except Exception as e:
        return {
            "outcome": "oracle_error",
            "benign": "oracle_error",
            "failures": [],
            "notes": {"error": f"{type(e).__name__}: {e}", "traceback": traceback.format_exc()[-2000:]},
            "seconds": 0.0,
        }
