"""The accountability app's routes, grouped by feature (one section per feature package)."""

from django.urls import path

from accountability.log import views as log_views

app_name = "accountability"

urlpatterns: list = [
    # log: the tamper-evident accountability log (问责日志), for inspectors.
    path("log/", log_views.log_list, name="log"),
    path("log/<int:seq>/", log_views.log_entry, name="log_entry"),
]
