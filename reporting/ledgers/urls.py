"""台账导出: small exports download at once, large ones run as a job with a progress bar."""

from django.urls import path

from reporting.ledgers import views

urlpatterns = [
    path("ledgers/", views.ledger_form, name="ledgers"),
    path("ledgers/export/", views.ledger_export, name="ledger_export"),
    path("ledgers/jobs/<int:pk>/", views.ledger_job, name="ledger_job"),
    path("ledgers/jobs/<int:pk>/progress/", views.ledger_job_progress, name="ledger_job_progress"),
    path("ledgers/jobs/<int:pk>/download/", views.ledger_download, name="ledger_download"),
]
