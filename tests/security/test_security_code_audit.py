"""Static checks over the project's own code for patterns that turn request data into queries or SQL.

CVE-2025-64459: `Model.objects.filter(**request.GET)` lets a client pick lookups such as `_connector`
or `status` and read what it should not. Request data reaches the ORM only through validated forms.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUERY_METHODS = {
    "filter", "exclude", "get", "create", "update", "get_or_create", "update_or_create", "order_by",
    "values", "annotate", "aggregate", "Q", "in_bulk", "defer", "only",
}  # fmt: skip
REQUEST_WORDS = ("request", "GET", "POST", "QueryDict", "query_params", "META", "COOKIES")


def project_files():
    for folder in ("archive", "config"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def findings(source, name="<code>"):
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for kw in node.keywords:
            if kw.arg is None and func in QUERY_METHODS:
                expanded = ast.unparse(kw.value)
                if any(word in expanded for word in REQUEST_WORDS):
                    found.append(f"{name}:{node.lineno} {func}(**{expanded})")
        if func in {"raw", "extra", "execute", "RawSQL"} and node.args:
            sql = node.args[0]
            if isinstance(sql, ast.JoinedStr) or (isinstance(sql, ast.BinOp) and isinstance(sql.op, ast.Mod | ast.Add)):
                found.append(f"{name}:{node.lineno} {func}() with SQL built by formatting")
            if isinstance(sql, ast.Call) and getattr(sql.func, "attr", "") == "format":
                found.append(f"{name}:{node.lineno} {func}() with SQL built by .format()")
    return found


def test_the_detector_finds_the_patterns_it_looks_for():
    bad = """
Article.objects.filter(**request.GET)
Article.objects.filter(**request.GET.dict())
qs.exclude(**{k: v for k, v in request.POST.items()})
Article.objects.raw(f"SELECT * FROM archive_article WHERE title = '{q}'")
cursor.execute("SELECT %s" % q)
qs.extra(where=["x"])
"""
    assert len(findings(bad)) == 5
    good = """
Article.objects.filter(**{"status": "published"})
Article.objects.filter(**filters)
cursor.execute("SELECT 1 WHERE x = %s", [q])
"""
    assert findings(good) == []


def test_no_request_data_is_expanded_into_a_query_and_no_sql_is_formatted():
    found = []
    for path in project_files():
        found += findings(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, found


def test_rich_text_is_marked_safe_only_where_it_was_sanitized():
    """`|safe` in templates may only be applied to an article body, which is sanitized on every save."""
    uses = []
    for path in (ROOT / "templates").rglob("*.html"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "|safe" in line.replace(" ", "") or "autoescape off" in line:
                uses.append((str(path.relative_to(ROOT)), number, line.strip()))
    unexpected = [u for u in uses if "article.body|safe" not in u[2].replace(" ", "")]
    assert not unexpected, unexpected


# Where Python code may declare a string safe HTML, and why that is sound. Anything new must be argued here.
MARK_SAFE_ALLOWED = {
    "archive/search/highlight.py",  # escape() on every piece of stored text, then <mark> tags
    "archive/templatetags/gazette.py",  # JSON-LD with <, > and & escaped as \u003C etc.
}


def test_python_marks_strings_safe_only_where_every_part_was_escaped():
    found = []
    for path in project_files():
        name = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                if func in {"mark_safe", "SafeString", "SafeText"} and name not in MARK_SAFE_ALLOWED:
                    found.append(f"{name}:{node.lineno} {func}()")
    assert not found, found


def test_there_is_one_sanitizer():
    """Only archive/sanitize.py talks to an HTML-cleaning library; everything else calls sanitize_html()."""
    found = []
    for path in project_files():
        name = str(path.relative_to(ROOT))
        if name == "archive/sanitize.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = []
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            if any(m.split(".")[0] in {"nh3", "bleach", "lxml_html_clean", "html_sanitizer"} for m in modules):
                found.append(f"{name}:{node.lineno}")
    assert not found, found
