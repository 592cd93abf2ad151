"""Citizen accounts, under /akun/ (names `portal:<name>`; the citizen login is /akun/masuk/)."""

from django.urls import path

from bansos.portal import views_account as views

urlpatterns = [
    path("", views.account_view, name="account"),
    path("daftar/", views.signup_view, name="signup"),
    path("verifikasi/", views.verify_view, name="verify"),
    path("verifikasi/kirim-ulang/", views.verify_resend_view, name="verify_resend"),
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("kotak-masuk/", views.inbox_view, name="inbox"),
    path("desa/", views.village_view, name="village"),
    path("akses/", views.access_view, name="access"),
]
