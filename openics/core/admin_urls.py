"""Administration of organisations, teams and staff (system administrators)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
