"""Pages for case records.  Thin: parse, access, action, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.forms import ChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from openics.core import audit
from openics.core.access import MAX_ID, access_child, staff_context
from openics.core.actions import StaleEdit
from openics.core.models import Organisation, Person, User
from openics.core.roles import Part
from openics.core.views import child_context
from openics.web.labels import translate_label

from . import actions, linking
from .definitions import FieldDef, RecordDefinition, current_definitions, get_definition
from .forms import (
    CorrectForm,
    LinkChildrenForm,
    RecordForm,
    ReviewForm,
    StartRecordForm,
    SubmitForm,
    initial_from,
)
from .models import CaseRecord, RecordStatus
from .offers import offered_definitions, proposed_next_steps

QUEUE_PAGE = 50


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _record(user: User, record_id: int, *, for_write: bool = False) -> CaseRecord:
    """The record, through the child's access chokepoint: 404 alike for
    missing and forbidden."""
    record = CaseRecord.objects.filter(pk=record_id).first() if record_id <= MAX_ID else None
    if record is None:
        raise Http404
    record.child = access_child(user, record.child_id, for_write=for_write, part=record.part)
    return record


def _refused(request: HttpRequest, record: CaseRecord, refusal: actions.RecordRefused) -> HttpResponse:
    context = child_context(request, record.child)
    context.update({"record": record, "message": refusal.message})
    return render(request, "records/refused.html", context, status=refusal.status)


def _allowed(record: CaseRecord, user: User) -> dict[str, bool]:
    """Which workflow buttons to offer; the actions decide for themselves."""
    roles = staff_context(user).roles
    definition = record.definition
    writable = record.child._grant is not None and record.child._grant.writable
    own = user.pk in (record.created_by_id, record.submitted_by_id)
    return {
        "can_edit": writable and record.is_editable and definition.may_complete(roles),
        "can_review": writable
        and record.status == RecordStatus.SUBMITTED
        and record.needs_endorsement
        and definition.may_endorse(roles)
        and not own,
        "can_correct": writable
        and record.is_locked
        and (definition.may_complete(roles) or definition.may_endorse(roles)),
    }


def display_values(definition: RecordDefinition, data: dict[str, Any]) -> list[tuple[Any, list[tuple[str, str]]]]:
    """Sections of (label, value as text) for reading; agencies in one query.
    Labels and choices are in the reader's language; what was typed is as typed."""
    agency_ids = [data[f.name] for f in definition.fields if f.type == "agency" and isinstance(data.get(f.name), int)]
    agencies = dict(Organisation.objects.filter(pk__in=agency_ids).values_list("pk", "name")) if agency_ids else {}
    sections = []
    for section in definition.sections:
        rows = []
        for field in section.fields:
            value = data.get(field.name)
            if value in (None, "", []):
                text = ""
            elif field.type in {"choice", "yesno"}:
                text = _option_text(field, value)
            elif field.type == "multichoice":
                text = ", ".join(_option_text(field, v) for v in value)
            elif field.type == "agency":
                text = agencies.get(value, "")
            elif field.type == "date":
                text = _uk_date(value)
            else:
                text = str(value)
            rows.append((translate_label(field.label), text))
        sections.append((section, rows))
    return sections


def _option_text(field: FieldDef, code: Any) -> str:
    """A choice's label in the reader's language; a stored value that is not
    one of the options (never expected) is shown as stored, untranslated."""
    labels = dict(field.options)
    return translate_label(labels[code]) if code in labels else str(code)


def _uk_date(value: str) -> str:
    import datetime as dt

    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


