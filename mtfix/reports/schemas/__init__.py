"""The JSON Schema of the JSON and JSON Lines outputs, read as package data."""
