"""The derivation stages: differential, trace tricks, vec, read-off, layouts, simplification."""
