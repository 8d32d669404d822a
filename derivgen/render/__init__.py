"""Renderers: LaTeX through templates, terminal text, JSON. They print; they never derive."""
