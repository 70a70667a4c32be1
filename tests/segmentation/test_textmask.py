"""Free-text masking: phones, e-mail addresses and names hidden; dates, amounts and
order numbers kept."""

from __future__ import annotations

import pytest

from segmentation.textmask import TextMasker, mask_free_text

MASKED = [
    ("mobile", "call me 13812345678 please", "call me *********78 please"),
    ("mobile-dashes", "电话138-1234-5678", "电话***-****-**78"),
    ("mobile-spaces", "tel 138 1234 5678.", "tel *** **** **78."),
    ("mobile+86", "+86 13812345678", "+** *********78"),
    ("mobile+86-spaces", "+86 138 1234 5678", "+** *** **** **78"),
    ("landline", "座机010-12345678", "座机***-******78"),
    ("landline-parens", "(0755) 8765 4321", "(****) **** **21"),
    ("landline-spaces", "0755 8765 4321", "**** **** **21"),
    ("international", "ring +44 20 7946 0958", "ring +** ** **** **58"),
    ("email", "写信到 li.wei@example.com 谢谢", "写信到 l***@*** 谢谢"),
    ("honorific-mr", "王先生很满意", "*先生很满意"),
    ("honorific-ms", "快递员对李女士态度差", "快递员对*女士态度差"),
    ("intro-en", "Hello, my name is Zhang Wei and", "Hello, my name is Z**** W** and"),
    ("intro-zh", "我叫王小明，包裹破了", "我叫王**，包裹破了"),
]

KEPT = [
    ("date", "delivered 2024-05-01, late"),
    ("date-slash", "on 05/01/2024"),
    ("amount", "paid 12.50 yuan"),
    ("amount-yuan", "运费¥1,200太贵"),
    ("order-number", "order SF1234567890 lost"),
    ("short-number", "waited 3 days, 45 minutes"),
    ("plain", "快递太慢了"),
    ("time", "arrived 14:30"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in MASKED],
                         ids=[c[0] for c in MASKED])
def test_personal_data_is_masked(text, expected):
    assert mask_free_text(text) == expected


@pytest.mark.parametrize("text", [c[1] for c in KEPT], ids=[c[0] for c in KEPT])
def test_other_numbers_and_words_are_kept(text):
    assert mask_free_text(text) == text


def test_known_customer_names_are_masked_wherever_they_appear():
    masker = TextMasker(["张伟", "欧阳娜娜", "Li", None, float("nan")])
    assert masker.mask("张伟说欧阳娜娜的件丢了") == "张*说欧***的件丢了"
    assert masker.mask("Lily and Li") == "Lily and L*"


def test_missing_and_non_text_values_pass_through():
    assert mask_free_text(None) is None
    assert mask_free_text("") == ""
    assert mask_free_text(12.5) == 12.5
