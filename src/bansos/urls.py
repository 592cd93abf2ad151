from django.urls import include, path
from django.views.generic import RedirectView

from bansos.api.main import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="office:home", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("office/impor/", include("bansos.intake.urls")),
    path("office/pencocokan/", include("bansos.linkage.urls")),
    path("office/program/", include("bansos.programs.urls")),
    path("office/penyaluran/", include("bansos.payments.urls")),
    path("office/notifikasi/", include("bansos.notify.urls")),
    path("office/", include("bansos.office.urls")),
]
