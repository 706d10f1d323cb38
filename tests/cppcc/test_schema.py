from django.core.management import call_command


def test_openapi_schema_is_valid_and_warning_free(tmp_path, db):
    """Warnings mean a client generated from the schema would get wrong or ambiguous types."""
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in ("/api/v1/members/", "/api/v1/proposals/{id}/assign/", "/api/v1/proposals/{id}/events/"):
        assert path in text
