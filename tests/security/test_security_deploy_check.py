"""`manage.py check --deploy` is clean under DJANGO_HTTPS=1, and the HTTPS settings really take effect."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(tmp_path, *args, https="1", code=None):
    env = {
        **os.environ,
        "DJANGO_HTTPS": https,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "gazette.example.org",
        "DJANGO_DEBUG": "0",
        "GAZETTE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    command = [sys.executable, "manage.py", *args] if code is None else [sys.executable, "-c", code]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_check_deploy_reports_no_issues_with_https_on(tmp_path):
    done = run_manage(tmp_path, "check", "--deploy", "--fail-level", "DEBUG")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_does_complain_without_https(tmp_path):
    # The clean result above is earned by the settings, not by a check that never fires.
    done = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", https="0")
    assert done.returncode != 0
    assert "security.W004" in done.stderr + done.stdout  # no HSTS


SHOW_SETTINGS = """
import django; django.setup()
from django.conf import settings as s
print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,
      s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_HTTPONLY)
"""


def test_https_switch_sets_hsts_for_a_year_redirect_secure_cookies_and_the_proxy_header(tmp_path):
    done = run_manage(tmp_path, code=SHOW_SETTINGS)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["31536000", "True", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')", "True"]


@pytest.mark.django_db
def test_behind_the_proxy_plain_http_is_redirected_and_https_gets_hsts(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.ALLOWED_HOSTS = ["gazette.example.org"]
    from django.test import Client

    plain = Client().get("/", HTTP_HOST="gazette.example.org", HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301
    assert plain["Location"] == "https://gazette.example.org/"
    secure = Client().get("/healthz", HTTP_HOST="gazette.example.org", HTTP_X_FORWARDED_PROTO="https")
    assert secure["Strict-Transport-Security"].startswith("max-age=31536000")
