from django.core.management import call_command


def test_openapi_schema_is_valid_and_warning_free(tmp_path, db):
    """Warnings mean a client generated from the schema would get wrong or ambiguous types."""
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in ("/api/v1/members/", "/api/v1/proposals/{id}/assign/", "/api/v1/proposals/{id}/events/"):
        assert path in text


def test_writes_are_documented_as_answering_the_record(db):
    """A record's PUT and PATCH answer what its GET answers, and a create answers the same record: a client
    generated from the schema must be able to read the answer of every write (units as objects, not ids)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]

    def answer(operation, code):
        content = operation["responses"].get(code, {}).get("content", {})
        return content.get("application/json", {}).get("schema")

    checked = []
    for path, operations in paths.items():
        if not path.endswith("/{id}/") or "get" not in operations:
            continue
        record = answer(operations["get"], "200")
        for method in ("put", "patch"):
            if method in operations:
                assert answer(operations[method], "200") == record, f"{method.upper()} {path}"
                checked.append(f"{method} {path}")
        collection = paths.get(path.removesuffix("{id}/"), {})
        if "post" in collection and "201" in collection["post"]["responses"]:
            assert answer(collection["post"], "201") == record, f"POST {path.removesuffix('{id}/')}"
            checked.append(f"post {path}")
    assert "patch /api/v1/consultation-activities/{id}/" in checked
    assert "post /api/v1/proposals/{id}/" in checked
