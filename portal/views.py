"""The home page of every role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from cppcc.roles import Role, has_role
from members.models import HandlingUnit, Member
from members.selectors import member_for_user, units_of_user


@login_required
def home(request):
    context = {"member": member_for_user(request.user), "units": list(units_of_user(request.user))}
    if has_role(request.user, Role.OFFICE, Role.LEADER):
        context["counts"] = {
            "members": Member.objects.filter(status=Member.Status.ACTIVE).count(),
            "standing": Member.objects.filter(status=Member.Status.ACTIVE, is_standing=True).count(),
            "units": HandlingUnit.objects.filter(is_active=True).count(),
        }
    return render(request, "home.html", context)
