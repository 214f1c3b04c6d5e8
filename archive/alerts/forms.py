import ipaddress

from django import forms
from django.utils.translation import gettext_lazy as _

from archive.alerts import subscriptions
from archive.models import Frequency


def _is_ip_literal(domain):
    try:
        ipaddress.ip_address(domain.strip("[]").removeprefix("ipv6:"))
    except ValueError:
        return domain.startswith("[")
    return True


class SubscribeForm(forms.Form):
    email = forms.EmailField(max_length=254, label=_("E-mail address"))
    frequency = forms.ChoiceField(choices=Frequency.choices, initial=Frequency.DAILY, label=_("How often"))
    # The followed search as a query string; the page that shows the form fills it in.
    params = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if _is_ip_literal(email.rpartition("@")[2]):
            # Django accepts x@[127.0.0.1]: mail to a bare address, such as our own mail server, is not a reader's.
            raise forms.ValidationError(_("Enter an address with a domain name, not an IP address."))
        return email

    def clean(self):
        data = super().clean()
        followed = subscriptions.follow(data.get("params", ""))
        if followed.notices:
            # Something in the search was not understood: following "everything" instead would surprise.
            raise forms.ValidationError(followed.notices)
        data["followed"] = followed
        return data
