"""Excel import of organizations and leadership teams."""

from django.urls import path

from responsibilities.importing import views

urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
