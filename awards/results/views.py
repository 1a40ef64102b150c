from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from awards.selectors import award_get_main, edition_current

from .selectors import editions_with_winners


def home(request: HttpRequest) -> HttpResponse:
    award = award_get_main()
    context = {"award": award}
    if award is not None:
        context["edition"] = edition_current(award=award)
        context["latest_winners"] = [e for e in editions_with_winners(award=award) if e.winners][:1]
    return render(request, "results/home.html", context)


def past_winners(request: HttpRequest) -> HttpResponse:
    award = award_get_main()
    if award is None:
        raise Http404("The award has not been set up yet.")
    editions = editions_with_winners(award=award)
    return render(request, "results/past_winners.html", {"award": award, "editions": editions})


def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(request, "results/privacy.html", {"retention_years": settings.PERSONAL_DATA_RETENTION_YEARS})
