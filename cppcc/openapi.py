"""drf-spectacular post-processing: every operation documents the error answers it can give.

drf-spectacular only lists the success response of a view. The API also answers 400/401/403/404
(and 409 for writes) through `cppcc.api.exception_handler`, always with `{"message", "errors"}`;
a client generated from the schema (and schemathesis' status-code check) needs to know that.
"""

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "所有 API 错误的统一格式",
    "properties": {
        "message": {"type": "string", "description": "给人看的错误说明"},
        "errors": {
            "type": "object",
            "description": "字段 → 错误列表（无字段错误时为空对象）",
            "additionalProperties": {},
        },
    },
    "required": ["message", "errors"],
}

ERROR_RESPONSES = {
    "400": "请求数据有误",
    "401": "未登录或令牌无效",
    "403": "角色无权进行此操作",
    "404": "记录不存在或不在可见范围",
    "409": "当前状态不允许此操作",
}
SAFE_METHODS = {"get", "head", "options"}


def document_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                if code == "409" and method in SAFE_METHODS:
                    continue
                response = responses.setdefault(code, {"description": description})
                response.setdefault("content", content)
    return result
