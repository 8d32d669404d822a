"""The derivations whose LaTeX and text are kept as golden files, one name each."""

from __future__ import annotations

CASES = {
    "section1-y-Wx-dy3-dx7": ("y = W x", "dy[3]/dx[7]", {"W": "C,D"}),
    "section1-y-Wx-dy-dx": ("y = W x", "dy/dx", {"W": "C,D"}),
    "section2-y-xW-dy3-dx7": ("y = x W", "dy[3]/dx[7]", {"x": "1,D", "W": "D,C"}),
    "section3-y-xW-dy3-dW78": ("y = x W", "dy[3]/dW[7,8]", {"x": "1,D", "W": "D,C"}),
    "section4-Y-XW-dY-dX": ("Y = X W", "dY/dX", {"X": "N,D", "W": "D,C"}),
    "concrete-y-Wx-dy1-dx2": ("y = W x", "dy[1]/dx[2]", {"W": "3,2"}),
    # Issue 8: a sum of entries by a matrix, a symbolic index over a short concrete sum, and
    # a term that holds the target only when two indices agree.
    "sum-s-AX-ds-dX-concrete": ("s = sum(A X)", "ds/dX", {"A": "3,2", "X": "2,4"}),
    "concrete-y-Wx-dy-dx": ("y = W x", "dy/dx", {"W": "3,4"}),
    "section3-y-xW-dy-dW": ("y = x W", "dy/dW", {}),
    # Issue 11: the chain rule, the math.SE views, a trace and least squares.
    "section5-y-VWx-dy-dx": ("y = V W x", "dy/dx", {}),
    "trace-s-tr-AXB-ds-dX": ("s = tr(A X B)", "ds/dX", {}),
    "least-squares-dL-dW": ("L = (W x - t)^T (W x - t)", "dL/dW", {}),
}

VIEWS = {
    "views-z-xW-b-dz-dW": ("z = x W + b", "dz/dW", {"x": "1,D"}, "index,vec,backprop"),
}
"""Derivations with views, kept as golden files like the others."""
