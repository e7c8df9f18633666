"""What an op's shape rule for a call may ask of the shape inference (``ops.registry.Sizing``):
unify two sizes, multiply them, and quote the call's arguments in an error. ``types.infer`` makes
one ``CallSizing`` for every call it types."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matdiff_magic.errors import MatdiffError
from matdiff_magic.syntax import ast as syn
from matdiff_magic.types.unify import times as _times

if TYPE_CHECKING:
    from matdiff_magic.types.infer import _Inference


class CallSizing:
    """What an op's shape rule for a call may ask of the inference (``ops.registry.Sizing``)."""

    __slots__ = ("inference", "name", "node")  # one per call typed: a plain class, cheap to make

    def __init__(self, inference: _Inference, node: syn.Call, name: str):
        self.inference, self.node, self.name = inference, node, name

    def unify(self, a, b) -> bool:
        return self.inference.sizes.unify(a, b)

    def times(self, a, b):
        return _times(a, b)

    def text(self, i: int) -> str:
        return self.inference._text(self.node.args[i])

    def shape_text(self, shape: tuple) -> str:
        return self.inference._shape_text(shape)

    def error(self, message: str, i: int, hint: str | None = None) -> MatdiffError:
        arg = self.node.args[i]
        return self.inference._error(message, arg, [arg], extra_hint=hint)
