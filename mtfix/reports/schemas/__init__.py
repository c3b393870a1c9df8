"""The JSON Schema of the JSON and JSON Lines outputs, read as package data, with the label
enum taken from the label table (a test keeps the file's own enum the same)."""

from __future__ import annotations

import json
from importlib import resources

from mtfix import labels


def output_schema() -> dict:
    schema = json.loads(resources.files(__name__).joinpath("output.schema.json").read_text("utf-8"))
    schema["$defs"]["label"]["enum"] = list(labels.LABELS)
    return schema
