"""Packages are discovered, not listed: every `mtfix/**` folder with an `__init__.py` goes in the
wheel (a test checks that every folder of Python modules has one). The trained detectors live in
the top-level models/ folder beside their card and are installed as the data package
`mtfix.bundled`, so a non-editable install carries them too. training/, benchmarks/ and tests/
stay out. Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["mtfix", "mtfix.*"]) + ["mtfix.bundled"],
    package_dir={"mtfix.bundled": "models"},
)
