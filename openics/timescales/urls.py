from django.urls import path

from . import views

urlpatterns = [
    path("children/<int:child_id>/deadlines/", views.child_deadline_list, name="child-deadlines"),
]
