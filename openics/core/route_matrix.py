"""Core routes in the permission matrix (see openics/route_matrix.py)."""

from openics.route_matrix import AMY_READERS, AMY_WRITERS, SIGNED_IN, Case, ok_for

ROUTES: dict[str, list[Case]] = {
    "home": [Case(expect=ok_for(SIGNED_IN, 302))],
    "login": [Case(expect=ok_for(SIGNED_IN), anonymous=200)],
    "logout": [Case(method="post", expect=ok_for(SIGNED_IN, 302), anonymous=302)],
    # Tests sign in without a second factor: these pages then send the user on.
    "mfa-verify": [Case(expect=ok_for(SIGNED_IN, 302))],
    "mfa-setup": [Case(expect=ok_for(SIGNED_IN))],
    "my-work": [Case(expect=ok_for(SIGNED_IN))],
    "find-child": [
        Case(expect=ok_for(SIGNED_IN)),
        Case(query="q=Example", expect=ok_for(SIGNED_IN)),
    ],
    "child-overview": [Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_READERS))],
    "child-chronology": [Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_READERS))],
    "child-chronology-csv": [Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_READERS))],
    "child-chronology-add": [
        Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_WRITERS)),
        Case(
            method="post",
            kwargs={"child_id": "amy"},
            data={
                "occurred_on_0": "3",
                "occurred_on_1": "2",
                "occurred_on_2": "2025",
                "summary": "Matrix entry",
                "significance": "routine",
            },
            expect=ok_for(AMY_WRITERS, 302),
        ),
    ],
    "child-who-viewed": [Case(kwargs={"child_id": "amy"}, expect=ok_for(AMY_WRITERS))],
}
