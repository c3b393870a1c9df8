"""Detectors: the trained heads over the LM's view of a sentence, and their file format."""
