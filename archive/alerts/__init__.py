"""E-mail alerts: a reader follows a search, topic, official or language by e-mail.

Subscribing sends a confirmation link (double opt-in); `send_alerts` mails what is new; every message carries a
one-click unsubscribe link and the List-Unsubscribe headers (RFC 2369, RFC 8058).
"""
