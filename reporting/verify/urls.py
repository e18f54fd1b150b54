"""Verification (文件验证): is this PDF a document signed in Zeren?"""

from django.urls import path

from reporting.verify import views

urlpatterns = [
    path("verify/", views.verify, name="verify"),
]
