"""The organization tree, organization and person pages, role assignments."""

from django.urls import path

from responsibilities.org import views

urlpatterns = [
    path("orgs/", views.organization_tree, name="organization_tree"),
    path("orgs/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("orgs/<int:pk>/children/", views.organization_children, name="organization_children"),
    path("orgs/<int:pk>/roles/add/", views.role_add, name="role_add"),
    path("orgs/<int:pk>/move/", views.organization_move, name="organization_move"),
    path("roles/<int:pk>/end/", views.role_end, name="role_end"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
]
