"""Numbers typed into back-office forms: ASCII digits only, a field error for anything else."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, SelectChoice, SelectField

from cms.admin.numbers import (
    WholeNumberField,
    coerce_id,
    parse_id,
    parse_whole,
    refuse_unicode_numbers,
)

#: Text that ``str.isdigit()`` or ``int()`` takes for a number, though it is not ASCII.
UNICODE_DIGITS = ["١", "٣", "²", "①", "１", "1١", "٣0"]


@pytest.mark.parametrize(("text", "number"), [("0", 0), ("12", 12), (" 7 ", 7), ("-4", -4)])
def test_ascii_digits_are_numbers(text, number):
    assert parse_whole(text) == number


@pytest.mark.parametrize("text", [*UNICODE_DIGITS, "", "1_000", "+5", "2.5", "ten", "1" * 19])
def test_anything_else_is_not(text):
    assert parse_whole(text) is None
    with pytest.raises(ValueError, match="whole number"):
        coerce_id(text)


@pytest.mark.parametrize(("text", "found"), [("1", 1), ("0", None), ("-1", None), ("١", None)])
def test_ids_are_positive(text, found):
    assert parse_id(text) == found
    assert parse_id(str(2**31)) is None


class _Form(FlaskForm):
    """A settings form as a plugin might write it, with WTForms' own number fields."""

    class Meta:
        csrf = False

    plain = IntegerField()
    whole = WholeNumberField()
    choice = SelectField(coerce=int, choices=[SelectChoice(1, "one"), SelectChoice(2, "two")])


@pytest.mark.parametrize("value", UNICODE_DIGITS)
def test_a_form_refuses_unicode_digits_in_every_number_field(app, value):
    with app.test_request_context("/", method="POST"):
        form = _Form(formdata=MultiDict({"plain": value, "whole": value, "choice": value}))
        form.validate()
        assert not refuse_unicode_numbers(form)
        for field in (form.plain, form.whole, form.choice):
            assert "Enter a whole number, e.g. 10." in field.errors
        assert form.whole.data is None


def test_ascii_digits_pass_the_check(app):
    with app.test_request_context("/", method="POST"):
        form = _Form(formdata=MultiDict({"plain": "3", "whole": "4", "choice": "2"}))
        assert form.validate()
        assert refuse_unicode_numbers(form)
        assert (form.plain.data, form.whole.data, form.choice.data) == (3, 4, 2)
