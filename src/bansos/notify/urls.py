from django.urls import path

from bansos.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.outbox, name="outbox"),
]
