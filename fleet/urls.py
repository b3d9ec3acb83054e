from django.urls import path

from fleet import views

app_name = "fleet"

urlpatterns = [
    path("", views.board, name="board"),
    path("vehicules/", views.vehicle_list, name="vehicle_list"),
    path("vehicules/<int:pk>/etat/", views.vehicle_status, name="vehicle_status"),
    path("locations/nouvelle/", views.rental_create, name="rental_create"),
    path("locations/<int:pk>/", views.rental_detail, name="rental_detail"),
    path("locations/<int:pk>/contrat.pdf", views.rental_contract, name="rental_contract"),
    path(
        "locations/<int:pk>/contrat/signer/",
        views.rental_contract_sign,
        name="rental_contract_sign",
    ),
    # mobility.middleware.UPLOAD_PATH: a page whose path ends in "scan-papier/" takes a file.
    path(
        "locations/<int:pk>/contrat/scan-papier/",
        views.rental_contract_scan,
        name="rental_contract_scan",
    ),
    path("locations/<int:pk>/retour/signer/", views.rental_return_sign, name="rental_return_sign"),
    path(
        "locations/<int:pk>/retour/scan-papier/",
        views.rental_return_scan,
        name="rental_return_scan",
    ),
    path("locations/<int:pk>/point-etape/", views.checkin_create, name="checkin_create"),
    path("locations/<int:pk>/paiement/", views.payment_create, name="payment_create"),
    path("locations/<int:pk>/prolonger/", views.rental_extend, name="rental_extend"),
    path("locations/<int:pk>/microcredit/", views.rental_microcredit, name="rental_microcredit"),
    path("locations/<int:pk>/retour/", views.rental_return, name="rental_return"),
    path(
        "locations/<int:pk>/rapport-retour.pdf",
        views.rental_return_report,
        name="rental_return_report",
    ),
    path(
        "locations/<int:pk>/recus/<int:entry_pk>.pdf", views.payment_receipt, name="payment_receipt"
    ),
    path(
        "locations/<int:pk>/ecritures/<int:entry_pk>/corriger/",
        views.ledger_entry_reverse,
        name="ledger_entry_reverse",
    ),
    path("locations/<int:pk>/rembourser/", views.rental_refund, name="rental_refund"),
    path("photos/<int:pk>/", views.photo_view, name="photo"),
    path("photos/<int:pk>/vignette/", views.photo_thumb, name="photo_thumb"),
]
