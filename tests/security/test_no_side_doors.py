"""Every way the pages and the API reach comments goes through parley.discussion.access.

The modules of parley/web/ and parley/api/ are parsed (not imported) and searched for each
way Django lets code read comment rows without the gatekeeper: a model's manager
(`Comment.objects`, `Revision._base_manager`, ...), a related manager (`thread.comments.all()`,
`comment.revisions.filter(...)`), a raw query naming the tables, and the same related managers
in templates. The scanner is pointed at access.py too, where it must find them: a scanner
that finds nothing anywhere would pass for the wrong reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUARDED = [ROOT / "parley" / "web", ROOT / "parley" / "api"]
TEMPLATES = ROOT / "parley" / "web" / "templates"

# The models that hold comments or what comments wrote (their history, their quotes).
MODELS = {"Comment", "Revision", "Quote"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
# Related managers that lead from a thread, post, user or comment to comment rows.
RELATED = {"comments", "revisions", "quotes", "children", "quoted_by", "comment_set"}
MANAGER_CALLS = {
    "all",
    "filter",
    "exclude",
    "get",
    "first",
    "last",
    "count",
    "exists",
    "values",
    "values_list",
    "order_by",
    "select_related",
    "prefetch_related",
    "annotate",
    "aggregate",
    "iterator",
    "in_bulk",
    "raw",
    "only",
    "defer",
    "update",
    "delete",
    "create",
}
TABLES = re.compile(r"discussion_(comment|revision|quote)\b")
TEMPLATE_RELATED = re.compile(r"\.(comments|revisions|quotes|children|quoted_by)\.\w+")


def doors(source: str, name: str = "<source>") -> list[str]:
    """Each direct way to comment rows in a Python module, as "name:line: what"."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, name)):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute):
            base = node.value
            if (
                node.attr in MANAGERS
                and isinstance(base, ast.Name)
                and base.id in MODELS
                or (node.attr == "_meta" and isinstance(base, ast.Name) and base.id in MODELS)
            ):
                found.append(f"{where}: {base.id}.{node.attr}")
            if (
                node.attr in MANAGER_CALLS
                and isinstance(base, ast.Attribute)
                and base.attr in RELATED
            ):
                found.append(f"{where}: .{base.attr}.{node.attr}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "get_model":
                found.append(f"{where}: get_model()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if TABLES.search(node.value):
                found.append(f"{where}: SQL naming {TABLES.search(node.value)[0]}")  # type: ignore[index]
    return sorted(found, key=lambda door: int(door.split(":")[-2]))


def guarded_modules() -> list[Path]:
    return sorted(path for folder in GUARDED for path in folder.rglob("*.py"))


def test_the_scanner_finds_every_kind_of_door():
    source = """
from parley.discussion.models import Comment, Revision
a = Comment.objects.filter(pk=1)
b = Revision._base_manager.all()
c = thread.comments.all()
d = comment.revisions.order_by("x")
e = comment.children.count()
f = apps.get_model("discussion", "Comment")
g = "SELECT body FROM discussion_comment"
h = Comment._meta.db_table
ok = page.comments[:3]  # a list on a page object, not a manager
ok2 = Comment.Status.PUBLISHED
"""
    found = doors(source)
    assert [line.split(": ", 1)[1] for line in found] == [
        "Comment.objects",
        "Revision._base_manager",
        ".comments.all",
        ".revisions.order_by",
        ".children.count",
        "get_model()",
        "SQL naming discussion_comment",
        "Comment._meta",
    ], found


def test_the_scanner_finds_the_gatekeepers_own_queries():
    access = ROOT / "parley" / "discussion" / "access.py"
    found = doors(access.read_text(), str(access))
    kinds = {line.split(": ", 1)[1] for line in found}
    assert {"Comment.objects", "Revision.objects", "Quote.objects"} <= kinds, found


def test_pages_and_api_reach_comments_only_through_access():
    modules = guarded_modules()
    # Not vacuous: the views of both packages are among what was read.
    names = {path.relative_to(ROOT).as_posix() for path in modules}
    assert {"parley/web/views.py", "parley/api/views.py", "parley/api/urls.py"} <= names
    found = [door for path in modules for door in doors(path.read_text(), str(path))]
    assert found == [], "\n".join(
        ["Read comments through parley.discussion.access, not directly:", *found]
    )


def test_templates_follow_no_related_manager_to_comments():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 5
    found = [
        f"{path.relative_to(ROOT)}:{number}: {match[0]}"
        for path in templates
        for number, line in enumerate(path.read_text().splitlines(), 1)
        for match in TEMPLATE_RELATED.finditer(line)
    ]
    assert TEMPLATE_RELATED.search("{% for r in comment.revisions.all %}")
    assert found == [], found


def _decorators(function: ast.FunctionDef) -> set[str]:
    return {d.id for d in function.decorator_list if isinstance(d, ast.Name)}


def test_moderation_views_read_comments_directly_only_for_moderators():
    """The moderators' pages may read held comments: every function there that reads them
    directly is a view wrapped in _moderators_only. The readers' view there (flagging a
    comment) goes through access.py."""
    path = ROOT / "parley" / "moderation" / "views.py"
    tree = ast.parse(path.read_text(), str(path))
    direct = {
        node.name: _decorators(node)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and doors(ast.unparse(node))
    }
    assert "queue_page" in direct  # not vacuous: the queue reads held comments itself
    unguarded = [name for name, marks in direct.items() if "_moderators_only" not in marks]
    assert unguarded == []
    assert "access.access_comment" in ast.unparse(
        next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "flag_comment")
    )
