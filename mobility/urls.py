from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from mobility import (
    accounts,
    file_downloads,
    health,
    invitations,
    legal,
    sheet_audit_views,
    views,
)
from mobility.api import api
from mobility.registry import registry

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            template_name="mobility/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include(accounts)),
    path("", include(invitations)),
    path("", include(legal)),
    # Browsers ask for /favicon.ico whatever the page says: the logo answers.
    path("favicon.ico", views.favicon, name="favicon"),
    path("fiches/", views.referral_list, name="referral_list"),
    path("fiches/nouvelle/", views.referral_create, name="referral_create"),
    path("fiches/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("fiches/<int:pk>/accepter/", views.referral_accept, name="referral_accept"),
    path("fiches/<int:pk>/refuser/", views.referral_decline, name="referral_decline"),
    path("fiches/<int:pk>/renvoyer/", views.referral_resend, name="referral_resend"),
    path(
        "fiches/<int:pk>/notifications/<int:notification_pk>/renvoyer/",
        views.notification_resend,
        name="notification_resend",
    ),
    path("beneficiaires/", views.beneficiary_list, name="beneficiary_list"),
    path("beneficiaires/<int:pk>/", views.beneficiary_detail, name="beneficiary_detail"),
    path("beneficiaires/<int:pk>/effacement/", views.beneficiary_erase, name="beneficiary_erase"),
    path(
        "beneficiaires/<int:pk>/donnees.json",
        views.beneficiary_personal_data,
        {"extension": "json"},
        name="beneficiary_personal_data_json",
    ),
    path(
        "beneficiaires/<int:pk>/donnees.pdf",
        views.beneficiary_personal_data,
        {"extension": "pdf"},
        name="beneficiary_personal_data_pdf",
    ),
    path("parcours/<int:pk>/cloturer/", views.pathway_close, name="pathway_close"),
    path(
        "documents-signes/<int:pk>/<str:which>/",
        file_downloads.signed_document_download,
        name="signed_document_download",
    ),
    path("jetons-api/", views.api_tokens, name="api_tokens"),
    path("jetons-api/<int:pk>/revoquer/", views.api_token_revoke, name="api_token_revoke"),
    # Each module's pages, as its AppConfig.ready() registered them (mobility/registry.py).
    *(path(prefix, include(module)) for prefix, module in registry.urls_in_order()),
    path(
        "rapports/emargements-signes/",
        sheet_audit_views.audit_page,
        name="sheet_audit",
    ),
    path(
        "rapports/emargements-signes/dossier.pdf",
        sheet_audit_views.audit_pdf,
        name="sheet_audit_pdf",
    ),
    path("rapports/", include("mobility.reports.urls")),
    path("import/", include("imports.urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("healthz", health.healthz, name="healthz"),
]

# Said in French, as JSON under /api/; a database that does not answer is a 503.
handler400 = "mobility.http_errors.bad_request"
handler500 = "mobility.http_errors.server_error"
