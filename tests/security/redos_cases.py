"""The import inputs that the review found slow (issue 16, item 5), as files, and a timer for them.

    GAZETTE_DATA_DIR=$(mktemp -d) .venv/bin/python -m tests.security.redos_cases [SCALE]

imports each case with `import_articles --dry-run` in-process and prints its size and time. SCALE (default 1)
multiplies the sizes: 1 is the review's sizes (the labels).
"""

import json

ARTICLE = "The Government Office held its monthly meeting on 12 March 2024 in Hanoi. "

# name -> (file name, bytes at scale 1)
CASES = {
    "JSONL body of <p a=' (30 KB)": ("tags.jsonl", lambda n: _jsonl("<p a='" * (30_000 // 6 * n))),
    "Markdown *a  (60 KB)": ("stars.md", lambda n: ("# Title\n\n" + "*a " * (20_000 * n)).encode()),
    "[a]( x 20,000 (80 KB)": ("links.md", lambda n: ("# Title\n\n" + ARTICLE + "[a](" * (20_000 * n)).encode()),
    "20,000-space run (20 KB)": ("spaces.txt", lambda n: (ARTICLE + " " * (20_000 * n) + "x\n").encode()),
}


def _jsonl(body):
    return (json.dumps({"title": "Slow", "language": "en", "body": ARTICLE + body}) + "\n").encode()


def main(scale=1):
    import contextlib
    import io
    import os
    import tempfile
    import time
    from pathlib import Path

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    folder = Path(tempfile.mkdtemp())
    for label, (name, make) in CASES.items():
        path = folder / name
        path.write_bytes(make(scale))
        start = time.perf_counter()
        with contextlib.suppress(SystemExit):
            call_command("import_articles", str(path), "--dry-run", stdout=io.StringIO())
        print(f"{label:32} {path.stat().st_size / 1024:7.0f} KB {time.perf_counter() - start:8.2f} s", flush=True)


if __name__ == "__main__":
    import sys

    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
