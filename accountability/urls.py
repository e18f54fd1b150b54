"""The accountability app's routes, grouped by feature (one section per feature package)."""

from django.urls import path

from accountability.assessments import views as assessments
from accountability.cases import views as case_views
from accountability.findings import views as finding_views
from accountability.log import views as log_views
from accountability.rubrics import views as rubrics
from accountability.workplace import views as workplace_views

app_name = "accountability"

urlpatterns: list = [
    # log: the tamper-evident accountability log (问责日志), for inspectors.
    path("log/", log_views.log_list, name="log"),
    path("log/<int:seq>/", log_views.log_entry, name="log_entry"),
    # -- assessments (检查考核) ------------------------------------------------------------------
    path("assessments/", assessments.campaign_list, name="campaign_list"),
    path("assessments/new/", assessments.campaign_create, name="campaign_create"),
    path("assessments/<int:pk>/", assessments.campaign_detail, name="campaign_detail"),
    path("assessments/<int:pk>/results/", assessments.campaign_results, name="campaign_results"),
    path("assessments/<int:pk>/publish/", assessments.campaign_publish, name="campaign_publish"),
    path("assessments/<int:pk>/bulletin.pdf", assessments.campaign_bulletin, name="campaign_bulletin"),
    path("assessments/entries/<int:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path("assessments/entries/<int:pk>/self/", assessments.assessment_self, name="assessment_self"),
    path("assessments/entries/<int:pk>/review/", assessments.assessment_review, name="assessment_review"),
    path("assessments/entries/<int:pk>/suggest/", assessments.assessment_suggest, name="assessment_suggest"),
    path("assessments/suggestions/<int:pk>/decide/", assessments.suggestion_decide, name="suggestion_decide"),
    path("assessments/files/<int:pk>/", assessments.assessment_file, name="assessment_file"),
    path("rubrics/", rubrics.rubric_list, name="rubric_list"),
    path("rubrics/new/", rubrics.rubric_create, name="rubric_create"),
    path("rubrics/import/", rubrics.rubric_import_view, name="rubric_import"),
    path("rubrics/<int:pk>/", rubrics.rubric_detail, name="rubric_detail"),
    path("rubrics/<int:pk>/indicators/", rubrics.indicator_add, name="indicator_add"),
    path("rubrics/<int:pk>/export.xlsx", rubrics.rubric_export, name="rubric_export"),
    path("rubrics/indicators/<int:pk>/edit/", rubrics.indicator_edit, name="indicator_edit"),
    path("rubrics/indicators/<int:pk>/remove/", rubrics.indicator_remove, name="indicator_remove"),
    # The inspector's workplace (纪检巡察工作台): home, 线索, meeting search, evidence bundles.
    path("inspection/", workplace_views.workplace_home, name="workplace_home"),
    path("inspection/flags/", workplace_views.flag_list, name="flag_list"),
    path("inspection/search/", workplace_views.meeting_search, name="meeting_search"),
    path("inspection/bundles/", workplace_views.bundle_create, name="bundle_create"),
    path("inspection/bundles/<int:pk>/", workplace_views.bundle_job, name="bundle_job"),
    path("inspection/bundles/<int:pk>/progress/", workplace_views.bundle_progress, name="bundle_progress"),
    path("inspection/bundles/<int:pk>/download/", workplace_views.bundle_download, name="bundle_download"),
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
