"""The app's routes, one feature package at a time (all named in the `responsibilities` namespace)."""

from responsibilities.dashboards import urls as dashboards
from responsibilities.duties import urls as duties
from responsibilities.importing import urls as importing
from responsibilities.org import urls as org
from responsibilities.work import urls as work

app_name = "responsibilities"

urlpatterns = [
    *org.urlpatterns,
    *importing.urlpatterns,
    *work.urlpatterns,
    *duties.urlpatterns,
    *dashboards.urlpatterns,
]
