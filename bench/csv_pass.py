#!/usr/bin/env python3
"""The baseline for bench/discover.sh: a plain Python `csv` pass over an export.

Reads every row of every CSV file, decoding each with the encoding and delimiter that
`crm-migrate discover --json` reported for it (so both sides do the same decoding work),
and prints the rows read per file and in total.

Usage: csv_pass.py EXPORT_DIR REPORT_JSON
"""
import csv
import json
import os
import sys

# By the WHATWG label discover reports; utf-8-sig reads UTF-8 with or without a BOM, and
# Python's utf-16 takes the byte order from the BOM the generated UTF-16 files carry.
CODECS = {
    "UTF-8": "utf-8-sig",
    "UTF-16LE": "utf-16",
    "UTF-16BE": "utf-16",
    "windows-1252": "cp1252",
}
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def main() -> int:
    export, report_path = sys.argv[1], sys.argv[2]
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    csv.field_size_limit(sys.maxsize)
    total = 0
    for obj in report["objects"]:
        path = os.path.join(export, obj["file"])
        with open(path, encoding=CODECS[obj["encoding"]], errors="replace", newline="") as f:
            rows = sum(1 for _ in csv.reader(f, delimiter=DELIMITERS[obj["delimiter"]]))
        # The header is a row to Python's csv; discover counts data rows.
        total += rows - 1 if rows else 0
        print(f"{obj['file']}: {max(rows - 1, 0)} rows")
    print(f"total: {total} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
