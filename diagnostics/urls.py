from django.urls import path

from diagnostics import views

urlpatterns = [
    path(
        "parcours/<int:pathway_pk>/diagnostics/nouveau/",
        views.diagnostic_start,
        name="diagnostic_start",
    ),
    path("diagnostics/<int:pk>/", views.diagnostic_detail, name="diagnostic_detail"),
    path("diagnostics/<int:pk>/etape/<int:step>/", views.diagnostic_step, name="diagnostic_step"),
    path("diagnostics/<int:pk>/verification/", views.diagnostic_review, name="diagnostic_review"),
    path("diagnostics/<int:pk>/synthese.pdf", views.diagnostic_pdf, name="diagnostic_pdf"),
]
