from django.urls import path

from . import views

urlpatterns = [
    path("safeguarding/", views.home, name="safeguarding-home"),
    path("safeguarding/concerns/new/", views.new_concern, name="concern-new"),
    path("safeguarding/queue/", views.queue, name="concern-queue"),
    path("safeguarding/concerns/<int:concern_id>/", views.concern_detail, name="concern-detail"),
    path("safeguarding/concerns/<int:concern_id>/add/", views.add_to_concern, name="concern-add"),
    path("safeguarding/concerns/<int:concern_id>/decide/", views.decide, name="concern-decide"),
    path("safeguarding/concerns/<int:concern_id>/fgm/", views.fgm_notification, name="concern-fgm"),
    path("safeguarding/concerns/<int:concern_id>/pdf/", views.concern_pdf, name="concern-pdf"),
    path("children/<int:child_id>/concerns/", views.child_concerns, name="child-concerns"),
]
