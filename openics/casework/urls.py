from django.urls import path

from . import views

urlpatterns = [
    path("children/protection-plans/", views.cp_plans, name="cp-plans"),
    path("children/protection-plans.csv", views.cp_plans_csv, name="cp-plans-csv"),
]
