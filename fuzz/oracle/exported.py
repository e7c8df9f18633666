"""The exported modules of one case, run and compared with the oracle.

Every layout's derivation exports a module (``to_python()``, the package's output; a module that
``with_layout`` gives with a different text is run too). Each is executed in a fresh namespace, its
function is called at the oracle's point and compared with the oracle's value and derivative, and
its ``__main__`` block is run as ``python module.py`` would run it (it prints the module's own
finite-difference check, whose result is then judged). Only this generated code is executed, never
the cell text.

Failures go to ``run.fail`` with the kinds export_failed (the module, its function or its check
raises, or is missing), export_wrong (a value or shape the oracle disagrees with) and
export_check_false_alarm (the module's check reports an error on an export the oracle finds right;
NaN, its could-not-check value, counts only where the package's own check passed).
"""

from __future__ import annotations

import contextlib
import inspect
import io

import numpy as np

from fuzz.oracle import oracle as O
from fuzz.oracle.expr import Case

ENTRY = {"gradient": "f_and_grad", "jacobian": "f_and_jacobian", "hessian": "f_grad_hessian"}
CHECK = {"gradient": "check_gradient", "jacobian": "check_jacobian", "hessian": "check_hessian"}
MAIN = 'if __name__ == "__main__":'


def shape_pattern(shape, case: Case) -> str:
    """A shape with its sizes named: N entries of the variable X, P of f, rows(X), cols(X), 1, or k."""
    if shape == "float" or not isinstance(shape, tuple):
        return str(shape)
    v = case.variables[case.wrt]
    r, c = O.int_shape(v.shape, case.sizes)
    names = {c: "cols(X)", r: "rows(X)", O.numel(case.tree.shape, case.sizes): "P", r * c: "N", 1: "1"}
    return "(" + ", ".join(names.get(s, "k") for s in shape) + ("," if len(shape) == 1 else "") + ")"


def run_exports(case: Case, run, modules, point: O.Point | None, kind: str, evaluated: dict) -> int:
    """Run the module of every (layout, derivation) of ``modules`` once per distinct text.

    ``evaluated`` maps a layout to what evaluate() gave in it (the shape the export must match).
    Returns the number of modules run."""
    seen: set[str] = set()
    for layout, d in modules:
        ok, code = run.attempt(f"to_python ({layout})", "export_failed", "to_python refused", d.to_python)
        if not ok or code in seen:
            continue
        seen.add(code)
        _run_module(case, run, d, code, layout, point, kind, evaluated.get(layout))
    return len(seen)


def _raised(run, stage: str, what: str, e: BaseException) -> None:
    run.raised("export_failed", stage, f"{what} raises ", e)


def _run_module(case, run, d, code, layout, point, kind, evaluated) -> None:
    namespace: dict = {"__name__": "matdiff_oracle_export"}
    try:
        exec(compile(code, "<export>", "exec"), namespace)  # the package's output, run on purpose
    except BaseException as e:
        _raised(run, f"import ({layout})", "the module", e)
        return
    entry = namespace.get(ENTRY[kind])
    if entry is None:
        run.fail("export_failed", f"import ({layout})", f"no {ENTRY[kind]} in the module")
        return
    called = True
    if point is not None:
        called = _call_export(case, run, d, point, kind, entry, evaluated, layout)
    check = namespace.get(CHECK[kind])
    if check is None or MAIN not in code:
        run.fail(
            "export_failed", f"import ({layout})", f"no {CHECK[kind]} or no __main__ block in the module"
        )
        return
    # the __main__ block, as `python module.py` runs it; it calls the check, whose result is kept
    results: list = []

    def recorded(*args, **kwargs):
        results.append(check(*args, **kwargs))
        return results[-1]

    namespace.update({CHECK[kind]: recorded, "__name__": "__main__"})
    main = (
        "\n" * code[: code.rindex(MAIN)].count("\n") + code[code.rindex(MAIN) :]
    )  # the module's line numbers
    try:
        with np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
            exec(compile(main, "<export>", "exec"), namespace)
    except BaseException as e:
        if called or results:  # (when the function itself failed, its check failing says nothing new)
            _raised(run, f"{CHECK[kind]} ({layout})", f"the __main__ block ({CHECK[kind]}())", e)
        return
    if len(results) != 1:
        run.fail(
            "export_failed",
            f"__main__ ({layout})",
            f"the __main__ block calls {CHECK[kind]}() {len(results)} times",
        )
        return
    result = results[0]
    errors = [float(x) for x in np.ravel(np.asarray(result, dtype=float))] if result is not None else []
    # NaN is the check's "could not check" (f undefined or overflowing at its random inputs): an
    # alarm only where the package's own check did decide (passed), not where it could not either
    could_not = run.notes.get("check") != "passed"
    if (
        point is not None
        and not any(f["kind"].startswith("export") for f in run.failures)
        and any(x > 1e-4 or np.isinf(x) or (np.isnan(x) and not could_not) for x in errors)
    ):
        run.fail(
            "export_check_false_alarm",
            f"{CHECK[kind]} ({layout})",
            f"{CHECK[kind]}() reports an error {'nan' if any(np.isnan(errors)) else '> 1e-4'} "
            "on an export the oracle finds right",
            reported=errors,
        )


