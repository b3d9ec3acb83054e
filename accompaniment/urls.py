from django.urls import path

from accompaniment import views

app_name = "accompaniment"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("semaine/", views.week, name="week"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("seances/nouvelle/", views.session_create, name="session_create"),
    path("seances/<int:pk>/", views.session_detail, name="session_detail"),
    path("seances/<int:pk>/inscrire/", views.registration_create, name="registration_create"),
    path("seances/<int:pk>/annuler/", views.session_cancel, name="session_cancel"),
    path("seances/<int:pk>/emargement/", views.attendance_sheet, name="attendance_sheet"),
    path(
        "seances/<int:pk>/emargement/scan-papier/",
        views.attendance_sheet_scan,
        name="attendance_sheet_scan",
    ),
    path("parcours/<int:pathway_pk>/nouvelle/", views.action_create, name="action_create"),
    path("<int:pk>/suite/", views.action_follow_up, name="action_follow_up"),
]
