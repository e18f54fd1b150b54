"""The 第一责任人's delegations of the sign-off."""

from django.urls import path

from reporting.delegations import views

urlpatterns = [
    path("orgs/<int:pk>/delegations/", views.delegation_list, name="delegation_list"),
    path("delegations/<int:pk>/revoke/", views.delegation_revoke, name="delegation_revoke"),
]
