from django.urls import path

from bansos.cases import views_citizen as views

app_name = "citizen_cases"
urlpatterns = [
    path("", views.my_cases, name="list"),
    path("usul/baru/", views.proposal_new, name="proposal_new"),
    path("sanggah/baru/", views.rebuttal_new, name="rebuttal_new"),
    path("pengaduan/baru/", views.complaint_new, name="complaint_new"),
    path("mundur/baru/", views.withdrawal_new, name="withdrawal_new"),
    path("<int:pk>/", views.my_case, name="detail"),
    path("<int:pk>/tindakan/", views.my_case_action, name="action"),
    path("dokumen/<int:pk>/", views.my_document, name="document"),
]
