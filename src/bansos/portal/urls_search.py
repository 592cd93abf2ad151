"""Cek Bansos, the public search (included at "" by portal/urls.py, namespace "portal")."""

from django.urls import path

from bansos.portal import views_search

urlpatterns = [
    path("", views_search.search, name="search"),
    path("wilayah/", views_search.area_options, name="search_areas"),
    path("wilayah/<str:code>/", views_search.area_options, name="search_area_children"),
]
