"""The accountability app's routes, grouped by feature (one section per feature package)."""

from django.urls import path

from accountability.cases import views as case_views
from accountability.findings import views as finding_views

app_name = "accountability"

urlpatterns: list = [
    # findings: 问题清单与整改
    path("findings/", finding_views.finding_list, name="finding_list"),
    path("findings/new/", finding_views.finding_create, name="finding_create"),
    path("findings/<int:pk>/", finding_views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/start/", finding_views.finding_start, name="finding_start"),
    path("findings/<int:pk>/rectify/", finding_views.finding_rectify, name="finding_rectify"),
    path("findings/<int:pk>/verify/", finding_views.finding_verify, name="finding_verify"),
    path("findings/<int:pk>/files/<int:file_pk>/", finding_views.finding_file, name="finding_file"),
    # cases: 问责
    path("cases/", case_views.case_list, name="case_list"),
    path("cases/new/", case_views.case_create, name="case_create"),
    path("cases/<int:pk>/", case_views.case_detail, name="case_detail"),
    path("cases/<int:pk>/to/<slug:to>/", case_views.case_transition, name="case_transition"),
    path("cases/<int:pk>/determine/", case_views.case_determine, name="case_determine"),
    path("cases/<int:pk>/authority/", case_views.case_authority, name="case_authority"),
    path("cases/<int:pk>/files/", case_views.case_files, name="case_files"),
    path("cases/<int:pk>/files/<int:file_pk>/", case_views.case_file, name="case_file"),
    path("cases/<int:pk>/decision.pdf", case_views.case_pdf, name="case_pdf"),
    path("cases/subjects/<int:pk>/override/", case_views.subject_override, name="subject_override"),
    path("cases/subjects/<int:pk>/measure/", case_views.subject_measure, name="subject_measure"),
]
