"""Whole pages for readers from Django's cache, invalidated exactly when what they show may change.

The cache key holds the content generation: the search index generation this process reads (it moves with
every index commit and every rebuild swap), the last queued index change (it moves with every article change,
before the index writer applies it: a takedown changes the key at once) and a counter bumped when the
gazetteer changes (names, aliases, roles, topics shown on pages). Nothing is ever deleted from the cache: a
new generation makes old entries unreachable, and they expire.

Pages hold a per-reader CSRF token (the interface-language and alert forms) and may hold the response's CSP
nonce: the cached copy holds placeholders, replaced by the reader's own values on the way out. Signed-in
users (editors) and responses that carry flash messages bypass the cache. Headers that depend on the request
(Vary, Content-Language, cookies) are set by the middleware on every response, cached or not.
"""

import hashlib
from functools import cache as cache_on_first_use
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

from archive.search import indexing

SALT_KEY = "gazette:gazetteer-generation"
TIMEOUT = 600


@cache_on_first_use
def placeholders():
    """(CSRF, nonce) placeholders: derived from the secret key, so the same in every process and unknown to
    anyone who could get a chosen string reflected into a page."""
    digest = salted_hmac("archive.pagecache", "placeholders").hexdigest()
    return f"csrf-{digest[:24]}", f"nonce-{digest[24:48]}"


def bump():
    """The gazetteer changed: every cached page may be stale."""
    try:
        cache.incr(SALT_KEY)
    except ValueError:
        cache.set(SALT_KEY, 1, None)


def generation():
    be = indexing.backend()
    index = be.generation() if hasattr(be, "generation") else ""
    return f"{index}|{indexing.last_change_id()}|{cache.get(SALT_KEY, 0)}"


def _cacheable(request):
    # A session (an editor signed in, or flash messages stored there) or a messages cookie: a page of its own.
    return request.method in ("GET", "HEAD") and not {settings.SESSION_COOKIE_NAME, "messages"} & set(request.COOKIES)


def cached_page(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        # The scheme too: a page built for https (its absolute links) must not be served over http.
        raw = f"{generation()}|{get_language()}|{request.scheme}://{request.get_host()}|{request.get_full_path()}"
        key = "page:" + hashlib.sha256(raw.encode()).hexdigest()
        stored = cache.get(key)
        if stored is None:
            response = _render_for_cache(view, request, *args, **kwargs)
            if response.streaming:
                return response
            if response.status_code == 200:
                stored = (response.content, response["Content-Type"])
                cache.set(key, stored, TIMEOUT)
        else:
            response = HttpResponse(stored[0], content_type=stored[1])
        response.content = personalize(response.content, request)
        return response

    return wrapper


def _render_for_cache(view, request, *args, **kwargs):
    """The view's response, rendered now with placeholders. Only while the view runs: an error page (a 404
    raised by the view, say) is rendered afterwards, with the reader's own values."""
    request.rendering_for_cache = True
    try:
        response = view(request, *args, **kwargs)
        if not getattr(response, "is_rendered", True):
            response.render()
        return response
    finally:
        request.rendering_for_cache = False


def personalize(content, request):
    """The reader's CSRF token and CSP nonce in place of the placeholders, only where the site's own markup puts
    them: the token in the hidden `csrfmiddlewaretoken` field (a search box that echoes the placeholder stays as
    typed), the nonce in a `nonce` attribute. Reflected text is escaped, so it cannot hold `="`."""
    csrf, nonce = placeholders()
    field = 'name="csrfmiddlewaretoken" value="{}"'
    content = content.replace(field.format(csrf).encode(), field.format(get_token(request)).encode())
    return content.replace(f'nonce="{nonce}"'.encode(), f'nonce="{request.csp_nonce}"'.encode())


def csrf_placeholder(request):
    """Context processor: pages rendered for the cache hold placeholders where the reader's CSRF token and CSP
    nonce go."""
    if getattr(request, "rendering_for_cache", False):
        csrf, nonce = placeholders()
        return {"csrf_token": csrf, "csp_nonce": nonce}
    return {}
