"""The OpenAPI 3.1 description of Gazette's machine interface: the search API, its CSV export, the feeds and
the citation downloads. Served at /api/openapi.json; tests validate it and check live responses against it.

Bad parameters never make an error: values that cannot be used are dropped and reported in `notices`
(JSON) or ignored (CSV, feeds). So parameters are described as the strings they may be, with their
meaning, rather than with constraints the server does not enforce.
"""

from archive.citations import FORMATS
from archive.models import Language
from archive.search import export, registry

VERSION = "1.0.0"
LANGUAGES = list(Language.values)


def _parameter(name, description, *, many=False, example=None, schema=None):
    schema = schema or {"type": "string"}
    parameter = {"name": name, "in": "query", "required": False, "description": description}
    if many:
        parameter.update(schema={"type": "array", "items": schema}, style="form", explode=True)
    else:
        parameter["schema"] = schema
    if example is not None:
        parameter["example"] = example
    return parameter


def filters():
    """The parameters that select articles: the words, every facet (archive/search/registry.py), the dates."""
    out = {
        "q": _parameter(
            "q",
            "Words, names or document numbers. All words must match; “quotes” for a phrase, -word to exclude, "
            "OR for either. Cut to 500 characters.",
            example="Le Minh Khai",
        )
    }
    out.update({facet.name: _parameter(facet.name, facet.description, many=True) for facet in registry.facets()})
    out["from"] = _parameter("from", "First publication day (YYYY-MM-DD).", example="2024-01-01")
    out["to"] = _parameter("to", "Last publication day (YYYY-MM-DD).", example="2024-12-31")
    return out


SORT = _parameter("sort", "relevance (the default with words), newest (the default without), oldest.")
PAGE = _parameter("page", "Page number, from 1; 20 stories per page.")


def _ref(name):
    return {"$ref": f"#/components/parameters/{name}"}


NAMED = {
    "type": "object",
    "required": ["slug", "name"],
    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
}

SCHEMAS = {
    "Named": NAMED,
    "Result": {
        "type": "object",
        "required": [
            "id",
            "url",
            "title",
            "language",
            "published",
            "officials",
            "topics",
            "source",
            "story",
            "variants",
            "snippet",
        ],
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "title_html": {"type": "string", "description": "The title, matched terms in <mark>, the rest escaped."},
            "language": {"type": "string", "enum": LANGUAGES},
            "published": {"type": "string", "format": "date"},
            "officials": {"type": "array", "items": {"$ref": "#/components/schemas/Named"}},
            "topics": {"type": "array", "items": {"$ref": "#/components/schemas/Named"}},
            "source": {
                "description": "Who published it: `key` is the `source` parameter's value.",
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["key", "name"],
                        "properties": {"key": {"type": "string"}, "name": {"type": "string"}},
                    },
                    {"type": "null"},
                ],
            },
            "story": {"type": "integer"},
            "variants": {
                "type": "array",
                "description": "The story's other published language versions.",
                "items": {
                    "type": "object",
                    "required": ["language", "url", "title"],
                    "properties": {
                        "language": {"type": "string", "enum": LANGUAGES},
                        "url": {"type": "string", "format": "uri"},
                        "title": {"type": "string"},
                    },
                },
            },
            "snippet": {"type": "string", "description": "Matched terms in <mark>; everything else escaped."},
        },
    },
    "FacetValue": {
        "type": "object",
        "required": ["value", "label", "count", "selected"],
        "properties": {
            "value": {"type": "string"},
            "label": {"type": "string"},
            "count": {"type": "integer", "minimum": 0},
            "selected": {"type": "boolean"},
        },
    },
    "SearchResponse": {
        "type": "object",
        "required": ["count", "page", "pages", "results", "facets", "suggestion", "notices", "csv"],
        "properties": {
            "count": {"type": "integer", "minimum": 0, "description": "Articles matched."},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "results": {
                "type": "array",
                "description": "One entry per story: its best-ranked matching article.",
                "items": {"$ref": "#/components/schemas/Result"},
            },
            "facets": {
                "type": "object",
                "description": "language, official, topic, source, year (and month when one year is chosen).",
                "additionalProperties": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}},
            },
            "suggestion": {"type": ["string", "null"], "description": "A corrected query when few articles match."},
            "notices": {"type": "array", "items": {"type": "string"}, "description": "Parameters that were ignored."},
            "csv": {"type": "string", "format": "uri", "description": "The CSV export of this search."},
        },
    },
}

