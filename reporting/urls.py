"""The app's routes, one feature package at a time (all named in the `reporting` namespace)."""

from reporting.board import urls as board
from reporting.delegations import urls as delegations
from reporting.ledgers import urls as ledgers
from reporting.reports import urls as reports
from reporting.submissions import urls as submissions
from reporting.verify import urls as verify

app_name = "reporting"

urlpatterns = [
    *reports.urlpatterns,
    *submissions.urlpatterns,
    *delegations.urlpatterns,
    *board.urlpatterns,
    *verify.urlpatterns,
    *ledgers.urlpatterns,
]
