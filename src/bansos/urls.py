from django.urls import include, path

from bansos.api.main import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("office/impor/", include("bansos.intake.urls")),
    path("office/pencocokan/", include("bansos.linkage.urls")),
    path("office/program/", include("bansos.programs.urls")),
    path("office/penyaluran/", include("bansos.payments.urls")),
    path("office/notifikasi/", include("bansos.notify.urls")),
    path("office/kasus/", include("bansos.cases.urls")),
    path("office/", include("bansos.office.urls")),
    path("akun/kasus/", include("bansos.cases.urls_citizen")),
    path("", include("bansos.portal.urls")),
]
