"""Gazette's haystack engine for Whoosh. Subclassed so that search fixes stay in one place."""

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend


class GazetteWhooshBackend(WhooshSearchBackend):
    pass


class GazetteWhooshEngine(WhooshEngine):
    backend = GazetteWhooshBackend
