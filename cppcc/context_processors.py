from .roles import Role, role_labels, user_roles


def navigation(request):
    """Role flags for the navigation; pages still check permissions server-side."""
    roles = user_roles(getattr(request, "user", None))
    return {
        "roles": roles,
        "role_labels": role_labels(request.user) if roles else [],
        "is_office": Role.OFFICE in roles,
        "is_leader": Role.LEADER in roles,
        "is_member_role": Role.MEMBER in roles,
        "is_unit": Role.UNIT in roles,
        "is_auditor": Role.AUDITOR in roles,
        "is_sysadmin": Role.ADMIN in roles,
        "is_security": Role.SECURITY in roles,
    }
