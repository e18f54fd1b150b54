"""The accountability app's routes, grouped by feature (one section per feature package)."""

app_name = "accountability"

urlpatterns: list = []
