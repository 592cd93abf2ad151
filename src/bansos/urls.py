from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="office:home", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("office/impor/", include("bansos.intake.urls")),
    path("office/", include("bansos.office.urls")),
]
