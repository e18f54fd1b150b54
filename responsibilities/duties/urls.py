"""The responsibility list (责任清单): edit, retire, print, push to subordinates."""

from django.urls import path

from responsibilities.duties import views

urlpatterns = [
    path("orgs/<int:pk>/duties/", views.duty_list, name="duty_list"),
    path("orgs/<int:pk>/duties/add/", views.duty_add, name="duty_add"),
    path("orgs/<int:pk>/duties/cascade/", views.duty_cascade, name="duty_cascade"),
    path("orgs/<int:pk>/duties/print/", views.duty_print, name="duty_print"),
    path("duties/<int:pk>/edit/", views.duty_edit, name="duty_edit"),
    path("duties/<int:pk>/retire/", views.duty_retire, name="duty_retire"),
]
