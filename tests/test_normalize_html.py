from mtfix.normalize import normalize, span_to_original
from mtfix.readers.html import extract_html


def test_normalize_maps_back_to_original():
    original = "It\u00a0added\u200b that  “another\nopportunity”"
    norm, index_map = normalize(original)
    assert norm == "It added that “another opportunity”"
    start = norm.index("added")
    s, e = span_to_original(index_map, start, start + len("added"))
    assert original[s:e] == "added"


def test_html_text_and_offsets():
    source = "<html><head><title>x</title><script>var a=1;</script></head><body><p>Hello &amp; welcome.</p><p>Second <b>bold</b> line.</p></body></html>"
    text, origin = extract_html(source)
    assert "var a" not in text
    assert "Hello & welcome." in text
    i = text.index("welcome")
    assert source[origin[i]:origin[i] + 7] == "welcome"
    j = text.index("bold")
    assert source[origin[j]:origin[j] + 4] == "bold"
