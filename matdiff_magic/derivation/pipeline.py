"""The pipeline: source -> typed IR -> differential -> trace tricks (or vec) -> read-off -> Derivation.

``derive`` is where the stages meet the layers above them: it builds the ``Derivation`` (whose
methods evaluate, check, print, export and show it), names repeated activations for printing, runs
the numeric check, and prints the expressions an error quotes (``QuotingError``) before the error
leaves. The steps of each kind of derivative are ``derivation.stages`` (gradient, Jacobian, Hessian)
and ``derivation.composition``. A derivation re-derives the same cell by another variable through
``_derive_again``.
"""

from __future__ import annotations

import re

from matdiff_magic import i18n
from matdiff_magic.depth import collector_paused, deep_recursion
from matdiff_magic.derivation.bounds import check_work
from matdiff_magic.derivation.components import by_components, component_steps
from matdiff_magic.derivation.composition import composition_steps, is_composition
from matdiff_magic.derivation.definition import definition_steps
from matdiff_magic.derivation.layouts import known_layout, results
from matdiff_magic.derivation.quoting import QuotingError
from matdiff_magic.derivation.record import Derivation
from matdiff_magic.derivation.samples import refuse_per_sample, sample_notes, where_names
from matdiff_magic.derivation.stages import gradient_steps, hessian_steps, jacobian_steps
from matdiff_magic.derivation.steps import textbook_steps
from matdiff_magic.derivation.symmetric import (
    check_convention,
    stationary_equivalent,
    with_convention,
    with_symmetry,
)
from matdiff_magic.errors import MatdiffError, flag, known_language, whole_seed
from matdiff_magic.ir import nodes as ir
from matdiff_magic.ops.linalg import DETERMINANT_RULE, determinant_rule
from matdiff_magic.ops.samples import SampleSum
from matdiff_magic.render import printer
from matdiff_magic.render.abbreviations import choose as choose_abbreviations
from matdiff_magic.syntax.latex import in_latex, looks_like_latex, wrt_spellings
from matdiff_magic.syntax.lexer import lone_returns_as_newlines
from matdiff_magic.types.lower import choose_wrt, typecheck


def derive(
    source: str,
    wrt: str | None = None,
    layout: str = "mixed",
    check: bool = True,
    order: int = 1,
    seed: int = 0,
    by_definition: bool = False,
    solve: bool = False,
    symmetric: str = "independent",
    latex: bool | None = None,
    lang: str | None = None,
    determinant: str | None = None,
) -> Derivation:
    """Derive ∂f/∂wrt of the cell ``source`` by the differential method, step by step.

    f may be a scalar, a vector or a matrix (then the result is the Jacobian of vec f by vec X);
    ``order=2`` gives the Hessian of a scalar f. ``by_definition`` derives element by element
    instead (seed 001 Examples 1 and 2), where that is tractable; ``solve`` adds the steps that set
    the derivative to zero and solve for the variable. ``symmetric`` is the convention for a
    variable declared symmetric: ``independent`` (every entry independent, the default), ``sym``
    ((G + Gᵀ)/2, the gradient on symmetric matrices) or ``minka`` (G + Gᵀ − G ⊙ I, the Matrix
    Cookbook's (138)); f is always differentiated as written (``derivation.symmetric``).
    ``latex``: the source is LaTeX (``None``: when it looks so, ``syntax.latex``); errors point into it.
    ``lang``: the language of the steps' wording and of the errors, ``en`` or ``zh`` (default: the
    session's, ``%matdiff_config lang=…`` or MATDIFF_LANG; ``i18n``).
    ``source`` may also be a SymPy matrix expression over MatrixSymbols (``wrt`` a MatrixSymbol, a
    Symbol or a name): it is derived as the cell it reads as (``interop.sympy_in``), and
    ``to_sympy()`` answers in its symbols.
    """
    if determinant is not None:  # d|X| by the adjugate (seed 000) or the inverse, in this derivation
        with determinant_rule(determinant):
            return derive(
                source, wrt, layout, check, order, seed, by_definition, solve, symmetric, latex, lang
            )
    if not isinstance(source, str):
        from matdiff_magic.interop.sympy_in import sympy_cell

        source, wrt, symbols = sympy_cell(source, wrt)
        d = derive(source, wrt, layout, check, order, seed, by_definition, solve, symmetric, False, lang)
        d.sympy_symbols = symbols
        return d
    source = lone_returns_as_newlines(source)
    if wrt is not None and not isinstance(wrt, str):
        if not isinstance(getattr(wrt, "name", None), str):  # a SymPy Symbol names itself
            raise MatdiffError(f"wrt names the variable to differentiate by, such as wrt='X': got {wrt!r}")
        wrt = wrt.name
    seed = whole_seed(seed)
    check, by_definition, solve = (
        flag("check", check),
        flag("by_definition", by_definition),
        flag("solve", solve),
    )
    if latex is not None:
        latex = flag("latex", latex)
    if lang is not None:
        with i18n.using(known_language(lang)):
            return derive(source, wrt, layout, check, order, seed, by_definition, solve, symmetric, latex)
    if latex or (latex is None and looks_like_latex(source)):
        args = (wrt, layout, check, order, seed, by_definition, solve, symmetric)
        # the vector f(y_1, y_2) = … declares is named as the cell names it (a bold y is y)
        stem = next((n for n in wrt_spellings(wrt) if n.isidentifier()), wrt) if wrt is not None else None
        return in_latex(source, lambda text: derive(text, *args, latex=False), stem)
    check_convention(symmetric)
    if isinstance(order, bool) or order not in (1, 2):
        raise MatdiffError(
            f"order={order!r}: matdiff derives first derivatives (order=1) and Hessians (order=2)"
        )
    if by_definition:
        if order != 1:  # never the gradient in place of the Hessian asked for
            raise MatdiffError(
                "the definition method derives first derivatives: derive the Hessian (order=2) "
                "without by_definition",
                option="--by-definition",
            )
        return _derive_by_definition(source, wrt, layout, check, seed, symmetric, solve)
    known_layout(layout)
    with deep_recursion(), collector_paused():
        return _derive(source, wrt, layout, check, order, seed, solve, symmetric)


