from django.urls import path

from bansos.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("massal/", views.queue_bulk, name="queue_bulk"),
    path("pengaduan/baru/", views.complaint_new, name="complaint_new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/tindakan/", views.case_action, name="action"),
    path("<int:pk>/catatan/", views.case_note_add, name="note"),
    path("<int:pk>/dokumen/", views.case_document_add, name="document_add"),
    path("dokumen/<int:pk>/", views.document_download, name="document"),
]
