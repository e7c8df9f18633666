"""Derivative rules as data: each takes one step and returns new nodes, with the identity it applied.

Every ``Identity`` made at the top level of a module registers itself; ``catalogue()`` lists them
all, with the identity of every element-wise function, under stable ids. The lab extension's cheat
sheet and identity list are generated from that catalogue (labextension/scripts/generate.py).
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import re
import sys
from dataclasses import dataclass

from matdiff_magic.tex import to_unicode

# Identities made at the top level of a module, each with that module's namespace, in the order
# they were made. Their ids are their names in that namespace, looked up once the module has run.
_DEFINED: list[tuple[Identity, dict]] = []


@dataclass(frozen=True)
class Identity:
    """A named rule and the identity it applies, in general form.

    The identity is written once, in TeX (``latex``); ``text``, its Unicode reading for plain-text
    output, is derived from it (``matdiff_magic.tex.to_unicode``) unless a caller that builds
    identities on the fly (the definition method) passes its own.
    """

    name: str
    latex: str
    text: str = ""
    cookbook: str = ""  # equation number in the Matrix Cookbook (Petersen & Pedersen, 2012), if any

    def __post_init__(self):
        if not self.text:
            object.__setattr__(self, "text", to_unicode(self.latex))
        # Frames: 0 this method, 1 the dataclass __init__, 2 the code that made the identity.
        maker = sys._getframe(2)
        if maker.f_code.co_name == "<module>":
            _DEFINED.append((self, maker.f_globals))


# Modules (or packages, walked) that define identities at their top level.
_IDENTITY_PACKAGES = ("matdiff_magic.ops", "matdiff_magic.derivation")
# The functions that make the identity of an element-wise function f: d f(X) and d f(u), u scalar.
_MAKERS = {"elementwise": "elementwise_identity", "scalar": "scalar_identity"}


def _kebab(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _load_identity_modules() -> None:
    importlib.import_module("matdiff_magic.derivation.pipeline")
    for package_name in _IDENTITY_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, package_name + "."):
            importlib.import_module(info.name)


def _maker(function_name: str):
    """The module-level function ``function_name`` of the package, wherever it is defined."""
    found = {
        getattr(m, function_name)
        for name, m in list(sys.modules.items())
        if name.startswith("matdiff_magic.")
        and m is not None
        and getattr(getattr(m, function_name, None), "__module__", None) == name
    }
    if len(found) != 1:
        raise LookupError(f"expected one function {function_name} in matdiff_magic, found {len(found)}")
    return found.pop()


def _module_level() -> dict[str, Identity]:
    """id -> identity for every identity still bound to a name at the top level of its module.

    Only modules of _IDENTITY_PACKAGES count (the list must not depend on what else happens to be
    imported); tests/test_generated.py checks that no other module defines an identity.
    """
    named: dict[int, tuple[Identity, str, str]] = {}
    for identity, namespace in _DEFINED:
        if not namespace.get("__name__", "").startswith(tuple(p + "." for p in _IDENTITY_PACKAGES)):
            continue
        names = sorted(k for k, v in namespace.items() if v is identity and not k.startswith("__"))
        module = namespace.get("__name__", "").rsplit(".", 1)[-1]
        if names:
            named[id(identity)] = (identity, _kebab(names[0]), module)
        elif identity not in namespace.values():
            # Kept in a container rather than under a name: an id from its content. (An identity
            # equal to one bound to a name is a leftover of a reloaded module, and is skipped.)
            digest = hashlib.sha1(f"{identity.latex}\n{identity.text}".encode()).hexdigest()[:6]
            named[id(identity)] = (identity, f"{_kebab(identity.name)}-{digest}", module)
    clashes: dict[str, int] = {}
    for _, key, _ in named.values():
        clashes[key] = clashes.get(key, 0) + 1
    out: dict[str, Identity] = {}
    for identity, key, module in named.values():
        # The same name in two modules (e.g. COMBINE in the trace and vec stages): qualify both.
        out[f"{_kebab(module)}-{key}" if clashes[key] > 1 else key] = identity
    return out


def catalogue() -> dict[str, Identity]:
    """Every identity the package can apply, by stable id, sorted by id.

    Module-level identities are named after their variable (``PRODUCT`` -> ``product``; a name used
    in two modules is prefixed with the module, ``tracetricks-combine``). The identities of the
    element-wise functions are ``elementwise-F`` (d F(X), entry by entry) and ``scalar-F`` (the
    chain rule for a scalar argument), for every element-wise function F of the language and every
    one the derivative rules know (``step``, the derivative of relu).
    """
    from matdiff_magic.syntax.vocabulary import ELEMENTWISE

    _load_identity_modules()
    out = _module_level()
    for prefix, function_name in _MAKERS.items():
        make = _maker(function_name)
        known = getattr(make, "__wrapped__", make).__globals__.get("ELEMENTWISE", {})  # under a cache
        for func in sorted(set(ELEMENTWISE) | set(known)):
            key = f"{prefix}-{func}"
            if key in out:
                raise ValueError(f"identity id {key} is used twice")
            out[key] = make(func)
    return dict(sorted(out.items()))
