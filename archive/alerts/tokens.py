"""Links in alert e-mails. They carry the subscription's random key signed with the secret key (Django's
signing, so SECRET_KEY_FALLBACKS keeps old links working after a rotation). The database stores the key only:
a copy of it cannot confirm or cancel anybody's subscription."""

import secrets

from django.core import signing

CONFIRM_SALT = "archive.alerts.confirm"
UNSUBSCRIBE_SALT = "archive.alerts.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # seconds; an unconfirmed subscription is removed after this too


def new_key():
    return secrets.token_hex(16)


def confirm_token(subscription, frequency):
    """The frequency rides in the token: a confirmed subscription changes only when its owner clicks."""
    return signing.dumps({"k": subscription.key, "f": frequency}, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token):
    """(key, frequency); raises signing.SignatureExpired or signing.BadSignature."""
    data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("k"), str):
        raise signing.BadSignature("malformed")
    return data["k"], data.get("f")


def unsubscribe_token(subscription):
    return signing.dumps(subscription.key, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token):
    """The key; raises signing.BadSignature. Never expires: RFC 8058 links must keep working."""
    key = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if not isinstance(key, str):
        raise signing.BadSignature("malformed")
    return key
