from django.urls import path

from mobility.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_page, name="page"),
    path("telecharger.<str:extension>", views.report_export, name="export"),
]