@login_required
def child_records(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, part=Part.SOCIAL_CARE)
    assert child._grant is not None
    records = (
        CaseRecord.objects.filter(child=child, part__in=child._grant.parts)
        .select_related("created_by", "submitted_by", "endorsed_by")
        .annotate(is_superseded=Exists(CaseRecord.objects.filter(supersedes=OuterRef("pk"))))
        .order_by("-created_at", "-pk")
    )
    audit.record("view", user=user, obj=child, child_id=child.pk, detail={"page": "records"})
    context = child_context(request, child)
    context["records"] = records
    return render(request, "records/child_records.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def start_record(request: HttpRequest, child_id: int) -> HttpResponse:
    user = _user(request)
    child = access_child(user, child_id, for_write=True, part=Part.SOCIAL_CARE)
    form = StartRecordForm(request.POST if request.method == "POST" else None)
    _offer_only_profile_kinds(form, child.pk, user)
    if request.method == "POST" and form.is_valid():
        definition = get_definition(form.cleaned_data["kind"])
        if definition.part != Part.SOCIAL_CARE:
            child = access_child(user, child_id, for_write=True, part=definition.part)
        try:
            record = actions.do_start_record(child, actor=user, kind=definition.kind)
        except actions.RecordRefused as refusal:
            form.add_error("kind", refusal.message)
        else:
            if linking.is_linkable(record.kind):
                # A contact may concern several children: offer to add them.
                return redirect("record-link", record_id=record.pk)
            return redirect("record-edit", record_id=record.pk)
    context = child_context(request, child)
    context["form"] = form
    return render(request, "records/start.html", context, status=400 if form.errors else 200)


def _offer_only_profile_kinds(form: StartRecordForm, child_id: int, user: User) -> None:
    """List only the record types the child's authority's timescale profile uses."""
    kind = form.fields["kind"]
    assert isinstance(kind, ChoiceField)
    kind.choices = [(d.kind, translate_label(d.title)) for d in offered_definitions(child_id, user)]
    kind.error_messages["invalid_choice"] = (
        "This record type is not used by the child's local authority: select one of the records listed"
    )


def _saved_partial(request: HttpRequest, record: CaseRecord, message: str, *, ok: bool) -> HttpResponse:
    return render(request, "records/_autosave.html", {"record": record, "message": message, "ok": ok})


@login_required
@require_http_methods(["GET", "POST"])
def edit_record(request: HttpRequest, record_id: int) -> HttpResponse:
    user = _user(request)
    record = _record(user, record_id, for_write=True)
    definition = record.definition
    htmx = bool(getattr(request, "htmx", False))
    if not record.is_editable:
        return _refused(request, record, actions.RecordRefused(actions.locked_message(record), status=409))
    if not definition.may_complete(staff_context(user).roles):
        refusal = actions.RecordRefused(
            f"A {definition.title} is completed by a {definition.role_names(definition.completed_by)}."
        )
        return _refused(request, record, refusal)
    status = 200
    if request.method == "POST":
        form = RecordForm(request.POST, definition=definition)
        form.is_valid()
        expected = form.cleaned_data.get("version") if "version" not in form.errors else None
        try:
            if expected is None:
                raise StaleEdit(record)
            record = actions.do_save_draft(record, actor=user, data=form.valid_values(), expected_version=expected)
        except StaleEdit as stale:
            current: CaseRecord = stale.current  # type: ignore[assignment]
            when = timezone.localtime(current.updated_at).strftime("%H:%M")
            message = (
                f"Someone else saved this record at {when}, after you opened it. Your changes are shown below "
                "but have not been saved: copy them, reload the page, and add them again."
            )
            if htmx:
                return _saved_partial(request, record, message, ok=False)
            form.add_error(None, message)
            status = 409
        except actions.RecordRefused as refusal:
            if htmx:
                return _saved_partial(request, record, refusal.message, ok=False)
            return _refused(request, record, refusal)
        else:
            saved_at = timezone.localtime().strftime("%H:%M")
            if htmx:
                message = f"Saved at {saved_at}"
                if form.errors:
                    labels = [str(form.fields[name].label) for name in form.errors if name in form.fields]
                    message += f". Not saved until corrected: {', '.join(labels)}"
                return _saved_partial(request, record, message, ok=True)
            if form.errors:
                # Fields typed correctly are saved; the rest are shown as
                # typed, with their errors, on a form holding the new version.
                data = request.POST.copy()
                data["version"] = str(record.version)
                form = RecordForm(data, definition=definition)
                form.is_valid()
                status = 400
            else:
                _copy_shared(request, record, user)
                if request.POST.get("then") == "submit":
                    return redirect("record-submit", record_id=record.pk)
                messages.success(request, f"Draft saved at {saved_at}")
                return redirect("record-edit", record_id=record.pk)
    else:
        form = RecordForm(initial=initial_from(definition, record.data, record.version), definition=definition)
    context = child_context(request, record.child)
    context.update({"record": record, "definition": definition, "form": form, "returned": _last_return(record)})
    context.update(_linked_context(record, user, editing=True))
    return render(request, "records/edit.html", context, status=status)


def _last_return(record: CaseRecord) -> Any:
    if record.status != RecordStatus.RETURNED:
        return None
    return record.decisions.filter(action="return").select_related("by").order_by("-at", "-pk").first()


@login_required
def view_record(request: HttpRequest, record_id: int) -> HttpResponse:
    user = _user(request)
    record = _record(user, record_id)
    definition = record.definition
    audit.record("view", user=user, obj=record, child_id=record.child_id)
    versions = (
        CaseRecord.objects.filter(series=record.series).select_related("created_by", "endorsed_by").order_by("edition")
    )
    context = child_context(request, record.child)
    context.update(
        {
            "record": record,
            "definition": definition,
            "sections": display_values(definition, record.data),
            "decisions": record.decisions.select_related("by"),
            "versions": versions,
            "next_steps": proposed_next_steps(record, user),
            **_allowed(record, user),
            **_linked_context(record, user),
        }
    )
    return render(request, "records/view.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def submit_record(request: HttpRequest, record_id: int) -> HttpResponse:
    user = _user(request)
    record = _record(user, record_id, for_write=True)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    missing: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            record = actions.do_submit(record, actor=user, late_reason=form.cleaned_data["late_reason"])
        except actions.RecordRefused as refusal:
            return _refused(request, record, refusal)
        except ValidationError as error:
            messages_by_field = dict(error.message_dict)
            # A late record's missing reason belongs to this page's own field.
            for text in messages_by_field.pop("late_reason", []):
                form.add_error("late_reason", text)
            # Each other message links to its field on the edit page.
            ids = RecordForm(definition=record.definition)
            missing = [(ids.first_error_id(name), str(texts[0])) for name, texts in messages_by_field.items()]
        else:
            if record.needs_endorsement:
                messages.success(request, "Record submitted for endorsement")
            else:
                messages.success(request, "Record completed")
            return redirect("record-detail", record_id=record.pk)
    context = child_context(request, record.child)
    context.update({"record": record, "form": form, "missing": missing})
    return render(request, "records/submit.html", context, status=400 if missing or form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def review_record(request: HttpRequest, record_id: int) -> HttpResponse:
    user = _user(request)
    record = _record(user, record_id, for_write=True)
    try:
        # Refuse on sight, not only on posting: the author should not be
        # offered a form that can only fail.
        actions.check_endorser(record, user)
    except actions.RecordRefused as refusal:
        return _refused(request, record, refusal)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reasons = form.cleaned_data["reasons"]
        try:
            if form.cleaned_data["decision"] == "endorse":
                record = actions.do_endorse(record, actor=user, reasons=reasons)
                messages.success(request, "Record endorsed")
            else:
                record = actions.do_return(record, actor=user, comments=reasons)
                messages.success(request, "Record returned with your comments")
        except actions.RecordRefused as refusal:
            return _refused(request, record, refusal)
        return redirect("record-detail", record_id=record.pk)
    context = child_context(request, record.child)
    context.update(
        {
            "record": record,
            "form": form,
            "sections": display_values(record.definition, record.data),
        }
    )
    return render(request, "records/review.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def correct_record(request: HttpRequest, record_id: int) -> HttpResponse:
    user = _user(request)
    record = _record(user, record_id, for_write=True)
    form = CorrectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            correction = actions.do_correct(record, actor=user, reason=form.cleaned_data["reason"])
        except actions.RecordRefused as refusal:
            return _refused(request, record, refusal)
        messages.success(request, "Correction started: the endorsed version stays as it was")
        return redirect("record-edit", record_id=correction.pk)
    context = child_context(request, record.child)
    context.update({"record": record, "form": form})
    return render(request, "records/correct.html", context, status=400 if form.errors else 200)


@login_required
def awaiting_endorsement(request: HttpRequest) -> HttpResponse:
    """The manager's queue: records they may endorse, oldest first."""
    user = _user(request)
    roles = staff_context(user).roles
    definitions = current_definitions()
    kinds = [kind for kind, d in definitions.items() if d.may_endorse(roles)]
    queue = (
        CaseRecord.objects.for_user(user)
        .awaiting_endorsement()
        .filter(kind__in=kinds)
        .exclude(created_by=user)
        .exclude(submitted_by=user)
        .select_related("child", "submitted_by")
    )
    page = Paginator(queue, QUEUE_PAGE).get_page(request.GET.get("page"))
    context = {"page": page}
    return render(request, "records/awaiting_endorsement.html", context)


# ---------------------------------------------------------------- linked records


def _linked_context(record: CaseRecord, user: User, *, editing: bool = False) -> dict[str, Any]:
    """The other children a linked record concerns, as far as `user` may see
    them, and whether more can be added."""
    if not linking.is_linkable(record.kind):
        return {}
    writable = record.child._grant is not None and record.child._grant.writable
    may_link = writable and record.is_editable and record.definition.may_complete(staff_context(user).roles)
    context: dict[str, Any] = {"linked": linking.linked_records(record, user), "can_link": may_link}
    if editing:
        context["copy_targets"] = linking.writable_linked_drafts(record, user)
    return context


def _copy_shared(request: HttpRequest, record: CaseRecord, user: User) -> None:
    """On a full save, copy the shared details to the linked drafts when the
    author asked to."""
    if request.POST.get("copy_shared") != "yes" or not linking.is_linkable(record.kind):
        return
    targets = linking.writable_linked_drafts(record, user)
    if not targets:
        return
    try:
        copied = linking.do_copy_shared_details(record, actor=user, targets=targets)
    except (actions.RecordRefused, StaleEdit):
        messages.error(request, "The shared details were not copied: a linked record changed. Try again.")
        return
    if copied:
        names = ", ".join(r.child.full_name for r in targets)
        messages.success(request, f"Shared details copied to the linked records of {names}")


def _link_choices(user: User, record: CaseRecord, q: str, posted: list[str]) -> tuple[list[tuple[str, str]], int]:
    """The children to offer: related children, search results and any
    already ticked (all among those `user` may see, none already linked);
    and how many of them came from the search."""
    exclude = linking.linked_child_ids(record)
    choices: dict[int, str] = {}
    for person, kind in linking.related_children(user, record.child, exclude=exclude):
        choices[person.pk] = f"{person.display_name} ({kind.lower()}, {_born(person)})"
    found = 0
    if q:
        for person in linking.search_children(user, q, exclude=exclude | set(choices)):
            choices[person.pk] = f"{person.display_name} ({_born(person)})"
            found += 1
    ticked = [int(v) for v in posted if v.isdigit() and int(v) <= MAX_ID and int(v) not in choices]
    if ticked:
        for person in Person.objects.visible_to(user).filter(is_child=True, pk__in=ticked).exclude(pk__in=exclude):
            choices[person.pk] = f"{person.display_name} ({_born(person)})"
    return [(str(pk), label) for pk, label in choices.items()], found


def _born(person: Person) -> str:
    if person.date_of_birth:
        return f"born {_uk_date(person.date_of_birth.isoformat())}"
    if person.expected_date_of_birth:
        return f"expected {_uk_date(person.expected_date_of_birth.isoformat())}"
    return "date of birth not known"


@login_required
@require_http_methods(["GET", "POST"])
def link_children(request: HttpRequest, record_id: int) -> HttpResponse:
    """ "Who else is this contact about?": a linked draft for each child chosen."""
    user = _user(request)
    record = _record(user, record_id, for_write=True)
    definition = record.definition
    if not linking.is_linkable(record.kind):
        refusal = actions.RecordRefused(f"A {definition.title} is about one child: it cannot be linked.", status=409)
        return _refused(request, record, refusal)
    if not record.is_editable:
        return _refused(request, record, actions.RecordRefused(actions.locked_message(record), status=409))
    if not definition.may_complete(staff_context(user).roles):
        refusal = actions.RecordRefused(
            f"A {definition.title} is completed by a {definition.role_names(definition.completed_by)}."
        )
        return _refused(request, record, refusal)
    data = request.POST if request.method == "POST" else request.GET
    q = data.get("q", "").strip()[:100]
    searching = request.method == "GET" or request.POST.get("action") == "search"
    choices, found = _link_choices(user, record, q, data.getlist("children"))
    form = LinkChildrenForm(data if request.method == "POST" else None, initial={"q": q}, choices=choices)
    status = 200
    if request.method == "POST" and form.is_valid() and not searching:
        chosen = [int(pk) for pk in form.cleaned_data["children"]]
        if not chosen:
            form.add_error(
                "children", "Select the other children this contact is about, or continue with this child only"
            )
        else:
            # Every child through the chokepoint: one refused refuses all.
            children = [access_child(user, pk, for_write=True, part=record.part) for pk in chosen]
            try:
                created = linking.do_link_children(record, actor=user, children=children)
            except actions.RecordRefused as refusal:
                form.add_error("children", refusal.message)
            else:
                names = ", ".join(r.child.full_name for r in created)
                messages.success(request, f"Linked records started for {names}")
                return redirect("record-edit", record_id=record.pk)
    if form.errors:
        status = 400
    context = child_context(request, record.child)
    context.update(
        {
            "record": record,
            "definition": definition,
            "form": form,
            "q": q,
            "searched": bool(q),
            "found": found,
            "linked": linking.linked_records(record, user),
        }
    )
    return render(request, "records/link.html", context, status=status)
