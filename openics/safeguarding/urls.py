from django.urls import path

from . import transfer_views, views

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
    # Transfer of the child protection file (transfer_views.py).
    path("safeguarding/transfers/", transfer_views.transfer_list, name="transfer-list"),
    path("children/<int:child_id>/concerns/transfer/", transfer_views.transfer_start, name="transfer-start"),
    path("safeguarding/transfers/<int:transfer_id>/", transfer_views.transfer_detail, name="transfer-detail"),
    path("safeguarding/transfers/<int:transfer_id>/confirm/", transfer_views.transfer_confirm, name="transfer-confirm"),
    path("safeguarding/transfers/<int:transfer_id>/receipt/", transfer_views.transfer_receipt, name="transfer-receipt"),
    path(
        "safeguarding/transfers/<int:transfer_id>/package/",
        transfer_views.transfer_package,
        name="transfer-package-zip",
    ),
    path("safeguarding/transfers/requests/new/", transfer_views.request_new, name="transfer-request-new"),
    path(
        "safeguarding/transfers/requests/<int:request_id>/remind/",
        transfer_views.request_remind,
        name="transfer-request-remind",
    ),
    path(
        "safeguarding/transfers/requests/<int:request_id>/answer/",
        transfer_views.request_answer,
        name="transfer-request-answer",
    ),
]
