from django.urls import path

from bansos.linkage import views

app_name = "linkage"
urlpatterns = [
    path("", views.review_list, name="review_list"),
    path("<int:pk>/", views.review_detail, name="review_detail"),
    path("<int:pk>/putuskan/", views.review_decide, name="review_decide"),
    path("tautan/<int:pk>/pisahkan/", views.link_split, name="link_split"),
]
