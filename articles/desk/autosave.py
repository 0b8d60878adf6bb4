"""Never lose a word: every open desk form is sent to the server every few seconds.

static/articles/desk-autosave.js posts what the form holds, as FormData
would send it, to `autosave_view`, which keeps it per editor and form
(AutosavedForm). The article is untouched until the editor saves; a form
reopened after a closed tab, a crash or a lost connection offers to put the
unsaved changes back. A successful save deletes them (`forget`).

Only desk forms are kept (an address that resolves to an admin add or change
view), only lists of strings, and at most MAX_BYTES of them.
"""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_http_methods

from articles.models import AutosavedForm

MAX_BYTES = 2_000_000
FORM_VIEWS = ("_add", "_change")


def is_desk_form(address: str) -> bool:
    if not isinstance(address, str) or len(address) > 300 or not address.startswith("/"):
        return False
    try:
        match = resolve(address)
    except Resolver404:
        return False
    return match.namespace == "admin" and (match.url_name or "").endswith(FORM_VIEWS)


def is_form_data(fields) -> bool:
    """{name: [value, ...]} with strings only."""
    return isinstance(fields, dict) and all(
        isinstance(name, str)
        and isinstance(values, list)
        and all(isinstance(value, str) for value in values)
        for name, values in fields.items()
    )


@require_http_methods(["GET", "POST", "DELETE"])
def autosave_view(request: HttpRequest) -> HttpResponse:
    """GET ?address= the unsaved changes (null fields: none); POST {address, fields} keeps
    them; DELETE forgets them."""
    if request.method == "POST":
        if len(request.body) > MAX_BYTES:
            return JsonResponse({"error": "too large"}, status=413)
        try:
            sent = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return JsonResponse({"error": "not JSON"}, status=400)
        address = sent.get("address") if isinstance(sent, dict) else None
        fields = sent.get("fields") if isinstance(sent, dict) else None
        if not is_desk_form(address) or not is_form_data(fields):
            return JsonResponse({"error": "not a desk form"}, status=400)
        kept, _created = AutosavedForm.objects.update_or_create(
            user=request.user, address=address, defaults={"fields": fields}
        )
        return JsonResponse({"saved_at": kept.saved_at.isoformat()})
    address = request.GET.get("address", "")
    if not is_desk_form(address):
        return JsonResponse({"error": "not a desk form"}, status=400)
    if request.method == "DELETE":
        forget(request.user, address)
        return HttpResponse(status=204)
    kept = AutosavedForm.objects.filter(user=request.user, address=address).first()
    if kept is None:
        return JsonResponse({"saved_at": None, "fields": None})
    return JsonResponse({"saved_at": kept.saved_at.isoformat(), "fields": kept.fields})


def forget(user, address: str) -> None:
    """The form was saved (or its changes discarded): nothing left to restore."""
    AutosavedForm.objects.filter(user=user, address=address).delete()
