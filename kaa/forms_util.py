from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form it came from, field by field.

    Errors for fields the form does not have are shown at the top of the form, so no
    message is lost and what the user typed stays in the form.
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


__all__ = ["NON_FIELD_ERRORS", "apply_validation_error"]
