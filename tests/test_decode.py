import codecs

import pytest

from mtfix.errors import InputError
from mtfix.readers.decode import decode_bytes

TEXT = "The minister’s “plan” costs 5 € — naïve café.\n"


@pytest.mark.parametrize("data, codec, bom", [
    (TEXT.encode("utf-8"), "utf-8", 0),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", 3),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", 2),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", 2),
    (TEXT.encode("utf-16-le"), "utf-16-le", 0),
    (TEXT.encode("cp1252"), "cp1252", 0),
])
def test_decodes_common_encodings(data, codec, bom):
    text, found_codec, found_bom = decode_bytes(data)
    assert text == TEXT
    assert (found_codec, found_bom) == (codec, bom)


def test_binary_is_refused():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(bytes(range(256)) * 4)


def test_control_characters_are_refused():
    with pytest.raises(InputError, match="binary"):
        decode_bytes(b"\x01\x02\x03\x04abc\x05\x06\x07\x08" * 50)


def test_invalid_utf16_after_bom_is_an_input_error():
    with pytest.raises(InputError):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8a")
