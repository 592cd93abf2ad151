"""The public portal: Cek Bansos search (urls_search) and citizen accounts (urls_account)."""

from django.urls import include, path

app_name = "portal"
urlpatterns = [
    path("akun/", include("bansos.portal.urls_account")),
    path("", include("bansos.portal.urls_search")),
]