NOT_FOUND = {
    "description": "No such article, official, topic, language or source.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def _feed(kind, summary, parameters, path_parameter=None):
    parameters = list(parameters)
    if path_parameter:
        parameters.insert(0, path_parameter)
    media = {"rss": "application/rss+xml", "atom": "application/atom+xml"}[kind]
    responses = {
        "200": {"description": f"The {kind.upper()} feed.", "content": {media: {"schema": {"type": "string"}}}},
        "304": {"description": "Not modified since the ETag or date the client sent."},
    }
    if path_parameter:
        responses["404"] = NOT_FOUND
    return {"get": {"summary": summary, "tags": ["feeds"], "parameters": parameters, "responses": responses}}


def _slug(name, description):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
    }


def _feeds():
    selecting = [_ref(name) for name in filters()]
    source = {**_slug("key", "A source's key."), "schema": {"type": "string"}}
    return [
        ("latest", "The latest articles.", [], None),
        ("search", "Articles of a search, newest first.", selecting, None),
        ("topics/{slug}", "Articles on a topic.", selecting, _slug("slug", "A topic's slug.")),
        ("officials/{slug}", "Articles naming an official.", selecting, _slug("slug", "An official's slug.")),
        ("languages/{code}", "Articles in a language.", selecting, _slug("code", f"One of {', '.join(LANGUAGES)}.")),
        ("sources/{key}", "Articles of a source (publisher).", selecting, source),
    ]


def _paths():
    paths = {
        "/api/search/": {
            "get": {
                "summary": "Search the archive.",
                "tags": ["search"],
                "parameters": [_ref(name) for name in (*filters(), "sort", "page")],
                "responses": {
                    "200": {
                        "description": "The page of results, facets and notices.",
                        "headers": {
                            "Server-Timing": {"description": "The search's own time.", "schema": {"type": "string"}},
                            "Link": {
                                "description": "The CSV of this search (rel=alternate).",
                                "schema": {"type": "string"},
                            },
                        },
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResponse"}}},
                    }
                },
            }
        },
        "/api/search.csv": {
            "get": {
                "summary": "Every article a search matches, as CSV.",
                "description": (
                    "UTF-8 CSV with a header row: id, url, title, language, published, source, officials, topics "
                    "(names joined by '; '), story. One row per matching article (the JSON `count`), stories in "
                    f"the search's order with their matching variants together. At most {export.MAX_ROWS} rows. "
                    "Cells starting with =, +, -, @ get a leading apostrophe."
                ),
                "tags": ["search"],
                "parameters": [_ref(name) for name in (*filters(), "sort")],
                "responses": {
                    "200": {
                        "description": "The CSV, streamed.",
                        "headers": {
                            "X-Result-Count": {
                                "description": "Articles matched.",
                                "schema": {"type": "integer"},
                                "required": True,
                            },
                            "X-Export-Limit": {
                                "description": "The most rows an export writes.",
                                "schema": {"type": "integer"},
                                "required": True,
                            },
                            "X-Export-Truncated": {
                                "description": "true when more articles matched than the export wrote.",
                                "schema": {"type": "string", "enum": ["true", "false"]},
                                "required": True,
                            },
                        },
                        "content": {"text/csv": {"schema": {"type": "string"}}},
                    }
                },
            }
        },
        "/articles/{slug}/cite/{style}": {
            "get": {
                "summary": "An article's reference for a reference manager.",
                "tags": ["citations"],
                "parameters": [
                    _slug("slug", "The article's slug."),
                    {
                        "name": "style",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": list(FORMATS)},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "RIS, BibTeX or CSL-JSON.",
                        "content": {
                            content_type.split(";")[0]: {"schema": {"type": "string"}}
                            for _, content_type in FORMATS.values()
                        },
                    },
                    "404": NOT_FOUND,
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "summary": "This document.",
                "tags": ["meta"],
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    }
    for route, summary, parameters, path_parameter in _feeds():
        for kind in ("rss", "atom"):
            paths[f"/feeds/{route}.{kind}"] = _feed(kind, summary, parameters, path_parameter)
    return paths


def document(server_url):
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gazette",
            "version": VERSION,
            "summary": "A searchable archive of government press articles in English, Russian and Vietnamese.",
            "description": "Search, CSV export, feeds and citations. Parameters that cannot be used are ignored and "
            "reported in `notices`, never an error.",
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": _paths(),
        "components": {
            "parameters": {**filters(), "sort": SORT, "page": PAGE},
            "schemas": SCHEMAS,
        },
    }
