"""One .xlsx export of every proposal, in a fresh process, so that its peak RSS is the export's own.

Started by bench/run.py with the benchmark's environment (DATABASE_URL …); prints one JSON line.
The peak is VmHWM of /proc/self/status: the high-water mark of this process's own memory.
`ru_maxrss` is not used: Linux carries it over from the parent across fork and exec, so a child of
the benchmark (which holds the generated data) would report the parent's size.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cppcc.settings")


def status_mb(field: str) -> float:
    """A memory figure of /proc/self/status (VmRSS: now, VmHWM: peak), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(username: str) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from proposals import exports, selectors

    office = get_user_model().objects.get(username=username)
    # Warm the imports the export needs (the Excel writer, the models' modules) so they do not count as export.
    from cppcc import xlsx_stream  # noqa: F401

    baseline = status_mb("VmRSS")
    start = time.perf_counter()
    out = exports.proposals_xlsx(user=office, proposals=selectors.proposal_list(user=office))
    out.seek(0, 2)
    size = out.tell()
    elapsed = time.perf_counter() - start
    peak = status_mb("VmHWM")
    rows = selectors.proposal_list(user=office).count()
    return {"seconds": elapsed, "peak_rss_mb": peak, "baseline_rss_mb": baseline, "bytes": size, "rows": rows}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "office")))
