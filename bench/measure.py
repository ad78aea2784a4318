#!/usr/bin/env python3
"""Run one command and report its wall time, CPU time and peak RSS, without GNU time.

Usage: measure.py OUT_FILE COMMAND [ARGS...]

The command's own stdout and stderr pass through. OUT_FILE gets one `key value` line each:
wall_s, user_s, sys_s, max_rss_kb. Exits with the command's status.
"""
import resource
import subprocess
import sys
import time


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, command = sys.argv[1], sys.argv[2:]
    start = time.monotonic()
    status = subprocess.call(command)
    wall = time.monotonic() - start
    # RUSAGE_CHILDREN covers every waited-for child; this process has only the one.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    rss_kb = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"wall_s {wall:.3f}\nuser_s {usage.ru_utime:.3f}\n")
        f.write(f"sys_s {usage.ru_stime:.3f}\nmax_rss_kb {rss_kb}\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
