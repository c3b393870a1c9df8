"""Trained weights shipped with mtfix (installed as the package `mtfix.bundled`)."""