def _call_export(case: Case, run, d, point: O.Point, kind: str, entry, evaluated, layout: str) -> bool:
    """Call the exported function at the oracle's point and compare; False if it could not be called."""
    names = [v.name for v in d.variables]
    params = list(inspect.signature(entry).parameters)
    if len(params) != len(names):
        run.fail(
            "export_failed",
            f"call ({layout})",
            f"{ENTRY[kind]} takes {len(params)} arguments for {len(names)} variables",
            params=params,
            variables=names,
        )
        return False
    args = [O.user_value(point.env[n], case.variables[n]) for n in names]
    try:
        with np.errstate(all="ignore"):
            out = entry(*args)
    except BaseException as e:
        _raised(run, f"call ({layout})", ENTRY[kind], e)
        return False
    if not isinstance(out, tuple) or len(out) != (3 if kind == "hessian" else 2):
        run.fail(
            "export_failed", f"call ({layout})", f"{ENTRY[kind]} returns {type(out).__name__}, not a tuple"
        )
        return False
    F = out[0]
    shapes = O.value_shapes(case)
    if O.shape_of(F) not in shapes and not (shapes == ["float"] and isinstance(F, (int, float))):
        run.fail(
            "export_wrong",
            f"value ({layout})",
            f"the value of f has shape {shape_pattern(O.shape_of(F), case)}, expected {shapes[0]}",
            got_shape=O.shape_of(F),
        )
    elif run.notes.get("compare_f") and not np.allclose(
        np.ravel(np.asarray(F, dtype=float)), np.ravel(point.F), rtol=1e-7, atol=1e-9
    ):
        run.fail(
            "export_wrong",
            f"value ({layout})",
            "the value of f is wrong",
            got=np.asarray(F, dtype=float),
            expected=point.F,
        )
    parts = [("derivative", out[1], O.expected(case, point.D, layout), point.noise)]
    if kind == "hessian":
        parts = [
            ("gradient", out[1], O.expected(case, point.J, layout, "gradient"), point.J_noise),
            ("hessian", out[2], O.expected(case, point.D, layout), point.noise),
        ]
    for what, got, exp, noise in parts:
        accepted = exp.shapes
        if what != "gradient" and evaluated is not None and O.shape_of(evaluated) in accepted:
            accepted = [O.shape_of(evaluated)]  # "shaped as evaluate() gives it"
        if O.shape_of(got) not in accepted:
            run.fail(
                "export_wrong",
                f"{what} ({layout})",
                f"{kind} by a {case.variables[case.wrt].kind}, {layout} layout: the {what} has shape "
                f"{shape_pattern(O.shape_of(got), case)}, evaluate() gives {shape_pattern(accepted[0], case)}",
                got_shape=O.shape_of(got),
                expected_shape=accepted[0],
            )
            continue
        verdict, err = O.compare(got, exp, noise, layout, case)
        if verdict == "wrong_value":
            run.fail(
                "export_wrong",
                f"{what} ({layout})",
                f"{kind} by a {case.variables[case.wrt].kind}, {layout} layout: the {what} is wrong",
                relative_error=err,
                got=np.asarray(got, dtype=float),
                expected=np.asarray(exp.value, dtype=float),
            )
    return True
