# Placeholder module replaced by the HTML pages (see mobility/urls.py for the names).
from django.http import HttpResponse


def _todo(request, pk=None):
    return HttpResponse(status=501)


home = referral_list = referral_create = referral_detail = referral_accept = _todo
referral_decline = beneficiary_list = beneficiary_detail = pathway_close = _todo
