"""The index-notation model: shapes of every symbol, and entries in the note's 1-based indices."""
