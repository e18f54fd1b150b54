"""The submission board (报送情况) and the region summary (汇总报告)."""

from django.urls import path

from reporting.board import views

urlpatterns = [
    path("reports/board/", views.board, name="board"),
    path("reports/board/rows/", views.board_rows, name="board_rows"),
    path("reports/board/remind/", views.board_remind, name="board_remind"),
    path("reports/board/summary/", views.board_summary, name="board_summary"),
]
