from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from archive.alerts import mail, subscriptions, tokens
from archive.alerts.forms import SubscribeForm
from archive.models import Frequency, Subscription
from archive.security import client_ip


@require_POST
def subscribe(request):
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "archive/alerts/subscribe.html", {"form": form}, status=400)
    data = form.cleaned_data
    language = (get_language() or "en")[:2]
    try:
        subscriptions.request(data["email"], data["followed"], data["frequency"], language, client_ip(request))
    except subscriptions.TooManyRequests:
        return render(request, "archive/alerts/too_many.html", status=429)
    # The same answer whether the address was new, pending or confirmed: nobody learns who subscribes to what.
    return render(request, "archive/alerts/pending.html", {"email": data["email"], "followed": data["followed"]})


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET shows a button and POST confirms: mail scanners that open links must not subscribe anybody."""
    try:
        key, frequency = tokens.read_confirm_token(token)
    except signing.SignatureExpired:
        return render(request, "archive/alerts/expired.html", status=410)
    except signing.BadSignature:
        raise Http404 from None
    subscription = get_object_or_404(Subscription, key=key)
    if frequency not in Frequency.values:
        frequency = subscription.frequency
    context = {
        "followed": subscriptions.follow(subscription.query),
        "frequency": Frequency(frequency),
        "subscription": subscription,
    }
    if request.method == "POST":
        subscriptions.confirm(subscription, frequency)
        context["unsubscribe_url"] = mail.unsubscribe_url(subscription)
        return render(request, "archive/alerts/confirmed.html", context)
    return render(request, "archive/alerts/confirm.html", context)


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a CSRF token; the signed token is the authority.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        key = tokens.read_unsubscribe_token(token)
    except signing.BadSignature:
        raise Http404 from None
    subscription = Subscription.objects.filter(key=key).first()
    if request.method == "POST":
        if subscription is not None:
            subscription.delete()
        return render(request, "archive/alerts/unsubscribed.html")
    followed = subscriptions.follow(subscription.query) if subscription else None
    return render(request, "archive/alerts/unsubscribe.html", {"subscription": subscription, "followed": followed})
