from django import forms
from django.utils.translation import gettext_lazy as _

from archive.alerts import subscriptions
from archive.models import Frequency


class SubscribeForm(forms.Form):
    email = forms.EmailField(max_length=254, label=_("E-mail address"))
    frequency = forms.ChoiceField(choices=Frequency.choices, initial=Frequency.DAILY, label=_("How often"))
    # The followed search as a query string; the page that shows the form fills it in.
    params = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        followed = subscriptions.follow(data.get("params", ""))
        if followed.notices:
            # Something in the search was not understood: following "everything" instead would surprise.
            raise forms.ValidationError(followed.notices)
        data["followed"] = followed
        return data
