"""The package's imports run one way.

Every ``import`` of a module of the package is read with ``ast`` — at module level and inside
functions (a lazy import is still a dependency), but not in an ``if TYPE_CHECKING:`` block, which
never runs — and two rules are checked: (a) no import cycle
between modules, and (b) no module imports from a layer above its own (LAYERS). The import of a
submodule counts as a dependency on that submodule only, not on the packages above it.
"""

from __future__ import annotations

import ast
import pathlib

PACKAGE = "matdiff_magic"
ROOT = pathlib.Path(__file__).resolve().parent.parent / PACKAGE

# Lowest first. A module may import from its own layer and the layers before it. A module belongs
# to the layer of the longest prefix that names it (``matdiff_magic`` alone names only the
# package's __init__).
LAYERS = (
    # what everything may use: the error type, limits, sizes as values, and how names and
    # numbers are written
    (
        "base",
        (
            "matdiff_magic.errors",
            "matdiff_magic.i18n",
            "matdiff_magic.depth",
            "matdiff_magic.timelimit",
            "matdiff_magic.types.dims",
            "matdiff_magic.tex",
            "matdiff_magic.render.notation",
        ),
    ),
    ("syntax", ("matdiff_magic.syntax",)),
    # the IR comes before the types stage in the imports, though after it in the pipeline:
    # lowering (types.lower) builds IR nodes
    # the language's vocabulary of functions is the registry's names: the parser does not use it
    # (any name(…) is a call), the types stage checks calls against it
    # so is the LaTeX front end (syntax.latex), which reads a function's name from the registry;
    # its reader (syntax.latex_*) is plain syntax
    (
        "ir/ops",
        (
            "matdiff_magic.ir",
            "matdiff_magic.ops",
            "matdiff_magic.syntax.vocabulary",
            "matdiff_magic.syntax.latex",
        ),
    ),
    ("types", ("matdiff_magic.types",)),
    # SymPy in and out: the SymPy forms of the registry's ops, read and written; derive() and the
    # Derivation call it
    ("interop", ("matdiff_magic.interop",)),
    # the stages record expressions; they never print them
    ("derivation", ("matdiff_magic.derivation",)),
    ("numeric", ("matdiff_magic.numeric",)),
    ("render", ("matdiff_magic.render",)),
    ("export", ("matdiff_magic.export",)),
    # the stepper takes a derivation (and re-derives through it): it imports no pipeline
    ("widgets", ("matdiff_magic.render.widgets", "matdiff_magic.render.stepper_state")),
    # the Derivation users hold, and derive() that makes it: its methods reach every layer above
    # the stages (numbers, printing, export, the stepper)
    (
        "api",
        (
            "matdiff_magic.derivation.pipeline",
            "matdiff_magic.derivation.record",
            "matdiff_magic.derivation.display",
            "matdiff_magic.derivation.evaluation",
        ),
    ),
    (
        "magic/lab",
        (
            # writes JupyterLab's catalog from the glossaries and the registry's identity names
            "matdiff_magic.i18n.jupyterlab",
            "matdiff_magic.magic",
            "matdiff_magic.options",
            "matdiff_magic.exercises",
            "matdiff_magic.autodiff",
            "matdiff_magic",
        ),
    ),
)

# Imports that go against the layers, each with why; the test fails when one disappears, so that
# this list only ever shrinks. It is empty: keep it so.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str:
    """The module an imported name stands for: itself if a module, else its closest parent."""
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def _is_type_checking(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` or ``if typing.TYPE_CHECKING:``."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement of ``tree``, at any depth, except those in the body of an
    ``if TYPE_CHECKING:`` block: those are read by the type checker only and never run, so they
    are no dependency (their ``else:`` branch, which runs, is read)."""
    out: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
        else:
            stack.extend(ast.iter_child_nodes(node))
    return out


def _imports(module: str, path: pathlib.Path) -> set[str]:
    """The package's modules that ``module`` imports anywhere in its source."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the importing package
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # ``from a.b import c`` imports the module a.b.c when there is one, else names of a.b
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names
            ]
        else:
            continue
        out |= {_resolve(n) for n in names if n == PACKAGE or n.startswith(PACKAGE + ".")}
    out.discard(module)
    return out


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _layer(module: str) -> int:
    best, where = -1, None
    for k, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or (p != PACKAGE and module.startswith(p + "."))) and len(p) > best:
                best, where = len(p), k
    return where


def _edges():
    for module, targets in GRAPH.items():
        for target in sorted(targets):
            if (module, target) not in KNOWN_EXCEPTIONS:
                yield module, target


def test_every_module_has_a_layer():
    assert not [m for m in MODULES if _layer(m) is None], "add the new module to LAYERS"


def test_imports_follow_the_layers():
    upward = [
        f"{m} ({LAYERS[_layer(m)][0]}) imports {t} ({LAYERS[_layer(t)][0]})"
        for m, t in _edges()
        if _layer(t) > _layer(m)
    ]
    assert not upward, "\n".join(upward)


def test_no_import_cycles():
    graph: dict = {m: set() for m in MODULES}
    for m, t in _edges():
        graph[m].add(t)
    cycles = [c for c in _strongly_connected(graph) if len(c) > 1]
    assert not cycles, "\n".join(" ⇄ ".join(sorted(c)) for c in cycles)


def test_known_exceptions_are_still_needed():
    gone = [f"{m} -> {t}" for m, t in KNOWN_EXCEPTIONS if t not in GRAPH.get(m, ())]
    assert not gone, "no longer imported, remove from KNOWN_EXCEPTIONS: " + ", ".join(gone)


def test_the_checker_sees_lazy_imports_and_cycles():
    source = "def f():\n    from matdiff_magic.render import printer\n"
    tree_imports = {n.module for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)}
    assert tree_imports == {"matdiff_magic.render"}
    assert _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}, {"d"}]


def test_the_checker_skips_imports_made_for_the_type_checker_only():
    source = (
        "from typing import TYPE_CHECKING\n"
        "import typing\n"
        "if TYPE_CHECKING:\n"
        "    from matdiff_magic.ops.arith import MatMul\n"
        "if typing.TYPE_CHECKING:\n"
        "    import matdiff_magic.ops.linalg\n"
        "else:\n"
        "    import matdiff_magic.errors\n"
        "def f():\n"
        "    from matdiff_magic.render import printer\n"
    )
    found = set()
    for node in _import_nodes(ast.parse(source)):
        found |= {node.module} if isinstance(node, ast.ImportFrom) else {a.name for a in node.names}
    assert found == {"typing", "matdiff_magic.errors", "matdiff_magic.render"}


def _strongly_connected(graph: dict) -> list[set]:
    """Tarjan's algorithm, iteratively: the strongly connected components, sinks first."""
    index: dict = {}
    low: dict = {}
    on_stack: set = set()
    stack: list = []
    out: list = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                out.append(component)
    return out
