from django.urls import path

from drivingschool import views

app_name = "drivingschool"

urlpatterns = [
    path("", views.home, name="home"),
    path("inscriptions/nouvelle/", views.enrolment_create, name="enrolment_create"),
    path("inscriptions/<int:pk>/", views.enrolment_detail, name="enrolment_detail"),
    path(
        "inscriptions/<int:pk>/contrat-pedagogique.pdf",
        views.agreement_pdf,
        name="agreement_pdf",
    ),
    path("inscriptions/<int:pk>/contrat-signe/", views.agreement_sign, name="agreement_sign"),
    path(
        "inscriptions/<int:pk>/contrat-pedagogique/signer/",
        views.agreement_tablet_sign,
        name="agreement_tablet_sign",
    ),
    # mobility.middleware.UPLOAD_PATH: a page whose path ends in "scan-papier/" takes a file.
    path(
        "inscriptions/<int:pk>/contrat-pedagogique/scan-papier/",
        views.agreement_scan,
        name="agreement_scan",
    ),
    path("inscriptions/<int:pk>/examens/", views.exam_record, name="exam_record"),
    path("inscriptions/<int:pk>/exclure/", views.enrolment_exclude, name="enrolment_exclude"),
    path(
        "inscriptions/<int:pk>/tranches/<str:kind>/debloquer/",
        views.tranche_release,
        name="tranche_release",
    ),
    path(
        "inscriptions/<int:pk>/tranches/<str:kind>/versee/",
        views.tranche_paid,
        name="tranche_paid",
    ),
    path("semaine/", views.week, name="week"),
    path("seances/nouvelle/", views.lesson_create, name="lesson_create"),
    path("seances/<int:pk>/emargement/", views.attendance_sheet, name="attendance_sheet"),
    path(
        "seances/<int:pk>/emargement/scan-papier/",
        views.attendance_sheet_scan,
        name="attendance_sheet_scan",
    ),
    path("programme/", views.programme_edit, name="programme"),
]
