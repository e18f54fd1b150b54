"""Reports: drafting in versions, the secretary's sign-off (签发), submission upward (报送), PDFs."""

from django.urls import path

from reporting.reports import views

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/versions/", views.report_versions, name="report_versions"),
    path("reports/<int:pk>/versions/<int:number>/pdf/", views.version_pdf, name="version_pdf"),
    path("reports/<int:pk>/sign/", views.report_sign, name="report_sign"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
]
