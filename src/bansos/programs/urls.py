from django.urls import path

from bansos.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.cycle_list, name="cycle_list"),
    path("tahap/<int:pk>/", views.cycle_detail, name="cycle_detail"),
    path("tahap/<int:pk>/setujui/", views.cycle_approve_view, name="cycle_approve"),
    path("penangguhan/<int:pk>/putuskan/", views.suspension_decide_view, name="suspension_decide"),
    path("aturan/<int:pk>/", views.rule_version_detail, name="rule_version"),
    path("pratinjau/", views.preview, name="preview"),
]
