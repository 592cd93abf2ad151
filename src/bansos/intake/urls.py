from django.urls import path

from bansos.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/karantina.xlsx", views.quarantine_download, name="quarantine_download"),
    path("<int:pk>/koreksi/", views.correction_upload, name="correction_upload"),
]
