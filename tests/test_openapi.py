"""/api/openapi.json: a valid OpenAPI 3.1 document, linked from every page, that live responses conform to."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

pytestmark = pytest.mark.django_db
EXAMPLES = 20  # per operation


def test_document_is_valid_openapi_3_1(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json()

    validate(document)  # raises on any violation of the OpenAPI 3.1 schema

    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://testserver"}]
    assert {"/api/search/", "/api/search.csv", "/feeds/search.rss", "/feeds/topics/{slug}.atom"} <= set(
        document["paths"]
    )


def test_the_validator_refuses_a_broken_document(client):
    """The validation above can fail: a parameter in no known place is refused."""
    document = client.get("/api/openapi.json").json()
    document["paths"]["/api/search/"]["get"]["parameters"].append({"name": "x", "in": "nowhere"})
    with pytest.raises(OpenAPIValidationError):
        validate(document)


def test_footer_links_the_document(client):
    assert 'href="/api/openapi.json"' in client.get("/").content.decode()


# Property-based: every operation, with parameters drawn from the document by schemathesis, against the live
# test server. (Its pytest plugin does not run under this pytest; its strategies do, through Hypothesis.)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_response_conforms_to_the_document(live_server, seeds):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    described = {f"GET {path}" for path in schema.raw_schema["paths"]}
    # schemathesis leaves out the document it was loaded from; that one is validated above.
    assert {operation.label for operation in operations} == described - {"GET /api/openapi.json"}

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def conforms(case):
            case.call_and_validate(base_url=live_server.url)

        conforms()
