"""Project.resolve_class: the class of the project a name used in a module names."""

from __future__ import annotations

from pathlib import Path

from vcx.frontends import extract
from vcx.link import ClassRef, Project, link

FILES = {
    "app/__init__.py": "",
    "app/models.py": "class User:\n    pass\n\n\nclass Outer:\n    class Inner:\n        pass\n",
    "app/legacy.py": "class User:\n    pass\n",
    "app/api/__init__.py": "from .serializers import UserSerializer\nfrom .extra import *\n",
    "app/api/serializers.py": (
        "from ..models import User\n\n\nclass UserSerializer:\n    pass\n\n\nAlias = UserSerializer\n"
    ),
    "app/api/extra.py": "from .cycle import *\n\n\nclass ExtraSerializer:\n    pass\n",
    "app/api/cycle.py": "from .extra import *\n",
    "app/views.py": (
        "import app.api.serializers as sers\n"
        "import app.models\n"
        "from app import api\n"
        "from . import legacy\n"
        "from .api import ExtraSerializer as Extra\n"
        "from .api.serializers import Alias\n"
        "from .models import Outer\n"
        "from rest_framework import serializers\n"
    ),
}


def _project(tmp_path: Path) -> Project:
    modules = {}
    for name, text in FILES.items():
        data = text.encode()
        modules[name] = extract(data, "python", name)
    return link(modules, tmp_path, tmp_path)


def test_resolve_class_follows_imports(tmp_path: Path) -> None:
    p = _project(tmp_path)
    ser = ClassRef("app/api/serializers.py", "UserSerializer")
    # canonical names, as the front end writes them
    assert p.resolve_class("app/views.py", "app.api.serializers.UserSerializer") == ser  # import ... as sers
    assert p.resolve_class("app/views.py", "app.api.UserSerializer") == ser  # re-exported by __init__
    assert p.resolve_class("app/views.py", "import:.api:ExtraSerializer") == ClassRef("app/api/extra.py",
                                                                                       "ExtraSerializer")
    assert p.resolve_class("app/views.py", "import:.:legacy.User") == ClassRef("app/legacy.py", "User")
    assert p.resolve_class("app/views.py", "app.models.User") == ClassRef("app/models.py", "User")
    assert p.resolve_class("app/views.py", "import:.api.serializers:Alias") == ser  # Alias = UserSerializer
    assert p.resolve_class("app/views.py", "import:.models:Outer.Inner") == ClassRef("app/models.py", "Outer.Inner")
    assert p.resolve_class("app/api/serializers.py", "local:UserSerializer") == ser
    assert p.resolve_class("app/api/serializers.py", "import:..models:User") == ClassRef("app/models.py", "User")
    # source text, read in the module's namespace
    assert p.resolve_class_text("app/views.py", "sers.UserSerializer") == ser
    assert p.resolve_class_text("app/views.py", "api.UserSerializer") == ser
    assert p.resolve_class_text("app/views.py", "Extra") == ClassRef("app/api/extra.py", "ExtraSerializer")
    assert p.resolve_class_text("app/views.py", "legacy.User") == ClassRef("app/legacy.py", "User")


def test_resolve_class_stops_at_libraries_and_cycles(tmp_path: Path) -> None:
    p = _project(tmp_path)
    assert p.resolve_class("app/views.py", "rest_framework.serializers.ModelSerializer") is None
    assert p.resolve_class_text("app/views.py", "serializers.ModelSerializer") is None
    assert p.resolve_class("app/api/cycle.py", "import:.extra:Missing") is None  # from .extra import * both ways
    assert p.resolve_class_text("app/api/cycle.py", "ExtraSerializer") == ClassRef("app/api/extra.py",
                                                                                   "ExtraSerializer")
    assert p.resolve_class_text("app/views.py", "User") is None  # not bound in views.py


NESTED = {
    "app/__init__.py": "",
    "app/shapes.py": (
        "class Tag:\n    pass\n\n\n"  # 1: the module's Tag
        "class First:\n    class Meta:\n        pass\n\n    class Tag:\n        pass\n\n    label = Tag\n\n\n"
        "class Second:\n    class Meta(First.Meta):\n        pass\n\n\n"
        "DEFAULT = Tag\n"
    ),
    "app/use.py": "from .shapes import First, Second, Tag\n",
}


def test_nested_classes_are_told_apart_by_qualified_name(tmp_path: Path) -> None:
    """Every serializer's ``class Meta:`` and a nested class named like a module-level one:
    each is its own class, keyed ``Outer.Inner``; the module's own name stays the module's."""
    modules = {name: extract(text.encode(), "python", name) for name, text in NESTED.items()}
    shapes = modules["app/shapes.py"]
    assert sorted(shapes.classes) == ["First", "First.Meta", "First.Tag", "Second", "Second.Meta", "Tag"]
    assert shapes.classes["Tag"].loc.line == 1
    assert shapes.classes["Second.Meta"].bases == ("local:First.Meta",)
    # a name in a class body is the class's nested class; at module level, the module's
    assert {a.text: a.value.ref for a in shapes.assigns} == {"label": "local:First.Tag", "DEFAULT": "local:Tag"}
    p = link(modules, tmp_path, tmp_path)
    path = "app/shapes.py"
    assert p.resolve_class("app/use.py", "import:.shapes:Tag") == ClassRef(path, "Tag")
    assert p.resolve_class("app/use.py", "import:.shapes:First.Meta") == ClassRef(path, "First.Meta")
    assert p.resolve_class("app/use.py", "import:.shapes:Second.Meta") == ClassRef(path, "Second.Meta")
    assert p.resolve_class("app/use.py", "import:.shapes:First.Tag") == ClassRef(path, "First.Tag")
    assert p.resolve_class(path, "local:First.Tag") == ClassRef(path, "First.Tag")
    assert p.resolve_class(path, "local:Tag") == ClassRef(path, "Tag")
    assert p.resolve_class_text("app/use.py", "Second.Meta") == ClassRef(path, "Second.Meta")
    assert p.resolve_class_text(path, "Meta") is None  # no module-level Meta
