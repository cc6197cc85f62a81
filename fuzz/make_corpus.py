#!/usr/bin/python3
"""Seed corpora for the fuzz targets, made from the shared vectors at fuzz
time so that no binary seed is committed.

    make_corpus.py VECTORS_DIR OUT_DIR

writes OUT_DIR/<target>/ for barcode_fuzz, cose_cbor_fuzz, status_list_fuzz
and base45_zlib_fuzz:

- barcode_fuzz: every barcode of cases.json, as text;
- base45_zlib_fuzz: the Base45 part of each barcode, and its zlib stream;
- cose_cbor_fuzz: each barcode's COSE_Sign1 (inflated), its claims payload,
  and the validity lists' tokens;
- status_list_fuzz: the validity lists' tokens (the .cwt files, copied).

Only the Python standard library is used. Barcodes that do not decode (the
vectors include broken ones on purpose) still seed the targets they reach.
"""
import json
import pathlib
import shutil
import sys
import zlib

B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
PREFIX = "SDC1:"


def base45_decode(text):
    out = bytearray()
    for i in range(0, len(text), 3):
        chunk = text[i:i + 3]
        digits = [B45.index(c) for c in chunk]
        if len(chunk) == 3:
            value = digits[0] + digits[1] * 45 + digits[2] * 2025
            if value > 0xFFFF:
                raise ValueError("triple above 0xFFFF")
            out += value.to_bytes(2, "big")
        elif len(chunk) == 2:
            value = digits[0] + digits[1] * 45
            if value > 0xFF:
                raise ValueError("pair above 0xFF")
            out.append(value)
        else:
            raise ValueError("dangling character")
    return bytes(out)


def cbor_head(data, pos):
    """(major, argument, position after the head) of the item at pos."""
    initial = data[pos]
    major, info = initial >> 5, initial & 31
    if info < 24:
        return major, info, pos + 1
    width = {24: 1, 25: 2, 26: 4, 27: 8}[info]
    return major, int.from_bytes(data[pos + 1:pos + 1 + width], "big"), pos + 1 + width


def cose_payload(cose):
    """The payload bstr of a COSE_Sign1 [protected, unprotected, payload, sig]."""
    major, arg, pos = cbor_head(cose, 0)
    if major == 6:  # tag 18
        major, arg, pos = cbor_head(cose, pos)
    if major != 4 or arg != 4:
        raise ValueError("not an array of four")
    major, arg, pos = cbor_head(cose, pos)  # protected: bstr
    pos += arg
    major, arg, pos = cbor_head(cose, pos)  # unprotected: a map, empty in the vectors
    if major != 5 or arg != 0:
        raise ValueError("unprotected header not empty")
    major, arg, pos = cbor_head(cose, pos)  # payload: bstr
    if major != 2:
        raise ValueError("payload is not a bstr")
    return cose[pos:pos + arg]


def write(directory, name, data):
    directory.mkdir(parents=True, exist_ok=True)
    mode = "w" if isinstance(data, str) else "wb"
    with open(directory / name, mode, encoding=None if mode == "wb" else "utf-8") as f:
        f.write(data)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make_corpus.py VECTORS_DIR OUT_DIR")
    vectors, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    cases = json.loads((vectors / "cases.json").read_text(encoding="utf-8"))["cases"]
    counts = {}

    def add(target, name, data):
        write(out / target, name, data)
        counts[target] = counts.get(target, 0) + 1

    for case in cases:
        name, barcode = case["name"], case["barcode"]
        add("barcode_fuzz", name, barcode)
        if not barcode.startswith(PREFIX):
            continue
        text = barcode[len(PREFIX):]
        add("base45_zlib_fuzz", name + ".b45", text)
        try:
            compressed = base45_decode(text)
        except ValueError:
            continue
        add("base45_zlib_fuzz", name + ".zlib", compressed)
        try:
            cose = zlib.decompressobj().decompress(compressed, 16 * 1024)
        except zlib.error:
            continue
        add("cose_cbor_fuzz", name + ".cose", cose)
        try:
            add("cose_cbor_fuzz", name + ".claims", cose_payload(cose))
        except (ValueError, KeyError, IndexError):
            pass

    for token in sorted(vectors.glob("*.cwt")):
        for target in ("status_list_fuzz", "cose_cbor_fuzz"):
            (out / target).mkdir(parents=True, exist_ok=True)
            shutil.copyfile(token, out / target / token.name)
            counts[target] = counts.get(target, 0) + 1

    for target, n in sorted(counts.items()):
        print(f"{target}: {n} seeds")


if __name__ == "__main__":
    main()
