from django.urls import path

from bansos.payments import views

app_name = "payments"
urlpatterns = [
    path("", views.home, name="home"),
    path("tahap/<int:pk>/", views.cycle_payments, name="cycle"),
    path("rekening/<int:pk>/ubah/", views.account_fix, name="account_fix"),
]
