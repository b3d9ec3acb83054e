from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    # Registered as an upload path (documents/apps.py): its body may be a document's size.
    path("beneficiaires/<int:pk>/documents/", views.document_upload, name="upload"),
    path("documents/<int:pk>/telecharger/", views.document_download, name="download"),
]
