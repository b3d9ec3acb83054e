"""The footer's pages: legal notice, accessibility statement, privacy. Public (a person
followed by a platform may read them without an account), each with the platforms'
own contacts: a signed-in user sees their platforms', a visitor every active platform's."""

from django.conf import settings
from django.shortcuts import render
from django.urls import path

from mobility.models import Platform


def _context(request) -> dict:
    user = request.user
    mine = {m.platform_id for m in user.active_memberships()} if user.is_authenticated else set()
    platforms = Platform.objects.filter(is_active=True).order_by("name")
    return {
        "platforms": platforms.filter(pk__in=mine) if mine else platforms,
        "publisher": settings.LEGAL_PUBLISHER,
        "hosting": settings.LEGAL_HOSTING,
        "retention_years": round(settings.PERSONAL_DATA_RETENTION_DAYS / 365, 1),
        "retention_days": settings.PERSONAL_DATA_RETENTION_DAYS,
    }


def legal_notice(request):
    return render(request, "mobility/legal/notice.html", _context(request))


def accessibility(request):
    return render(request, "mobility/legal/accessibility.html", _context(request))


def privacy(request):
    return render(request, "mobility/legal/privacy.html", _context(request))


urlpatterns = [
    path("mentions-legales/", legal_notice, name="legal_notice"),
    path("accessibilite/", accessibility, name="accessibility"),
    path("confidentialite/", privacy, name="privacy"),
]
