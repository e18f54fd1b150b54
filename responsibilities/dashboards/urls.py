"""Dashboards: the compliance matrix (合规矩阵) with its drill-down, and charts (统计图表)."""

from django.urls import path

from responsibilities.dashboards import views

urlpatterns = [
    path("dashboard/matrix/", views.compliance_matrix, name="compliance_matrix"),
    path("dashboard/matrix/rows/", views.compliance_matrix_rows, name="compliance_matrix_rows"),
    path("dashboard/obligations/", views.obligation_list, name="obligation_list"),
    path("dashboard/charts/", views.charts, name="charts"),
]
