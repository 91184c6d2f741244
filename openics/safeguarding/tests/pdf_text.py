"""Read the text back out of a PDF that WeasyPrint wrote, so tests can check
what the printed page says (no PDF reader is in the lock files).

Enough of PDF for WeasyPrint's output: objects (plain and in object
streams), Flate streams, fonts' ToUnicode maps (bfchar and bfrange), and the
`Tf`, `Tj` and `TJ` operators of page content.
"""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)


def _stream(body: bytes) -> bytes | None:
    match = _STREAM.search(body)
    if match is None:
        return None
    data = match.group(1)
    if b"/FlateDecode" in body[: body.find(b"stream")]:
        try:
            return zlib.decompress(data)
        except zlib.error:
            return None
    return data


def _objects(pdf: bytes) -> dict[int, bytes]:
    objects: dict[int, bytes] = {}
    for match in _OBJ.finditer(pdf):
        number, body = int(match.group(1)), match.group(2)
        objects[number] = body
        if b"/ObjStm" in body[: body.find(b"stream")] if b"stream" in body else False:
            data = _stream(body) or b""
            first = int(re.search(rb"/First (\d+)", body).group(1))  # type: ignore[union-attr]
            header = data[:first].split()
            pairs = [(int(header[i]), int(header[i + 1])) for i in range(0, len(header) - 1, 2)]
            for index, (inner, offset) in enumerate(pairs):
                end = pairs[index + 1][1] if index + 1 < len(pairs) else len(data) - first
                objects[inner] = data[first + offset : first + end]
    return objects


def _cmap(text: bytes) -> dict[str, str]:
    mapping: dict[str, str] = {}

    def chars(hex_text: bytes) -> str:
        raw = bytes.fromhex(hex_text.decode())
        return raw.decode("utf-16-be", errors="replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[src.decode().lower()] = chars(dst)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            width = len(lo)
            start = int(dst, 16)
            for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[f"{code:0{width}x}"] = chr(start + offset)
    return mapping


def pdf_text(pdf: bytes) -> str:
    """All the text drawn in the PDF, in drawing order, spaces normalised."""
    objects = _objects(pdf)
    maps: dict[int, dict[str, str]] = {}
    for number, body in objects.items():
        match = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if match:
            maps[number] = _cmap(_stream(objects.get(int(match.group(1)), b"")) or b"")
    fonts: dict[str, dict[str, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/([A-Za-z0-9_.+-]+) (\d+) 0 R", body):
            if int(ref) in maps:
                fonts[name.decode()] = maps[int(ref)]
    pieces: list[str] = []
    for body in objects.values():
        if b"stream" not in body or b"/ToUnicode" in body:
            continue
        content = _stream(body)
        if not content or b"Tf" not in content:
            continue
        current: dict[str, str] = {}
        for token in re.finditer(
            rb"/([A-Za-z0-9_.+-]+)\s+[\d.]+\s+Tf|\[(.*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", content, re.S
        ):
            if token.group(1):
                current = fonts.get(token.group(1).decode(), {})
                continue
            strings = (
                re.findall(rb"<([0-9a-fA-F]*)>", token.group(2)) if token.group(2) is not None else [token.group(3)]
            )
            text = []
            for hex_string in strings:
                hex_text = hex_string.decode().lower()
                for i in range(0, len(hex_text), 4):
                    text.append(current.get(hex_text[i : i + 4], ""))
            pieces.append("".join(text))
    return re.sub(r"\s+", " ", " ".join(pieces)).strip()
