from django.http import FileResponse
from django.views.decorators.cache import never_cache

from cppcc.views_helpers import role_required

from . import selectors


@never_cache
@role_required(*selectors.READ_ROLES)
def attachment_download(request, pk):
    attachment = selectors.attachment_get(user=request.user, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
