"""A real Gazette in subprocesses for the integrity tests: its own data dir (and its own PostgreSQL database when
the suite runs on PostgreSQL), `manage.py` commands, gunicorn with its index writer, and an HTTP client that signs
in to the admin like an editor."""

import contextlib
import http.cookiejar
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
PASSWORD = "correct horse battery staple 1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique_word(n):
    """A word no analyzer stems or folds into another: letters only, distinct per n."""
    letters = "bcdfghjklmnpqrstvwxz"
    word = ""
    n += 1000
    while n:
        n, r = divmod(n, len(letters))
        word += letters[r]
    return "qz" + word


def articles_jsonl(path, count, start=0):
    lines = []
    for n in range(start, start + count):
        lines.append(
            json.dumps(
                {
                    "title": f"Government report {n} {unique_word(n)}",
                    "body": f"<p>The government budget meeting discussed item {n}, called {unique_word(n)}.</p>",
                    "language": "en",
                    "published": f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                    "source_url": f"https://example.org/report/{n}",
                }
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Site:
    def __init__(self, data_dir):
        self.data_dir = Path(data_dir)
        self.env = {
            **os.environ,
            "GAZETTE_DATA_DIR": str(self.data_dir),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECRET_KEY": "integration-tests-only",
            "SEARCH_URL": "",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.database = None
        self._postgres_database()
        self.server = None
        self.port = None
        self.log = self.data_dir / "gunicorn.log"

    # A PostgreSQL database of its own (the suite's test database belongs to pytest-django).
    def _postgres_database(self):
        url = os.environ.get("DATABASE_URL", "")
        if not url.startswith(("postgres://", "postgresql://")):
            self.env.pop("DATABASE_URL", None)
            return
        import psycopg

        parts = urllib.parse.urlsplit(url)
        self.database = f"gazette_it_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.database}"')
        self.env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path="/" + self.database))
        self._admin_url = url

    def drop_database(self):
        if self.database:
            import psycopg

            with psycopg.connect(self._admin_url, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def manage(self, *args, timeout=300, check=True):
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"manage.py {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def popen_manage(self, *args):
        return subprocess.Popen(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def django(self, code, timeout=120):
        """Run Python code with Django set up for this site; returns its stdout."""
        script = (
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup()\n"
        )
        result = subprocess.run(
            [PYTHON, "-c", script + code], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise AssertionError(f"script failed:\n{result.stderr}")
        return result.stdout

    def setup(self, articles=0):
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")
        if articles:
            self.manage("import_articles", str(articles_jsonl(self.data_dir / "seed.jsonl", articles)))
        self.env["DJANGO_SUPERUSER_PASSWORD"] = PASSWORD
        self.manage("createsuperuser", "--noinput", "--username", "editor", "--email", "editor@example.org")

    def serve(self, workers=3, config=True, options=(), env=None):
        """gunicorn with config/gunicorn.conf.py, or (config=False) plain `gunicorn config.wsgi:application`."""
        self.port = free_port()
        command = [GUNICORN, "-c", "config/gunicorn.conf.py"] if config else [GUNICORN, "config.wsgi:application"]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--access-logfile", "/dev/null"]
        self._start([*command, *options], {"GAZETTE_INDEXER": "embedded", **(env or {})})

    def runserver(self, env=None):
        """`manage.py runserver` with its autoreloader, as a developer runs it."""
        self.port = free_port()
        self._start([PYTHON, "manage.py", "runserver", f"127.0.0.1:{self.port}"], env or {})

    def _start(self, command, env):
        self._log_handle = self.log.open("w")
        self.server = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**self.env, **env},
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if "status" in self.get_json("/healthz"):
                    return
            except urllib.error.HTTPError as error:
                if error.code == 503:  # serving, though unhealthy: some tests want just that
                    return
            except (OSError, ValueError):
                pass
            if self.server.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"the server did not start:\n{self.log.read_text()}")

    def stop(self):
        if self.server and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.server.wait(timeout=30)
        if self.server:
            # runserver's reloader leaves its child behind on SIGTERM: the whole group goes.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.server.pid, signal.SIGKILL)
            self.server.wait()
            self.server = None
        if getattr(self, "_log_handle", None):
            self._log_handle.close()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, timeout=30):
        with urllib.request.urlopen(self.url(path), timeout=timeout) as response:
            return response.status, response.read()

    def get_json(self, path, timeout=30):
        return json.loads(self.get(path, timeout)[1])

    def search_ids(self, q):
        body = self.get_json("/api/search/?" + urllib.parse.urlencode({"q": q}))
        return {hit["id"] for hit in body["results"]}, body["count"]


class Editor:
    """An admin session over HTTP, with CSRF tokens and cookies like a browser."""

    def __init__(self, site):
        self.site = site
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self._open("/admin/login/")
        form = lxml.html.fromstring(page).forms[0]
        self.post("/admin/login/", {**dict(form.form_values()), "username": "editor", "password": PASSWORD})
        assert any(cookie.name == "sessionid" for cookie in self.jar), "sign-in failed"

    def _open(self, path, data=None):
        request = urllib.request.Request(self.site.url(path), data=data)
        request.add_header("Referer", self.site.url(path))
        with self.opener.open(request, timeout=30) as response:
            return response.read()

    def post(self, path, fields):
        return self._open(path, urllib.parse.urlencode(fields, doseq=True).encode())

    def csrf(self):
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def change_article(self, pk, **changes):
        """Submit the article's admin form with these fields changed, as an editor would."""
        return self.submit_form(pk, self.read_form(pk), **changes)

    def read_form(self, pk):
        """The fields of the article's admin form, as the page holds them now."""
        path = f"/admin/archive/article/{pk}/change/"
        form = next(f for f in lxml.html.fromstring(self._open(path)).forms if f.get("id") == "article_form")
        fields = {}
        for name, value in form.form_values():
            fields.setdefault(name, []).append(value)
        return fields

    def submit_form(self, pk, fields, **changes):
        """Post a form read earlier, with these fields changed; returns the page the admin answers with."""
        fields = {**fields, **{name: [value] for name, value in changes.items()}, "_save": ["Save"]}
        return self.post(f"/admin/archive/article/{pk}/change/", fields).decode()

    def upload(self, name, content, publish=True):
        """Upload one file through the admin's upload page; returns the result page's HTML."""
        path = "/admin/archive/article/upload/"
        self._open(path)
        boundary = uuid.uuid4().hex
        fields = {"csrfmiddlewaretoken": self.csrf(), **({"publish": "on"} if publish else {})}
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        body = "".join(parts).encode() + content + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(self.site.url(path), data=body)
        request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
        request.add_header("Referer", self.site.url(path))
        with self.opener.open(request, timeout=60) as response:
            return response.read().decode()

    def page(self, path):
        return self._open(path).decode()

    def action(self, name, *pks):
        self.post(
            "/admin/archive/article/",
            {"action": name, "_selected_action": [str(pk) for pk in pks], "csrfmiddlewaretoken": self.csrf()},
        )


def wait_for(predicate, timeout, interval=0.05):
    """Seconds until predicate() was true, or None after `timeout`."""
    started = time.monotonic()
    while True:
        if predicate():
            return time.monotonic() - started
        if time.monotonic() - started > timeout:
            return None
        time.sleep(interval)


__all__ = ["Editor", "Site", "articles_jsonl", "unique_word", "urllib", "wait_for"]
