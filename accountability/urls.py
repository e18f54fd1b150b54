"""The accountability app's routes, grouped by feature (one section per feature package)."""

from django.urls import path

from accountability.log import views as log_views
from accountability.workplace import views as workplace_views

app_name = "accountability"

urlpatterns: list = [
    # log: the tamper-evident accountability log (问责日志), for inspectors.
    path("log/", log_views.log_list, name="log"),
    path("log/<int:seq>/", log_views.log_entry, name="log_entry"),
    # The inspector's workplace (纪检巡察工作台): home, 线索, meeting search, evidence bundles.
    path("inspection/", workplace_views.workplace_home, name="workplace_home"),
    path("inspection/flags/", workplace_views.flag_list, name="flag_list"),
    path("inspection/search/", workplace_views.meeting_search, name="meeting_search"),
    path("inspection/bundles/", workplace_views.bundle_create, name="bundle_create"),
    path("inspection/bundles/<int:pk>/", workplace_views.bundle_job, name="bundle_job"),
    path("inspection/bundles/<int:pk>/progress/", workplace_views.bundle_progress, name="bundle_progress"),
    path("inspection/bundles/<int:pk>/download/", workplace_views.bundle_download, name="bundle_download"),
]
