"""The two national report forms, declared as data (docs/forms.md is generated from them)."""
from .gov2019 import FORM as GOV2019
from .gov2021 import FORM as GOV2021
from .schema import Column, Form, Row, Rule, Section, Table

FORMS: dict[str, Form] = {GOV2019.id: GOV2019, GOV2021.id: GOV2021}


def get_form(form_id: str | None) -> Form:
    """The form of that id; KeyError for an unknown one (or None: a report whose form is not known)."""
    try:
        return FORMS[form_id]  # type: ignore[index]  # None is not a key: KeyError below
    except KeyError:
        raise KeyError(f"unknown form {form_id!r}; known: {', '.join(FORMS)}") from None


def form_for_year(year: int | None) -> Form:
    """The form a report of ``year`` uses when its labels do not say."""
    return GOV2019 if year is not None and year <= 2020 else GOV2021


__all__ = ["FORMS", "GOV2019", "GOV2021", "Column", "Form", "Row", "Rule", "Section", "Table",
           "get_form", "form_for_year"]
