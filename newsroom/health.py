"""A liveness answer for load balancers and the benchmark's floor."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Answers as long as the application server runs; touches no database or cache.

    A load balancer must not take every server out of rotation because the
    database is briefly away: the pages say so themselves.
    """
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
