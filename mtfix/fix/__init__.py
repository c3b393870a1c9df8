"""Repairs: candidate sources, guards, reranking and applying the chosen rewrites."""
