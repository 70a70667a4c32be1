import pandas as pd
import pytest

from segmentation.access import (
    ALL,
    OPEN_USER,
    Role,
    Scope,
    User,
    can,
    mask_frame,
    mask_name,
    mask_phone,
)


def test_rights_per_role():
    assert can(Role.HQ, "load_data") and not can(Role.BRANCH, "load_data")
    assert can("regional", "see_pii") and not can(Role.VIEWER, "see_pii")
    assert not can(Role.VIEWER, "see_customers")
    with pytest.raises(KeyError):
        can(Role.HQ, "fly")


def test_scope_of_each_role():
    assert User("a", Role.HQ).scope == ALL
    assert User("b", Role.BRANCH, branch="B1").scope == Scope(branches=("B1",))
    assert User("c", Role.REGIONAL, region="华东").scope == Scope(regions=("华东",))
    # a branch manager without a branch sees nothing, not everything
    assert not User("d", Role.BRANCH).scope.is_all
    assert OPEN_USER.can("load_data") and OPEN_USER.open_mode


def test_filters_only_narrow_the_scope():
    scope = Scope(branches=("B1", "B2"))
    assert scope.restrict((("branch", ("B2", "B9")),)) == (("branch", ("B2",)),)
    assert scope.restrict((("branch", ("B9",)),)) == ()
    assert ALL.restrict((("branch", ("B9",)),)) == (("branch", ("B9",)),)


def test_scope_apply_keeps_only_rows_inside():
    frame = pd.DataFrame({"branch": ["B1", "B2", None], "region": ["N", "S", "S"]},
                         index=["c1", "c2", "c3"])
    assert Scope(branches=("B1",)).apply(frame).index.tolist() == ["c1"]
    assert Scope(regions=("S",)).apply(frame).index.tolist() == ["c2", "c3"]
    assert ALL.apply(frame) is frame


def test_masking():
    assert mask_name("张伟") == "张*"
    assert mask_name("李小龙") == "李**"
    assert mask_name("John") == "J***"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("1234") == "**34"
    frame = pd.DataFrame({"name": ["张伟", None], "phone": ["13812341234", "5550100"],
                          "amount": [1.0, 2.0]})
    masked = mask_frame(frame, User("v", Role.VIEWER))
    assert masked["name"].tolist()[0] == "张*" and pd.isna(masked["name"].tolist()[1])
    assert masked["phone"].tolist() == ["138****1234", "*****00"]
    assert frame["name"].tolist()[0] == "张伟"  # the original is untouched
    assert mask_frame(frame, User("h", Role.HQ)) is frame
