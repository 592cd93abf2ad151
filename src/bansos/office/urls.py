from django.contrib.auth import views as auth_views
from django.urls import path

from bansos.office import views

app_name = "office"
urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", auth_views.LoginView.as_view(template_name="office/login.html"), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("keluarga/", views.household_list, name="household_list"),
    path("keluarga/<int:pk>/", views.household_detail, name="household_detail"),
    path("penduduk/<int:pk>/", views.person_detail, name="person_detail"),
]
