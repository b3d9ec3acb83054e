from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("modele.csv", views.template, {"extension": "csv"}, name="template_csv"),
    path("modele.xlsx", views.template, {"extension": "xlsx"}, name="template_xlsx"),
    path("<int:pk>/", views.dry_run, name="dry_run"),
    path("<int:pk>/confirmer/", views.confirm, name="confirm"),
]
