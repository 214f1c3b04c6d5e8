"""Defences that apply to every request: a cap on the size of request bodies, a gate that reads no upload body
for anyone but an editor, a Content-Security-Policy with a per-request nonce, and a throttle on admin sign-in
attempts.

The other protective headers (nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options,
HSTS) come from Django's own SecurityMiddleware and XFrameOptionsMiddleware, configured in settings.
"""

import logging
import secrets
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseForbidden
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.translation import gettext as _

from archive import ratelimit

log = logging.getLogger("archive.security")

# Scripts run only from our own origin or with this request's nonce; nothing may frame the site.
CSP = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self'; "
    "img-src 'self' data: https:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


class RequestSizeMiddleware:
    """Refuses a request whose declared body is larger than its path allows (413), before anything reads it.

    Django spools uploaded files to disk while it parses a form, even one CSRF then rejects: without this, anyone
    could fill the disk with large posts to any URL. Only the admin upload takes files; its cap follows the
    upload limits (archive/ingest/formats.py), and its own checks still apply per file.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        from archive.ingest.formats import Limits

        limits = Limits.from_settings()
        self.upload_cap = limits.files * limits.file_bytes + limits.zip_bytes
        self.cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2_621_440

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse(_("Invalid Content-Length."), status=400, content_type="text/plain; charset=utf-8")
        cap = self.upload_cap if is_upload(request) else self.cap
        if declared > cap:
            return HttpResponse(_("The request is too large."), status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def is_upload(request):
    return request.path.endswith("/archive/article/upload/")


class UploadGateMiddleware:
    """Only an editor who may add articles gets an upload's body read: anyone else is answered before the CSRF
    check or the view parses the form, so a large body is neither read nor spooled to disk.

    Placed after AuthenticationMiddleware (it needs the user) and before any process_view (CSRF reads the form).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "POST" or not is_upload(request):
            return self.get_response(request)
        user = request.user
        if user.is_active and user.is_staff and user.has_perm("archive.add_article"):
            return self.get_response(request)
        if user.is_authenticated:
            return HttpResponseForbidden(_("You may not upload articles."), content_type="text/plain; charset=utf-8")
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))


class ContentSecurityPolicyMiddleware:
    """Gives each request a fresh `request.csp_nonce` and sends the policy that allows it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(18)
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=request.csp_nonce))
        return response


def public_host(host):
    """`host` without a port that neither ALLOWED_HOSTS nor SITE_URL names. Django checks Host against
    ALLOWED_HOSTS without its port, so the port is the client's to choose."""
    domain, port = split_domain_port(host)
    if not port:
        return host
    named = {entry.lower() for entry in settings.ALLOWED_HOSTS} | {urlsplit(settings.SITE_URL).netloc.lower()}
    return host if f"{domain}:{port}" in named else domain


def named_port_only(view):
    """For documents whose absolute URLs others keep (robots.txt, OpenSearch, feeds, the sitemap): a forged
    port in Host never lands in them."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        header = "HTTP_X_FORWARDED_HOST" if settings.USE_X_FORWARDED_HOST else "HTTP_HOST"
        if header in request.META:
            request.META[header] = public_host(request.get_host())
        return view(request, *args, **kwargs)

    return wrapper


def csp(request):
    """Template context processor: `{{ csp_nonce }}` for `<script nonce="…">`."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


# --- admin sign-in throttle -------------------------------------------------------------------------


def _limits():
    conf = getattr(settings, "LOGIN_THROTTLE", {})
    return conf.get("ATTEMPTS", 5), conf.get("IP_ATTEMPTS", 30), conf.get("WINDOW", 900)


def client_ip(request):
    """The address that made the request. Behind the TLS proxy (DJANGO_HTTPS) it is the last
    X-Forwarded-For entry, the one our proxy appended; earlier entries are the client's to forge."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def _keys(request, username):
    ip = client_ip(request)
    return ratelimit.key("login-user", ip, (username or "").lower()), ratelimit.key("login-ip", ip)


def login_locked(request, username):
    attempts, ip_attempts, _window = _limits()
    user_key, ip_key = _keys(request, username)
    return ratelimit.count(user_key) >= attempts or ratelimit.count(ip_key) >= ip_attempts


@receiver(user_login_failed)
def _record_failed_login(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    username = credentials.get("username", "")
    _attempts, _ip_attempts, window = _limits()
    user_key, ip_key = _keys(request, username)
    count = ratelimit.hit(user_key, window)
    ratelimit.hit(ip_key, window)
    log.warning("failed sign-in for %r from %s (%d in window)", username, client_ip(request), count)


@receiver(user_logged_in)
def _forget_failed_logins(sender, request=None, user=None, **kwargs):
    if request is not None and user is not None:
        ratelimit.reset(_keys(request, user.get_username())[0])


class LoginThrottleMiddleware:
    """Answers 429 to sign-in POSTs once an address (with or without one user name) has failed too often."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # By view name rather than path, so a language prefix or a moved admin stays covered.
        if request.method != "POST" or request.resolver_match.view_name != "admin:login":
            return None
        username = request.POST.get("username", "")
        if not login_locked(request, username):
            return None
        log.warning("sign-in refused for %r from %s: too many failures", username, client_ip(request))
        response = HttpResponse(
            _("Too many failed sign-in attempts. Try again later."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(_limits()[2])
        return response