def _derive(source, wrt, layout, check, order, seed, solve, symmetric) -> Derivation:
    typed = var = None
    try:
        typed = typecheck(source)
        var = choose_wrt(typed, wrt, source)
        refuse_per_sample(var, source, typed.expr)  # xᵢ stands for every sample; M counts them
        check_work(typed.expr, var, source, typed.span)
        f = typed.expr
        if order == 2 and not f.is_scalar:
            raise MatdiffError(
                f"a Hessian (order 2) needs a scalar function, but {typed.name} is {f.shape[0]}×{f.shape[1]}",
                source,
                typed.span,
            )
        components = by_components(typed, var)
        if components:  # y = [y1; y2]: the partials ∂f/∂yᵢ, arranged
            parts = component_steps(typed, var, order)
        elif order == 2:
            _refuse_hessian_through_outer(f, var)
            parts = hessian_steps(typed, var, symmetric)
        elif f.is_scalar and is_composition(typed, var):
            parts = composition_steps(typed, var, symmetric)
        elif f.is_scalar:
            parts = gradient_steps(typed, var, symmetric)
        else:
            parts = jacobian_steps(typed, var, symmetric)
        if solve:
            if order != 1 or not f.is_scalar:
                raise MatdiffError("--solve sets the gradient of a scalar function to zero", option="--solve")
            gradient = parts["results"]["denominator"].expr
            if components:  # one scalar equation per entry
                solution_steps, parts["solution"] = _solved_by_components(gradient, var, typed)
            else:
                equivalent = stationary_equivalent(parts.get("independent", parts["results"]), var, symmetric)
                solution_steps, parts["solution"] = _solved(gradient, var, equivalent, typed.span)
            parts["steps"] += solution_steps
        parts["steps"] = textbook_steps(parts["steps"])
    except MatdiffError as error:
        if error.hint is None and typed is not None and var is not None:
            # an unsupported form that is only one because a name was taken to be a vector
            # (y_i in sum_i(log(1 + exp(-y_i*w'*x_i)))): say so, and how to declare it
            error.hint = next(iter(_defaulted_kind_notes(source, typed, var)), None)
        if error.hint is None:  # what the stage that refused suggests (vec.py: declare the kinds)
            error.hint = getattr(error, "fallback_hint", None)
        raise _printed(error, source).with_source(source) from None
    except RecursionError:
        raise MatdiffError("the expression is too deeply nested to derive", source) from None
    derivation = Derivation(
        source,
        typed,
        var,
        layout,
        parts["steps"],
        parts["results"],
        parts["G"],
        seed,
        kind=parts["kind"],
        target=parts["target"],
        rederive=_derive_again,
        symmetric=symmetric,
    )
    derivation.solution = parts.get("solution")
    derivation.solve_asked = solve  # kept when re-derived by another variable
    derivation.determinant = DETERMINANT_RULE.get()  # kept when re-derived by another variable
    derivation.notes = _defaulted_kind_notes(source, typed, var) + sample_notes(typed) + _unused_lines(typed)
    # repeated activations (t₁, t₂, …) and the sample statistics (x̄, S) are named in the where line
    taken = {v.name for v in typed.variables}
    names = choose_abbreviations(typed.expr, taken)
    derivation.set_abbreviations({**names, **where_names(typed)}, taken)  # and each view's repeats
    if check:
        derivation.check()
        _verified(derivation, source, seed)
    return derivation


def _solved(gradient, var, equivalent, span):
    """``solve.solve_steps``, its refusal under the function's line (it has no place of its own)."""
    from matdiff_magic.derivation.solve import solve_steps

    try:
        return solve_steps(gradient, var, equivalent)
    except MatdiffError as error:
        error.span = error.span or span
        raise


def _solved_by_components(gradient, var, typed):
    """``solve_components.solve_by_components``, its refusal under the function's line."""
    from matdiff_magic.derivation.components import components_of
    from matdiff_magic.derivation.solve_components import solve_by_components

    try:
        return solve_by_components(gradient, var, components_of(typed, var))
    except MatdiffError as error:
        error.span = error.span or typed.span
        raise


def _verified(d: Derivation, source: str, seed: int) -> None:
    """A solution of --solve shown only where the gradient vanishes there (``evaluation``)."""
    if d.solution is not None:
        from matdiff_magic.derivation.evaluation import refuse_a_wrong_solution

        refuse_a_wrong_solution(d, source, seed)


def _derive_by_definition(source, wrt, layout, check, seed, symmetric, solve=False) -> Derivation:
    """∂f/∂wrt element by element (seed 001's definition method), as a ``Derivation``."""
    known_layout(layout)
    try:
        typed = typecheck(source)
        var = choose_wrt(typed, wrt, source)
        if by_components(typed, var):  # y = [y1; y2]: its partials are the definition method already
            return _derive(source, wrt, layout, check, 1, seed, solve, symmetric)
        refuse_per_sample(var, source, typed.expr)  # xᵢ stands for every sample; M counts them
        steps, res, G = definition_steps(typed, var, source, written=printer.to_text)
        res, _, shown, _ = with_symmetry(
            res, lambda: results(G, var, typed.name, symmetric=True), "denominator"
        )
        independent = res
        res, convention = with_convention(res, var, "gradient", symmetric)
        steps = steps + [s for s in (shown, convention) if s is not None]
        solution = None
        if solve:  # ∂f/∂X = 0, as by the differential method
            equivalent = stationary_equivalent(independent, var, symmetric)
            solution_steps, solution = _solved(res["denominator"].expr, var, equivalent, typed.span)
            steps += solution_steps
    except MatdiffError as error:
        raise _printed(error, source).with_source(source) from None
    except RecursionError:
        raise MatdiffError("the expression is too deeply nested to derive", source) from None
    d = Derivation(
        source, typed, var, layout, steps, res, G, seed, rederive=_derive_again, symmetric=symmetric
    )
    d.solution, d.solve_asked = solution, solve
    if check:
        d.check()
        _verified(d, source, seed)
    return d


def _defaulted_kind_notes(source: str, typed, var: ir.Var) -> tuple:
    """When f is not a scalar only because undeclared lowercase names were taken to be vectors by
    the naming convention, usage leaving their kind open (``c`` in ``c*norm2(X*w - y)^2``), one
    line that says so and the declaration."""
    if typed.expr.is_scalar:
        return ()
    names = [
        v.name
        for v in typed.variables
        if v.kind == "vector" and v.name != var.name and typed.kind_source.get(v.name) == "convention"
    ]
    for tried in [[n] for n in names] + ([names] if len(names) > 1 else []):
        try:
            scalar = typecheck(source, {n: "scalar" for n in tried}).expr.is_scalar
        except MatdiffError:
            continue
        if scalar:
            these = ", ".join(tried)
            return (
                f"{typed.name} is not a scalar because {these} "
                f"{'was' if len(tried) == 1 else 'were'} taken to be "
                f"{'a vector' if len(tried) == 1 else 'vectors'} (lowercase names are vectors "
                f"unless declared); declaring `{these}: scalar` makes {typed.name} a scalar",
            )
    return ()


def _unused_lines(typed) -> tuple:
    """A note naming the lines the derived function does not use (y = aᵀXb above f = aᵀexp(Xb)):
    a cell derives its last line, so an exercise written above it would otherwise pass unseen.
    Definitions are put in place where they are used, so a line is used when the last line, or a
    line it uses, writes its name (comments aside). A sample statistic (x̄ = (1/N) Σᵢ xᵢ) is
    recognised by its value wherever it appears, and never named here."""
    if not typed.definitions:  # a line is named here only when it defines a name
        return ()
    code = [line.split("#", 1)[0] for line in typed.source.splitlines()]
    written = {}  # name -> the line that defines it
    for i, line in enumerate(code[:-1]):
        m = re.match(r"\s*([A-Za-z]\w*)\s*=(?!=)", line)
        if m and m.group(1) in typed.definitions:
            written[m.group(1)] = i
    # the names a line writes on its right side (all of it for an unnamed last line)
    written_on = lambda line: set(re.findall(r"[A-Za-z]\w*", re.sub(r"^\s*[A-Za-z]\w*\s*=(?!=)", "", line)))
    used: set = set()
    pending = [len(code) - 1]
    while pending:
        for name in written_on(code[pending.pop()]) - used:
            used.add(name)
            if name in written:
                pending.append(written[name])
    unused = [
        name
        for name in written
        if name not in used and not any(isinstance(n, SampleSum) for n in typed.definitions[name].walk())
    ]
    if not unused:
        return ()
    names = ", ".join(unused)
    if len(unused) == 1:
        return (f"the line defining {names} is not used: a cell derives its last line",)
    return (f"the lines defining {names} are not used: a cell derives its last line",)


def _derive_again(d: Derivation, wrt: str, layout: str) -> Derivation:
    # ``derive`` is looked up when called, so the derivation re-derives through whatever it is now;
    # a Hessian stays a Hessian, and --solve is kept where the other variable can be solved for
    def again(solve: bool) -> Derivation:
        return derive(
            d.source,
            wrt=wrt,
            layout=layout,
            check=d.check_result is not None,
            order=2 if d.kind == "hessian" else 1,
            seed=d.seed,
            solve=solve,
            symmetric=d.symmetric,
            determinant=getattr(d, "determinant", None),
        )

    if d.solve_asked:
        try:
            return again(True)
        except MatdiffError:  # not solvable for this variable: its derivative all the same
            unsolved = again(False)
            unsolved.solve_asked = True  # and solved again for a variable that can be
            return unsolved
    return again(False)


def _refuse_hessian_through_outer(f: ir.Expr, var: ir.Var) -> None:
    """A Hessian through g (``g: function``) is refused by name, with the caret under g(…)."""
    from matdiff_magic.ops.unknown import OuterFunction

    g = next((n for n in f.walk() if isinstance(n, OuterFunction) and var.name in n.free_vars()), None)
    if g is not None:
        raise QuotingError(
            lambda p: (
                f"a Hessian through {p.to_text(g)} is not derived yet: {g.func} is declared without a formula"
            ),
            "a Hessian through a function declared without a formula is not derived yet",
            hint="derive the gradient (order 1), or write the function's formula in the cell",
            culprit=g,
        )


def _printed(error: MatdiffError, source: str | None = None) -> MatdiffError:
    """An error that quotes an expression, with the expression printed and a caret under where it
    stands in ``source``; any other as it is."""
    return error.printed(printer, source) if isinstance(error, QuotingError) else error
